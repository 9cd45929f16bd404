/**
 * A content type opts in through its schema:
 * `"pluginOptions": { "personalization": { "enabled": true } }`.
 */
export interface ContentTypeLike {
  uid: string;
  kind?: string;
  info?: { displayName?: string; singularName?: string; pluralName?: string };
  pluginOptions?: Record<string, unknown>;
}

export interface EnabledContentType {
  uid: string;
  kind: 'collectionType' | 'singleType';
  displayName: string;
}

export const isPersonalizationEnabled = (contentType: ContentTypeLike): boolean => {
  const options = contentType.pluginOptions?.personalization;
  return typeof options === 'object' && options !== null && (options as { enabled?: unknown }).enabled === true;
};

/** The opted-in content types, sorted by uid so listings are stable. */
export const listEnabledContentTypes = (
  contentTypes: Record<string, ContentTypeLike>
): EnabledContentType[] =>
  Object.entries(contentTypes)
    .filter(([, contentType]) => isPersonalizationEnabled(contentType))
    .map(([uid, contentType]) => ({
      uid,
      kind: contentType.kind === 'singleType' ? ('singleType' as const) : ('collectionType' as const),
      displayName: contentType.info?.displayName ?? uid,
    }))
    .sort((a, b) => a.uid.localeCompare(b.uid));
