import { createHmac } from 'crypto';
import { identityKeys, identitySecret } from '../../server/src/identity/secret';
import { hashUserId } from '../../server/src/identity/user-hash';
import { expectedUserHash, isValidUserHash } from '../../server/src/identity/user-verification';
import { hasCredential, identifyVisitor } from '../../server/src/identity/visitor-identity';
import { isValidVisitorKey, visitorIdOfAnonymousId, visitorIdOfKey, visitorIdOfUser } from '../../server/src/identity/visitor-key';
import { createVisitorToken, verifyVisitorToken } from '../../server/src/identity/visitor-token';
import { weakIdentitySecret } from '../../server/src/identity/weak-secret';
import { isValidVisitorId } from '../../server/src/store/keys';

const secret = identitySecret(undefined, ['key-a', 'key-b']);
const keys = identityKeys(secret);
const otherKeys = identityKeys(identitySecret('another-secret-1234', []));

describe('identity secret and keys', () => {
  it('derives a stable secret from the app keys, or uses the configured one', () => {
    expect(identitySecret(undefined, ['key-a', 'key-b']).equals(secret)).toBe(true);
    expect(identitySecret(undefined, ['key-c']).equals(secret)).toBe(false);
    expect(identitySecret('configured-secret-123', ['key-a']).toString()).toBe('configured-secret-123');
    expect(() => identitySecret(undefined, [])).toThrow(/identity.secret/);
  });

  it('keeps one key per purpose, none of them the secret the site backend holds', () => {
    expect(keys.verification.equals(secret)).toBe(true);
    const derived = [keys.token, keys.userId, keys.visitorKey];
    for (const key of derived) expect(key.equals(secret)).toBe(false);
    expect(new Set(derived.map((key) => key.toString('hex'))).size).toBe(3);
  });

  it('never lets a userHash computed by the site backend serve as a visitor credential', () => {
    // A backend that hashes a user id of an attacker's choosing must not hand out a token.
    const forgedMac = Buffer.from(expectedUserHash(keys.verification, 'visitor-123'), 'hex').toString('base64url');
    expect(verifyVisitorToken(keys.token, `visitor-123.${forgedMac}`)).toBeNull();
  });

  it('warns about guessable secrets: sample app keys, short or sample-looking values', () => {
    expect(weakIdentitySecret(undefined, ['toBeModified1', 'toBeModified2'])).toMatch(/derived from the app keys/);
    expect(weakIdentitySecret(undefined, ['test-app-key-1-of-the-suite', 'x'.repeat(40)])).toMatch(/one of which looks like a sample value/);
    expect(weakIdentitySecret(undefined, ['abc'])).toMatch(/one of which is shorter than 16/);
    expect(weakIdentitySecret('change-me-please-now', [])).toMatch(/identity.secret looks like a sample/);
    expect(weakIdentitySecret(undefined, ['Zq8vN3xL0pR7tY2wK9mB4cF6', 'hJ5sD1gA8uE3iO7pW2qX0zV4'])).toBeNull();
    expect(weakIdentitySecret('Zq8vN3xL0pR7tY2wK9mB4cF6hJ5sD1gA', ['toBeModified1'])).toBeNull();
  });
});

describe('user ids', () => {
  it('hashes user ids with HMAC-SHA256 (base64url, 43 characters), never reversibly', () => {
    const hash = hashUserId(keys.userId, 'user-42');
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashUserId(keys.userId, 'user-42'));
    expect(hash).not.toBe(hashUserId(otherKeys.userId, 'user-42'));
    expect(hash).not.toContain('user-42');
  });

  it('verifies a userHash as Intercom does: hex HMAC-SHA256 of the user id under the identity secret', () => {
    const userHash = createHmac('sha256', 'configured-secret-123').update('customer-42').digest('hex');
    const configured = identityKeys(identitySecret('configured-secret-123', []));
    expect(isValidUserHash(configured.verification, 'customer-42', userHash)).toBe(true);
    expect(isValidUserHash(configured.verification, 'customer-42', userHash.toUpperCase())).toBe(true);
    expect(isValidUserHash(configured.verification, 'customer-43', userHash)).toBe(false);
    expect(isValidUserHash(configured.verification, 'customer-42', userHash.slice(0, 63))).toBe(false);
    expect(isValidUserHash(configured.verification, 'customer-42', undefined)).toBe(false);
    expect(isValidUserHash(keys.verification, 'customer-42', userHash)).toBe(false);
  });
});

describe('visitor credentials', () => {
  it('signs visitor tokens and refuses forged or malformed ones', () => {
    const token = createVisitorToken(keys.token, 'visitor-123');
    expect(verifyVisitorToken(keys.token, token)).toBe('visitor-123');
    expect(verifyVisitorToken(keys.token, `visitor-124${token.slice('visitor-123'.length)}`)).toBeNull();
    expect(verifyVisitorToken(keys.token, 'visitor-123.')).toBeNull();
    expect(verifyVisitorToken(keys.token, 'visitor-123')).toBeNull();
    expect(verifyVisitorToken(keys.token, 42)).toBeNull();
    expect(verifyVisitorToken(otherKeys.token, token)).toBeNull();
  });

  it('turns a visitor key into an id of the usual shape, the same every time, that nobody can choose', () => {
    expect(isValidVisitorKey('0123456789abcdef0123456789abcdef')).toBe(true);
    expect(isValidVisitorKey('short')).toBe(false);
    expect(isValidVisitorKey('with spaces and more than 22 chars')).toBe(false);
    const id = visitorIdOfKey(keys.visitorKey, '0123456789abcdef0123456789abcdef');
    expect(isValidVisitorId(id)).toBe(true);
    expect(id).toHaveLength(22);
    expect(visitorIdOfKey(keys.visitorKey, '0123456789abcdef0123456789abcdef')).toBe(id);
    expect(visitorIdOfKey(otherKeys.visitorKey, '0123456789abcdef0123456789abcdef')).not.toBe(id);
    const derived = [id, visitorIdOfUser(keys.visitorKey, '0123456789abcdef0123456789abcdef'), visitorIdOfAnonymousId(keys.visitorKey, '0123456789abcdef0123456789abcdef')];
    expect(new Set(derived).size).toBe(3);
  });

  it('tells a credential (cookie, token, visitor key) from a bare id, which grants nothing', () => {
    const token = createVisitorToken(keys.token, 'from-token-1');
    const cookie = createVisitorToken(keys.token, 'from-cookie-1');
    const all = { cookie, token, visitorKey: '0123456789abcdef0123456789abcdef', bareId: 'from-header-1' };
    expect(identifyVisitor(all, keys)).toEqual({ visitorId: 'from-cookie-1', source: 'cookie' });
    expect(identifyVisitor({ ...all, cookie: 'from-cookie-1' }, keys)).toEqual({ visitorId: 'from-token-1', source: 'token' });
    expect(identifyVisitor({ visitorKey: all.visitorKey, bareId: 'from-header-1' }, keys)?.source).toBe('key');
    const bare = identifyVisitor({ cookie: 'from-cookie-1', token: 'from-token-1.forged', bareId: 'from-header-1' }, keys);
    expect(bare).toEqual({ visitorId: 'from-header-1', source: 'bare' });
    expect(hasCredential(bare)).toBe(false);
    expect(identifyVisitor({ bareId: 'bad id' }, keys)).toBeNull();
  });
});
