import { Box, Button, Flex, IconButton, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useTranslate } from '../../utils/use-translate';
import { operatorLabels } from '../../components/RuleBuilder/operator-labels';
import { takesValue } from '../../components/RuleBuilder/rule-tree';
import { errorAt, takesList, type FilterDraft } from './trigger-form';

type InputEvent = React.ChangeEvent<HTMLInputElement>;

/**
 * Property filters of an event: property (a name or a dot path), operator, value (a list for "is
 * one of" / "is none of", none for "is known" / "is unknown"). `errorPath` is where the server's
 * errors for these filters are (`condition.where`).
 */
export const PropertyFilters = ({
  value,
  onChange,
  operators,
  errors,
  errorPath,
  disabled,
}: {
  value: FilterDraft[];
  onChange: (next: FilterDraft[]) => void;
  operators: string[];
  errors: Record<string, string>;
  errorPath: string;
  disabled?: boolean;
}) => {
  const t = useTranslate();
  const labels = operatorLabels(t);
  const setFilter = (index: number, patch: Partial<FilterDraft>) => onChange(value.map((filter, i) => (i === index ? { ...filter, ...patch } : filter)));
  const listError = errorAt(errors, errorPath);
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      {value.map((filter, index) => {
        const error = errorAt(errors, `${errorPath}.${index}`, true);
        return (
          <Box key={index} data-testid="trigger-filter">
            <Flex gap={2} alignItems="flex-end" wrap="wrap">
              <Box minWidth="220px">
                <TextInput
                  aria-label={t('trigger.filter.property', 'Property')}
                  placeholder={t('trigger.filter.property.placeholder', 'e.g. category or product.price')}
                  value={filter.property}
                  disabled={disabled}
                  onChange={(event: InputEvent) => setFilter(index, { property: event.target.value })}
                />
              </Box>
              <Box minWidth="160px">
                <SingleSelect
                  aria-label={t('trigger.filter.operator', 'Operator')}
                  value={filter.op}
                  disabled={disabled}
                  onChange={(op: string | number) => setFilter(index, { op: String(op) })}
                >
                  {operators.map((op) => (
                    <SingleSelectOption key={op} value={op}>
                      {labels[op] ?? op}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Box>
              {takesValue(filter.op) && (
                <Box minWidth="200px">
                  <TextInput
                    aria-label={t('trigger.filter.value', 'Value')}
                    placeholder={takesList(filter.op) ? t('trigger.filter.list.placeholder', 'a, b, c') : t('trigger.filter.value.placeholder', 'shoes, 12, true or "12"')}
                    value={filter.value}
                    disabled={disabled}
                    onChange={(event: InputEvent) => setFilter(index, { value: event.target.value })}
                  />
                </Box>
              )}
              <IconButton label={t('trigger.filter.remove', 'Remove filter')} disabled={disabled} onClick={() => onChange(value.filter((_, i) => i !== index))}>
                <Trash />
              </IconButton>
            </Flex>
            {error && (
              <Typography variant="pi" textColor="danger600">
                {error}
              </Typography>
            )}
          </Box>
        );
      })}
      {listError && (
        <Typography variant="pi" textColor="danger600">
          {listError}
        </Typography>
      )}
      <Box>
        <Button
          variant="tertiary"
          size="S"
          startIcon={<Plus />}
          disabled={disabled || value.length >= 20}
          onClick={() => onChange([...value, { property: '', op: operators[0] ?? 'eq', value: '' }])}
        >
          {t('trigger.filter.add', 'Add property filter')}
        </Button>
      </Box>
    </Flex>
  );
};
