import { isIP } from 'net';

/**
 * What is never stored: traits whose key names personal data (matched whatever the case, spelling
 * or nesting: `Email`, `user_email`, `contact.email`, `first_name`, `mobile`, `ip`), and any value
 * that carries an e-mail address or an IP address, wherever it appears (trait values, page and
 * event names, categories, topics, UTM values, referrers, item ids). Pure.
 */

/** Keys are compared lower-cased with everything but letters and digits removed. */
export const normalizeKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Personal whatever comes before or after them: `useremail`, `phonenumber`, `billingaddress`, `dateofbirth`. */
const PERSONAL_PARTS = ['email', 'phone', 'address', 'birth', 'password', 'passport', 'ssn', 'iban', 'creditcard'];

/** Personal as whole keys only (`name` is, `planname` is not). */
const PERSONAL_KEYS = new Set([
  'name', 'firstname', 'lastname', 'fullname', 'givenname', 'familyname', 'surname', 'middlename', 'username', 'mobile',
  'displayname', 'nickname', 'birthday', 'dob', 'ip', 'ipv4', 'ipv6', 'tel', 'telephone', 'fax', 'street', 'zip',
  'zipcode', 'postcode', 'postalcode', 'socialsecuritynumber', 'taxid', 'nationalid',
]);

export const DEFAULT_DROP_TRAITS = ['email', 'phone', 'name', 'firstName', 'lastName', 'address', 'birthday'];

export const personalKeyMatcher = (dropTraits: readonly string[]) => {
  const configured = new Set(dropTraits.map(normalizeKey));
  return (key: string): boolean => {
    const normalized = normalizeKey(key);
    return configured.has(normalized) || PERSONAL_KEYS.has(normalized) || PERSONAL_PARTS.some((part) => normalized.includes(part));
  };
};

const EMAIL = /[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[a-z]{2,}/i;
/** Characters that may belong to an IP address; anything else separates candidate tokens. */
const NOT_IP_CHARACTER = /[^0-9a-fA-F.:]+/;

/** Carries an e-mail address or an IPv4/IPv6 address anywhere in it. */
export const containsPersonalData = (value: string): boolean => {
  if (value.includes('@') && EMAIL.test(value)) return true;
  if (!value.includes('.') && !value.includes(':')) return false;
  return value.split(NOT_IP_CHARACTER).some((token) => {
    if (token.length < 2) return false;
    // A sentence's full stop or colon may follow an address; an IPv4 address may carry a port.
    const trimmed = token.replace(/^\.+|[.:]+$/g, '');
    return isIP(token) !== 0 || isIP(trimmed) !== 0 || isIP(trimmed.replace(/:\d+$/, '')) === 4;
  });
};

/** The value unless it carries personal data. */
export const keepName = (value: string | undefined): string | undefined =>
  value === undefined || containsPersonalData(value) ? undefined : value;

/**
 * A copy of a trait value without personal data: personal keys and values dropped at every depth;
 * `undefined` when nothing is left of a string that carried personal data.
 */
export const scrubValue = (value: unknown, isPersonalKey: (key: string) => boolean): unknown => {
  if (typeof value === 'string') return containsPersonalData(value) ? undefined : value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, isPersonalKey)).filter((item) => item !== undefined);
  if (typeof value === 'object' && value !== null) {
    const kept: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (isPersonalKey(key)) continue;
      const scrubbed = scrubValue(item, isPersonalKey);
      if (scrubbed !== undefined) kept[key] = scrubbed;
    }
    return kept;
  }
  return value;
};
