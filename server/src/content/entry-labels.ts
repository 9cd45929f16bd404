import type { Core } from '@strapi/strapi';

/** The field the Content Manager shows for entries of a type (its list "main field"). */
export const mainFieldOf = async (strapi: Core.Strapi, uid: string): Promise<string> => {
  try {
    const configuration = await strapi.plugin('content-manager').service('content-types').findConfiguration({ uid });
    return (configuration as { settings?: { mainField?: string } }).settings?.mainField ?? 'documentId';
  } catch {
    return 'documentId';
  }
};

/** Entries of one type as the Content Manager's lists name them (their main field), by documentId; one query. */
export const entryLabels = async (strapi: Core.Strapi, uid: string, documentIds: readonly string[]): Promise<Record<string, string>> => {
  if (documentIds.length === 0) return {};
  const mainField = await mainFieldOf(strapi, uid);
  const rows = (await strapi.db.query(uid as never).findMany({
    where: { documentId: { $in: [...documentIds] } },
    select: ['documentId', ...(mainField !== 'documentId' && mainField !== 'id' ? [mainField] : [])],
  })) as Record<string, unknown>[];
  return Object.fromEntries(rows.map((row) => [String(row.documentId), String(row[mainField] ?? row.documentId)]));
};
