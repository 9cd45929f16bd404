import { identitySecret } from '../../server/src/identity/secret';
import { hashUserId } from '../../server/src/identity/user-hash';
import { identifyVisitor } from '../../server/src/identity/visitor-identity';
import { createVisitorToken, verifyVisitorToken } from '../../server/src/identity/visitor-token';

const secret = identitySecret(undefined, ['key-a', 'key-b']);

describe('identity', () => {
  it('derives a stable secret from the app keys, or uses the configured one', () => {
    expect(identitySecret(undefined, ['key-a', 'key-b']).equals(secret)).toBe(true);
    expect(identitySecret(undefined, ['key-c']).equals(secret)).toBe(false);
    expect(identitySecret('configured-secret-123', ['key-a']).toString()).toBe('configured-secret-123');
    expect(() => identitySecret(undefined, [])).toThrow(/identity.secret/);
  });

  it('hashes user ids with HMAC-SHA256 (base64url, 43 characters), never reversibly', () => {
    const hash = hashUserId(secret, 'user-42');
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashUserId(secret, 'user-42'));
    expect(hash).not.toBe(hashUserId(identitySecret('another-secret-1234', []), 'user-42'));
    expect(hash).not.toContain('user-42');
  });

  it('signs visitor tokens and refuses forged or malformed ones', () => {
    const token = createVisitorToken(secret, 'visitor-123');
    expect(verifyVisitorToken(secret, token)).toBe('visitor-123');
    expect(verifyVisitorToken(secret, `visitor-124${token.slice('visitor-123'.length)}`)).toBeNull();
    expect(verifyVisitorToken(secret, 'visitor-123.')).toBeNull();
    expect(verifyVisitorToken(secret, 'no-dot')).toBeNull();
    expect(verifyVisitorToken(secret, 42)).toBeNull();
    expect(verifyVisitorToken(identitySecret('another-secret-1234', []), token)).toBeNull();
  });

  it('identifies the visitor by cookie, token, then (when allowed) header and anonymousId', () => {
    const token = createVisitorToken(secret, 'from-token-1');
    const all = { cookie: 'from-cookie-1', token, header: 'from-header-1', anonymousId: 'from-body-1' };
    expect(identifyVisitor(all, secret, { allowBareIds: true })).toEqual({ visitorId: 'from-cookie-1', source: 'cookie' });
    expect(identifyVisitor({ ...all, cookie: 'bad id' }, secret, { allowBareIds: true })).toEqual({ visitorId: 'from-token-1', source: 'token' });
    expect(identifyVisitor({ header: 'from-header-1', anonymousId: 'from-body-1' }, secret, { allowBareIds: true })?.source).toBe('header');
    expect(identifyVisitor({ anonymousId: 'from-body-1' }, secret, { allowBareIds: true })?.source).toBe('anonymousId');
    expect(identifyVisitor({ header: 'from-header-1' }, secret, { allowBareIds: false })).toBeNull();
  });
});
