import { Typography } from '@strapi/design-system';
import type { EditableField, VariantEditorData } from '../api/types';
import { useTranslate } from '../utils/use-translate';
import { blocksToText, isPlainParagraphs } from './blocks-text';

const MAX = 160;
const short = (text: string) => (text.length > MAX ? `${text.slice(0, MAX)}…` : text);

/** The base entry's value of a field, in one short line, for comparing with the override. */
export const BaseValue = ({ field, value, editor }: { field: EditableField; value: unknown; editor: VariantEditorData }) => {
  const t = useTranslate();
  const ids = value == null ? [] : Array.isArray(value) ? value : [value];
  let shown: string;
  if (value == null || value === '' || (Array.isArray(value) && value.length === 0)) shown = t('editor.base.empty', '(empty)');
  else if (field.kind === 'media') shown = ids.map((id) => editor.labels['plugin::upload.file']?.[String(id)]?.label ?? `#${id}`).join(', ');
  else if (field.kind === 'relation') shown = ids.map((id) => editor.labels[field.target!]?.[String(id)]?.label ?? String(id)).join(', ');
  else if (field.type === 'blocks' && isPlainParagraphs(value)) shown = blocksToText(value).replace(/\n+/g, ' ¶ ');
  else if (typeof value === 'object') shown = JSON.stringify(value);
  else shown = String(value);
  return (
    <Typography variant="pi" textColor="neutral600" ellipsis>
      {t('editor.base', 'Base: {value}', { value: short(shown) })}
    </Typography>
  );
};
