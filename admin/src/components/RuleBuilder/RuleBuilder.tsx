import { Box, Button, Flex, IconButton, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { createContext, useContext } from 'react';
import type { FactCatalog } from '../../api/types';
import { useTranslate, type Translate } from '../../utils/use-translate';
import { JourneyStepsEditor, stepSuggestionsFromSeen } from '../JourneyStepsEditor';
import { operatorLabels } from './operator-labels';
import {
  addChild,
  newCondition,
  newGroup,
  newSequence,
  removeNode,
  LIST_OPERATORS,
  splitWithin,
  takesValue,
  updateNode,
  type ConditionNode,
  type FactType,
  type GroupNode,
  type SequenceNode,
  type SpanUnit,
} from './rule-tree';

const WINDOWS = ['', '1h', '6h', '24h', '48h', '1d', '7d', '14d', '30d', '90d'];

/** A fact's type and whether it has daily buckets, from the catalog (family facts by prefix). */
export const factSpec = (catalog: FactCatalog, fact: string): { type: FactType; windowable: boolean } => {
  const scalar = catalog.scalars.find((candidate) => candidate.name === fact);
  if (scalar) return { type: scalar.type, windowable: Boolean(scalar.windowCounter) };
  const family = catalog.families.find((candidate) => fact.startsWith(`${candidate.family}.`));
  return { type: family?.type ?? 'any', windowable: Boolean(family?.windowable) };
};

/** Fact names to suggest: the fixed facts, and family facts for the names seen in events. */
export const factSuggestions = (catalog: FactCatalog): string[] => [
  ...catalog.scalars.map((fact) => fact.name),
  ...catalog.seen.events.map((name) => `events.${name}`),
  ...catalog.seen.pages.map((name) => `pages.${name}`),
  ...catalog.seen.categories.map((name) => `category.${name}`),
  ...catalog.seen.topics.map((name) => `topics.${name}`),
  ...catalog.seen.topics.map((name) => `bounces.${name}`),
  ...catalog.seen.traits.map((name) => `traits.${name}`),
];

interface Props {
  value: GroupNode;
  onChange: (next: GroupNode) => void;
  catalog: FactCatalog;
  disabled?: boolean;
}

interface BuilderContext extends Props {
  t: Translate;
  operatorLabels: Record<string, string>;
}


/** What the value box shows before anything is typed: the shape the operator takes. */
const valuePlaceholder = (op: string, type: FactType): string => {
  if (op === 'between') return type === 'date' ? '2026-01-01, 2026-01-31' : 'min, max';
  if (LIST_OPERATORS.includes(op)) return 'a, b, c';
  if (op === 'before' || op === 'after' || op === 'isDay' || op === 'isNotDay') return '2026-01-31';
  if (op === 'inLast') return '30d';
  if (op === 'matches') return '^news\\.';
  return '';
};

const Context = createContext<BuilderContext | null>(null);
const useBuilder = () => useContext(Context)!;

const Condition = ({ node }: { node: ConditionNode }) => {
  const { value, onChange, catalog, disabled, t, operatorLabels: labels } = useBuilder();
  const spec = factSpec(catalog, node.fact);
  const operators = catalog.operatorsByType[spec.type];
  const op = catalog.operatorAliases[node.op] ?? node.op;
  const set = (patch: Partial<ConditionNode>) => onChange(updateNode(value, node.id, (current) => ({ ...(current as ConditionNode), ...patch })));
  return (
    <Flex gap={2} alignItems="flex-end" data-testid="rule-condition" wrap="wrap">
      <Box minWidth="240px">
        <TextInput
          aria-label={t('rules.fact', 'Fact')}
          placeholder={t('rules.fact.placeholder', 'e.g. pageviews or events.Signup')}
          value={node.fact}
          list="psn-fact-suggestions"
          disabled={disabled}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
            // A fact of another type keeps the operator only if it applies there (what the select shows is what is saved).
            const fact = event.target.value;
            const fitting = catalog.operatorsByType[factSpec(catalog, fact).type];
            set(fitting.includes(op) ? { fact } : { fact, op: fitting[0] });
          }}
        />
      </Box>
      <Box minWidth="140px">
        <SingleSelect
          aria-label={t('rules.operator', 'Operator')}
          value={operators.includes(op) ? op : operators[0]}
          disabled={disabled}
          onChange={(op: string | number) => set({ op: String(op) })}
        >
          {operators.map((op) => (
            <SingleSelectOption key={op} value={op}>
              {labels[op] ?? op}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      </Box>
      {takesValue(node.op) && (
        <Box minWidth="160px">
          <TextInput
            aria-label={t('rules.value', 'Value')}
            placeholder={valuePlaceholder(node.op, spec.type)}
            value={node.value}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => set({ value: event.target.value })}
          />
        </Box>
      )}
      {spec.windowable && (
        <Box minWidth="120px">
          <SingleSelect
            aria-label={t('rules.window', 'Window')}
            value={node.window}
            disabled={disabled}
            onChange={(window: string | number) => set({ window: String(window) })}
          >
            {WINDOWS.map((window) => (
              <SingleSelectOption key={window || 'all'} value={window}>
                {window ? t('rules.window.last', 'last {window}', { window }) : t('rules.window.all', 'all time')}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        </Box>
      )}
      <IconButton label={t('rules.remove', 'Remove condition')} disabled={disabled} onClick={() => onChange(removeNode(value, node.id))}>
        <Trash />
      </IconButton>
    </Flex>
  );
};

/** A sequence's window: one session (the configured inactivity gap), or a span from the first step to the last. */
const WithinPicker = ({ node, set }: { node: SequenceNode; set: (within: string) => void }) => {
  const { disabled, t } = useBuilder();
  const within = splitWithin(node.within);
  const span = within === 'session' ? null : within;
  return (
    <Flex gap={2} alignItems="flex-end">
      <Box minWidth="200px">
        <SingleSelect
          aria-label={t('rules.sequence.within', 'Within')}
          value={span ? 'span' : 'session'}
          disabled={disabled}
          onChange={(mode: string | number) => set(mode === 'session' ? 'session' : '1h')}
        >
          <SingleSelectOption value="session">{t('rules.sequence.within.session', 'in one session')}</SingleSelectOption>
          <SingleSelectOption value="span">{t('rules.sequence.within.span', 'within a time span')}</SingleSelectOption>
        </SingleSelect>
      </Box>
      {span && (
        <>
          <Box width="90px">
            <TextInput
              aria-label={t('rules.sequence.amount', 'How many')}
              inputMode="numeric"
              value={span.amount}
              disabled={disabled}
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => set(`${event.target.value.trim()}${span.unit}`)}
            />
          </Box>
          <Box minWidth="120px">
            <SingleSelect aria-label={t('rules.sequence.unit', 'Unit')} value={span.unit} disabled={disabled} onChange={(unit: string | number) => set(`${span.amount}${unit as SpanUnit}`)}>
              <SingleSelectOption value="s">{t('rules.sequence.unit.seconds', 'seconds')}</SingleSelectOption>
              <SingleSelectOption value="m">{t('rules.sequence.unit.minutes', 'minutes')}</SingleSelectOption>
              <SingleSelectOption value="h">{t('rules.sequence.unit.hours', 'hours')}</SingleSelectOption>
              <SingleSelectOption value="d">{t('rules.sequence.unit.days', 'days')}</SingleSelectOption>
            </SingleSelect>
          </Box>
        </>
      )}
    </Flex>
  );
};

const Sequence = ({ node }: { node: SequenceNode }) => {
  const { value, onChange, catalog, disabled, t } = useBuilder();
  const set = (patch: Partial<SequenceNode>) => onChange(updateNode(value, node.id, (current) => ({ ...(current as SequenceNode), ...patch })));
  return (
    <Box padding={3} borderColor="neutral200" borderStyle="solid" borderWidth="1px" hasRadius data-testid="rule-sequence">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Flex gap={2} alignItems="flex-end" wrap="wrap">
          <Typography fontWeight="semiBold">{t('rules.sequence.title', 'Did these steps, in this order')}</Typography>
          <WithinPicker node={node} set={(within) => set({ within })} />
          <IconButton label={t('rules.sequence.remove', 'Remove sequence')} disabled={disabled} onClick={() => onChange(removeNode(value, node.id))}>
            <Trash />
          </IconButton>
        </Flex>
        <JourneyStepsEditor value={node.steps} onChange={(steps) => set({ steps })} suggestions={stepSuggestionsFromSeen(catalog.seen)} disabled={disabled} />
      </Flex>
    </Box>
  );
};

const Group = ({ node, root }: { node: GroupNode; root: boolean }) => {
  const { value, onChange, disabled, t } = useBuilder();
  return (
    <Box
      padding={root ? 0 : 3}
      borderColor={root ? undefined : 'neutral200'}
      borderStyle={root ? undefined : 'solid'}
      borderWidth={root ? undefined : '1px'}
      hasRadius
      data-testid="rule-group"
    >
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex gap={2} alignItems="center">
          <Box minWidth="220px">
            <SingleSelect
              aria-label={t('rules.match', 'Match')}
              value={node.negate ? 'none' : node.match}
              disabled={disabled}
              onChange={(match: string | number) =>
                onChange(
                  updateNode(value, node.id, (current) => ({
                    ...(current as GroupNode),
                    match: match === 'any' ? 'any' : 'all',
                    negate: match === 'none',
                  }))
                )
              }
            >
              <SingleSelectOption value="all">{t('rules.match.all', 'All of these')}</SingleSelectOption>
              <SingleSelectOption value="any">{t('rules.match.any', 'Any of these')}</SingleSelectOption>
              <SingleSelectOption value="none">{t('rules.match.none', 'None of these')}</SingleSelectOption>
            </SingleSelect>
          </Box>
          {!root && (
            <IconButton label={t('rules.removeGroup', 'Remove group')} disabled={disabled} onClick={() => onChange(removeNode(value, node.id))}>
              <Trash />
            </IconButton>
          )}
        </Flex>
        {node.children.length === 0 && (
          <Typography textColor="neutral600">
            {node.match === 'all' && !node.negate
              ? t('rules.empty.all', 'No conditions: everyone matches.')
              : t('rules.empty.any', 'No conditions: nobody matches.')}
          </Typography>
        )}
        {node.children.map((child) =>
          child.kind === 'group' ? (
            <Group key={child.id} node={child} root={false} />
          ) : child.kind === 'sequence' ? (
            <Sequence key={child.id} node={child} />
          ) : (
            <Condition key={child.id} node={child} />
          )
        )}
        <Flex gap={2}>
          <Button variant="secondary" startIcon={<Plus />} disabled={disabled} onClick={() => onChange(addChild(value, node.id, newCondition()))}>
            {t('rules.addCondition', 'Add condition')}
          </Button>
          <Button variant="tertiary" startIcon={<Plus />} disabled={disabled} onClick={() => onChange(addChild(value, node.id, newGroup('any')))}>
            {t('rules.addGroup', 'Add group')}
          </Button>
          <Button variant="tertiary" startIcon={<Plus />} disabled={disabled} onClick={() => onChange(addChild(value, node.id, newSequence()))}>
            {t('rules.addSequence', 'Add sequence')}
          </Button>
        </Flex>
      </Flex>
    </Box>
  );
};

/**
 * A visual editor of segment rules: nested all/any/none groups of conditions; a fact from the
 * catalog (with the names actually seen in events suggested), an operator fitting its type, a value
 * and, for facts counted per day, a window; and sequences, steps in order within a session or a span.
 */
export const RuleBuilder = (props: Props) => {
  const t = useTranslate();
  return (
    <Context.Provider value={{ ...props, t, operatorLabels: operatorLabels(t) }}>
      <datalist id="psn-fact-suggestions">
        {factSuggestions(props.catalog).map((fact) => (
          <option key={fact} value={fact} />
        ))}
      </datalist>
      <Group node={props.value} root />
    </Context.Provider>
  );
};
