import type { Core } from '@strapi/strapi';
import { entryLabels } from '../../content/entry-labels';
import type { EditableField } from './editable-fields';

/** A relation target or media file as the editor shows it. */
export interface ReferenceLabel {
  label: string;
  url?: string;
  mime?: string;
}

const FILE_UID = 'plugin::upload.file';

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
      const entries = await entryLabels(strapi, target, [...ids]);
      labels[target] = Object.fromEntries(Object.entries(entries).map(([documentId, label]) => [documentId, { label }]));
    })
  );
  return labels;
};
