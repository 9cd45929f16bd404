import { parsePluginConfig } from '../../server/src/config';

describe('plugin config', () => {
  it('fills every default from an empty config', () => {
    expect(parsePluginConfig({})).toEqual({
      redis: { commandTimeoutMs: 1000 },
      keyPrefix: 'psn:',
      cookie: { name: 'psn_vid', maxAgeDays: 365 },
      consent: { mode: 'opt-out', cookieName: 'psn_consent', honorBrowserSignals: true },
      retentionDays: 180,
      resolve: { timeoutMs: 25 },
      session: { inactivityMinutes: 30 },
      affinity: { halfLifeDays: 14 },
      profile: { recentItems: 10, maxFields: 120, windowDays: 90, maxWindowBuckets: 1000, maxTraits: 50 },
      identity: { dropTraits: ['email', 'phone', 'name', 'firstName', 'lastName', 'address', 'birthday'] },
      ingest: { perIpPerMinute: 3000, perVisitorPerMinute: 1200 },
      sources: [],
      segments: [],
      segmentJobs: { refreshMinutes: 60, batchSize: 500 },
      recommendations: { enabled: true, defaultStrategy: 'cf-v1', maxLimit: 50 },
      clusters: { enabled: true, refreshHours: 24, kMin: 3, kMax: 10, sampleSize: 50_000, driftThreshold: 0.25 },
    });
  });

  it('accepts a Redis URL, a cluster, or the memory store', () => {
    expect(parsePluginConfig({ redis: { url: 'rediss://user:pw@cache:6380/2' } }).redis.url).toBe(
      'rediss://user:pw@cache:6380/2'
    );
    expect(parsePluginConfig({ redis: { cluster: [{ host: 'a', port: 7000 }] } }).redis.cluster).toEqual([
      { host: 'a', port: 7000 },
    ]);
    expect(parsePluginConfig({ store: 'memory' }).store).toBe('memory');
  });

  it('takes server sources with their write keys, refusing short keys and duplicates', () => {
    const key = 'a-write-key-from-env-0123456789';
    expect(parsePluginConfig({ sources: [{ name: 'segment', writeKey: key }] }).sources).toEqual([{ name: 'segment', writeKey: key, perMinute: 6000, maxAgeDays: 90 }]);
    expect(() => parsePluginConfig({ sources: [{ name: 'segment', writeKey: 'short' }] })).toThrow('sources[0].writeKey: expected a write key of at least 16 characters');
    expect(() => parsePluginConfig({ sources: [{ name: 'a', writeKey: key }, { name: 'a', writeKey: `${key}x` }] })).toThrow('sources[1].name: the name "a" is used twice');
    expect(() => parsePluginConfig({ sources: [{ name: 'a', writeKey: key }, { name: 'b', writeKey: key }] })).toThrow('sources[1].writeKey: the same write key is given to two sources');
  });

  it.each([
    [{ redis: { url: 'http://cache:6379' } }, 'redis.url: expected a redis:// or rediss:// URL'],
    [{ redis: { cluster: [] } }, 'redis.cluster: expected at least one {host, port} node'],
    [{ redis: { cluster: [{ host: 'a', port: 70000 }] } }, 'redis.cluster[0].port: Too big'],
    [{ redis: { url: 'redis://a:1', cluster: [{ host: 'a', port: 1 }] } }, 'redis: give either redis.url or redis.cluster, not both'],
    [{ store: 'memory', redis: { url: 'redis://a:1' } }, "store: store 'memory' cannot be combined with redis.url"],
    [{ store: 'sqlite' }, 'store: Invalid option: expected one of "redis"|"memory"'],
    [{ retentionDays: '180' }, 'retentionDays: Invalid input: expected number, received string'],
    [{ retentionDays: 0 }, 'retentionDays: Too small: expected number to be >=1'],
    [{ consent: { mode: 'maybe' } }, 'consent.mode: Invalid option: expected one of "opt-out"|"opt-in"|"none"'],
    [{ cookie: { name: 'a b' } }, 'cookie.name: expected a cookie name'],
    [{ keyPrefix: 'psn{x}' }, 'keyPrefix: expected 1-32 characters'],
    [{ resolve: { timeoutMs: -1 } }, 'resolve.timeoutMs: Too small'],
    [{ recommendations: { defaultStrategy: 'mine-v1' } }, 'recommendations.defaultStrategy: Invalid option'],
    [{ clusters: { kMin: 8, kMax: 4 } }, 'clusters.kMin: kMin must not exceed kMax'],
    [{ reids: { url: 'redis://a:1' } }, 'unknown field "reids"'],
    [{ redis: { uri: 'redis://a:1' } }, 'redis: unknown field "uri"'],
    [{ identity: { secret: 'short' } }, 'identity.secret: expected at least 16 characters'],
    [{ session: { inactivityMinutes: 0 } }, 'session.inactivityMinutes: Too small'],
  ])('refuses %j with a message naming the key', (config, message) => {
    expect(() => parsePluginConfig(config)).toThrow(message);
  });
});
