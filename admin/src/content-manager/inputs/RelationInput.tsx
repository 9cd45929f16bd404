import { Combobox, ComboboxOption, Flex, Tag, Typography } from '@strapi/design-system';
import { Cross } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import type { ReferenceLabel } from '../../api/types';
import { useTranslate } from '../../utils/use-translate';

type Row = Record<string, unknown> & { documentId: string };

/**
 * A relation: entries of the target type found through the Content Manager's own search (so the
 * editor's permissions on that type apply); the variant holds their documentIds.
 */
export const RelationInput = ({
  label,
  value,
  target,
  mainField,
  toMany,
  labels,
  onChange,
  disabled,
}: {
  label: string;
  value: unknown;
  target: string;
  mainField: string;
  toMany: boolean;
  labels: Record<string, ReferenceLabel>;
  onChange: (value: unknown) => void;
  disabled?: boolean;
}) => {
  const t = useTranslate();
  const { get } = useFetchClient();
  const [search, setSearch] = useState('');
  const [options, setOptions] = useState<Row[]>([]);
  const [loading, setLoading] = useState(false);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const ids = (value == null ? [] : Array.isArray(value) ? value : [value]) as string[];
  const name = (documentId: string) => picked[documentId] ?? labels[documentId]?.label ?? documentId;
  const labelOf = (row: Row) => String(row[mainField] ?? row.documentId);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      setLoading(true);
      const params = new URLSearchParams({ page: '1', pageSize: '10', ...(search ? { _q: search } : {}) });
      get<{ results: Row[] }>(`/content-manager/collection-types/${target}?${params}`)
        .then((response) => !cancelled && setOptions(response.data.results))
        .catch(() => !cancelled && setOptions([]))
        .finally(() => !cancelled && setLoading(false));
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [get, search, target]);

  const add = (documentId: string) => {
    const row = options.find((option) => option.documentId === documentId);
    if (row) setPicked((previous) => ({ ...previous, [documentId]: labelOf(row) }));
    onChange(toMany ? [...new Set([...ids, documentId])] : documentId);
    setSearch('');
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Combobox
        aria-label={label}
        placeholder={t('editor.relation.search', 'Search {target}', { target: target.split('.').pop() ?? target })}
        value=""
        textValue={search}
        loading={loading}
        disabled={disabled}
        autocomplete="none"
        onInputChange={(event: React.ChangeEvent<HTMLInputElement>) => setSearch(event.target.value)}
        onTextValueChange={(text: string) => setSearch(text)}
        onChange={(documentId?: string) => documentId && add(documentId)}
        noOptionsMessage={() => t('editor.relation.none', 'No entry found')}
      >
        {options.map((row) => (
          <ComboboxOption key={row.documentId} value={row.documentId}>
            {labelOf(row)}
          </ComboboxOption>
        ))}
      </Combobox>
      <Flex gap={1} wrap="wrap">
        {ids.length === 0 && <Typography textColor="neutral600">{t('editor.relation.empty', 'No related entry')}</Typography>}
        {ids.map((documentId) => (
          <Tag
            key={documentId}
            icon={<Cross aria-hidden />}
            disabled={disabled}
            label={t('editor.relation.remove', 'Remove {name}', { name: name(documentId) })}
            onClick={() => onChange(toMany ? ids.filter((id) => id !== documentId) : null)}
          >
            {name(documentId)}
          </Tag>
        ))}
      </Flex>
    </Flex>
  );
};
