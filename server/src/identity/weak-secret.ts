/**
 * Why the identity secret is guessable, or null. Strapi's templates and docs ship sample app keys
 * (`toBeModified1`, `testKey1`, ...) that many deployments never replace; a secret derived from
 * them (or a short one) lets anybody sign visitor credentials, so the plugin warns at boot.
 */
const SAMPLE_PATTERN = /tobemodified|change.?me|example|sample|test|secret|default|^(my)?key[-_ ]?[a-z0-9]?$/i;
const MIN_LENGTH = 16;

const weakness = (value: string): string | null => {
  if (value.length < MIN_LENGTH) return `is shorter than ${MIN_LENGTH} characters`;
  if (SAMPLE_PATTERN.test(value)) return 'looks like a sample value';
  return null;
};

export const weakIdentitySecret = (configured: string | undefined, appKeys: string[] | undefined): string | null => {
  if (configured) {
    const reason = weakness(configured);
    return reason ? `identity.secret ${reason}` : null;
  }
  for (const key of appKeys ?? []) {
    const reason = weakness(key);
    if (reason) return `identity.secret is not set and is derived from the app keys, one of which ${reason}`;
  }
  return null;
};
