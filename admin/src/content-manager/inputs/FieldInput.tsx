import { NumberInput, SingleSelect, SingleSelectOption, Textarea, TextInput, Toggle } from '@strapi/design-system';
import type { EditableField, VariantEditorData } from '../../api/types';
import { useTranslate } from '../../utils/use-translate';
import { BlocksTextInput } from './BlocksTextInput';
import { JsonValueInput } from './JsonValueInput';
import { MediaInput } from './MediaInput';
import { RelationInput } from './RelationInput';

interface Props {
  field: EditableField;
  value: unknown;
  onChange: (value: unknown) => void;
  editor: VariantEditorData;
  disabled?: boolean;
}

const text = (value: unknown) => (value == null ? '' : String(value));

/** The input that fits a field's type; the value is in the form the variants API takes. */
export const FieldInput = ({ field, value, onChange, editor, disabled }: Props) => {
  const t = useTranslate();
  const label = field.name;
  switch (field.type) {
    case 'text':
    case 'richtext':
      return <Textarea aria-label={label} value={text(value)} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => onChange(event.target.value)} />;
    case 'integer':
    case 'float':
    case 'decimal':
      return <NumberInput aria-label={label} value={typeof value === 'number' ? value : undefined} disabled={disabled} onValueChange={(next: number | undefined) => onChange(next ?? null)} />;
    case 'boolean':
      return (
        <Toggle
          aria-label={label}
          onLabel={t('common.true', 'True')}
          offLabel={t('common.false', 'False')}
          checked={value === true}
          disabled={disabled}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.checked)}
        />
      );
    case 'enumeration':
      return (
        <SingleSelect aria-label={label} value={text(value)} disabled={disabled} onChange={(next: string | number) => onChange(String(next))}>
          {(field.enum ?? []).map((option) => (
            <SingleSelectOption key={option} value={option}>
              {option}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      );
    case 'date':
      return <TextInput aria-label={label} type="date" value={text(value)} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value || null)} />;
    case 'time':
      return <TextInput aria-label={label} type="time" value={text(value).slice(0, 8)} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value || null)} />;
    case 'blocks':
      return <BlocksTextInput label={label} value={value} onChange={onChange} disabled={disabled} />;
    case 'json':
    case 'component':
    case 'dynamiczone':
      return <JsonValueInput label={label} value={value} onChange={onChange} disabled={disabled} />;
    case 'media':
      return <MediaInput label={label} value={value} multiple={field.multiple === true} labels={editor.labels['plugin::upload.file'] ?? {}} onChange={onChange} disabled={disabled} />;
    case 'relation':
      return (
        <RelationInput
          label={label}
          value={value}
          target={field.target!}
          mainField={editor.mainFields[field.target!] ?? 'documentId'}
          toMany={/Many$/.test(field.relation ?? '')}
          labels={editor.labels[field.target!] ?? {}}
          onChange={onChange}
          disabled={disabled}
        />
      );
    default:
      // string, email, biginteger, datetime (ISO-8601) and anything newer: typed as text.
      return <TextInput aria-label={label} value={text(value)} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value)} />;
  }
};
