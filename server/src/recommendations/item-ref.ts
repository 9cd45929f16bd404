/**
 * An item that can be recommended: an entry of a personalized content type. Events name it with
 * `properties.contentType` + `properties.documentId` (the tracker's `data-psn-entry`); the store and
 * the recommender name it with one string, its item key `<contentType uid>/<documentId>`.
 *
 * Both parts reach Redis key names and member names, and both come from visitors' events, so they
 * are held to a small alphabet and length: anything else is not an item (null), refused cheaply.
 */

export interface ItemRef {
  /** A content-type uid: `api::movie.movie`, `plugin::shop.product`. */
  contentType: string;
  documentId: string;
}

/** Strapi uids: `<namespace>::<api>.<type>`, lowercase kebab-case names (underscores tolerated). */
const CONTENT_TYPE_PATTERN = /^[a-z][a-z0-9-]{0,30}::[a-z0-9][a-z0-9_-]{0,60}\.[a-z0-9][a-z0-9_-]{0,60}$/;
/** Strapi 5 documentIds are 24-character cuid2 strings; product ids of shops are often numeric or kebab-case. */
const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** `/` is in neither alphabet, so the key splits back unambiguously. */
const SEPARATOR = '/';

export const isContentTypeUid = (value: unknown): value is string => typeof value === 'string' && CONTENT_TYPE_PATTERN.test(value);

export const isDocumentId = (value: unknown): value is string => typeof value === 'string' && DOCUMENT_ID_PATTERN.test(value);

/** The item's key; throws on a ref that would not parse back (a caller's bug, not visitors' input). */
export const itemKey = (ref: ItemRef): string => {
  if (!isContentTypeUid(ref.contentType) || !isDocumentId(ref.documentId)) {
    throw new TypeError(`not an item: ${JSON.stringify(ref).slice(0, 200)}`);
  }
  return ref.contentType + SEPARATOR + ref.documentId;
};

/**
 * The key of parts already checked (read back from the store, which only holds valid ones): a
 * recommendation reads thousands of neighbours, and two regular expressions each cost more than
 * the rest of the read.
 */
export const joinItemKey = (contentType: string, documentId: string): string => contentType + SEPARATOR + documentId;

/** The ref of an item key, or null for anything that is not one. */
export const parseItemKey = (key: unknown): ItemRef | null => {
  if (typeof key !== 'string' || key.length > 256) return null;
  const at = key.indexOf(SEPARATOR);
  if (at < 0) return null;
  const contentType = key.slice(0, at);
  const documentId = key.slice(at + 1);
  return isContentTypeUid(contentType) && isDocumentId(documentId) ? { contentType, documentId } : null;
};

/** The ref of untrusted values (an event's properties), or null. */
export const itemRefOf = (contentType: unknown, documentId: unknown): ItemRef | null =>
  isContentTypeUid(contentType) && isDocumentId(documentId) ? { contentType, documentId } : null;
