import { authenticateSender, type ServerSource } from '../../server/src/ingest/source-auth';

const segment: ServerSource = { name: 'segment', writeKey: 'segment-write-key-0123456789', perMinute: 100, maxAgeDays: 90 };
const backend: ServerSource = { name: 'backend', writeKey: 'backend-write-key-9876543210', perMinute: 100, maxAgeDays: 365 };
const sources = [segment, backend];
const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('who sends events', () => {
  it('is a browser without an Authorization header', () => {
    expect(authenticateSender(undefined, sources)).toEqual({ kind: 'browser' });
  });

  it("takes a write key as Segment's HTTP API does (Basic, key as user name) and as Bearer", () => {
    expect(authenticateSender(basic(segment.writeKey), sources)).toEqual({ kind: 'server', source: segment });
    expect(authenticateSender(basic(backend.writeKey, 'ignored'), sources)).toEqual({ kind: 'server', source: backend });
    expect(authenticateSender(`Bearer ${backend.writeKey}`, sources)).toEqual({ kind: 'server', source: backend });
    expect(authenticateSender(`bearer ${segment.writeKey}`, sources)).toEqual({ kind: 'server', source: segment });
  });

  it('refuses a wrong or unsupported credential', () => {
    expect(authenticateSender(basic('not-a-write-key'), sources).kind).toBe('refused');
    expect(authenticateSender(basic(segment.writeKey.slice(0, -1)), sources).kind).toBe('refused');
    expect(authenticateSender('Bearer not-a-write-key', sources).kind).toBe('refused');
    expect(authenticateSender('Digest abc', sources).kind).toBe('refused');
    expect(authenticateSender(basic(segment.writeKey), []).kind).toBe('refused');
  });

  it("reads a Bearer JWT as a browser's users-permissions login, not a key", () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MX0.c2lnbmF0dXJl';
    expect(authenticateSender(`Bearer ${jwt}`, sources)).toEqual({ kind: 'browser', jwt });
  });
});
