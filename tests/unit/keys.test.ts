import clusterKeySlot from 'cluster-key-slot';
import { allVisitorKeys, dedupTtlSec, isValidVisitorId, keyBeside, statsKey, statsWritersKey, utcDay, visitorKeys } from '../../server/src/store/keys';

describe('visitor keys', () => {
  const now = Date.UTC(2026, 10, 24, 21, 0, 0) / 1000;

  it('share one hash tag per visitor', () => {
    const keys = allVisitorKeys(visitorKeys('psn:', 'abc12345', now));
    expect(keys).toHaveLength(15);
    for (const key of keys) expect(key.startsWith('psn:{v:abc12345}:')).toBe(true);
  });

  it('name the dedup sets after today and yesterday (UTC)', () => {
    const keys = visitorKeys('psn:', 'abc12345', now);
    const today = utcDay(now);
    expect(keys.dedupToday).toBe(`psn:{v:abc12345}:d${today}`);
    expect(keys.dedupYesterday).toBe(`psn:{v:abc12345}:d${today - 1}`);
  });

  it('keep a dedup set until the end of the next UTC day', () => {
    expect(dedupTtlSec(now)).toBe(3 * 3600 + 86_400);
  });

  it.each(['short', 'has space 123', 'brace{tag}1', 'x'.repeat(129), 'new\nline1234'])(
    'refuse the visitor id %j',
    (id) => {
      expect(isValidVisitorId(id)).toBe(false);
      expect(() => visitorKeys('psn:', id, now)).toThrow(/invalid visitor id/);
    }
  );

  it.each(['0b4f1c7e-5d2a-4f7b-9a51-3c1e2d7f8a90', 'AbC_123-xyz', 'anon:1234.5678'])('accept %j', (id) => {
    expect(isValidVisitorId(id)).toBe(true);
  });
});

describe('keys beside a key', () => {
  it('land in the key’s Cluster slot', () => {
    expect(statsWritersKey('psn:', 20_000)).toBe('psn:stats:20000:writers{psn:stats:20000}');
    expect(clusterKeySlot(statsWritersKey('psn:', 20_000))).toBe(clusterKeySlot(statsKey('psn:', 20_000)));
    expect(() => keyBeside('a{b}c', ':x')).toThrow(/braces/);
  });
});
