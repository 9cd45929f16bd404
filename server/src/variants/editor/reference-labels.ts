import type { Core } from '@strapi/strapi';
import type { EditableField } from './editable-fields';

/** A relation target or media file as the editor shows it. */
export interface ReferenceLabel {
  label: string;
  url?: string;
  mime?: string;
}

const FILE_UID = 'plugin::upload.file';

/** The field the Content Manager shows for entries of a type (its list "main field"). */
export const mainFieldOf = async (strapi: Core.Strapi, uid: string): Promise<string> => {
  try {
    const configuration = await strapi.plugin('content-manager').service('content-types').findConfiguration({ uid });
    return (configuration as { settings?: { mainField?: string } }).settings?.mainField ?? 'documentId';
  } catch {
    return 'documentId';
  }
};

/**
 * Labels of the relation targets (by documentId) and media files (by id) that the given field
 * values point at: one query per target type. `{ "<target uid>": { "<id>": { label, ... } } }`.
 */
export const referenceLabels = async (
  strapi: Core.Strapi,
  fields: EditableField[],
  valueSets: Record<string, unknown>[]
): Promise<Record<string, Record<string, ReferenceLabel>>> => {
  const wanted = new Map<string, Set<string>>();
  for (const field of fields) {
    if (field.kind === 'value') continue;
    const target = field.kind === 'media' ? FILE_UID : field.target!;
    for (const values of valueSets) {
      const value = values[field.name];
      for (const id of value == null ? [] : Array.isArray(value) ? value : [value]) {
        wanted.set(target, (wanted.get(target) ?? new Set()).add(String(id)));
      }
    }
  }
  const labels: Record<string, Record<string, ReferenceLabel>> = {};
  await Promise.all(
    [...wanted].map(async ([target, ids]) => {
      if (target === FILE_UID) {
        const files = (await strapi.db.query(FILE_UID).findMany({
          where: { id: { $in: [...ids].map(Number).filter(Number.isInteger) } },
          select: ['id', 'name', 'url', 'mime'],
        })) as { id: number; name: string; url: string; mime: string }[];
        labels[target] = Object.fromEntries(files.map((file) => [String(file.id), { label: file.name, url: file.url, mime: file.mime }]));
        return;
      }
      const mainField = await mainFieldOf(strapi, target);
      const rows = (await strapi.db.query(target as never).findMany({
        where: { documentId: { $in: [...ids] } },
        select: ['documentId', ...(mainField !== 'documentId' && mainField !== 'id' ? [mainField] : [])],
      })) as Record<string, unknown>[];
      labels[target] = Object.fromEntries(rows.map((row) => [String(row.documentId), { label: String(row[mainField] ?? row.documentId) }]));
    })
  );
  return labels;
};
