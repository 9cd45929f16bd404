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
      profile: { recentItems: 10, journeySteps: 8, maxFields: 120, windowDays: 90, maxWindowBuckets: 1000, maxTraits: 50, bounceSeconds: 10, bounceWeight: 0.5 },
      identity: { dropTraits: ['email', 'phone', 'name', 'firstName', 'lastName', 'address', 'birthday'] },
      ingest: { perIpPerMinute: 3000, perVisitorPerMinute: 1200 },
      sources: [],
      webhooks: { sources: [] },
      segments: [],
      segmentJobs: { refreshMinutes: 60, batchSize: 500 },
      recommendations: { enabled: true, defaultStrategy: 'cf-v1', maxLimit: 50, pagePaths: true },
      clusters: { enabled: true, refreshHours: 24, kMin: 3, kMax: 10, sampleSize: 50_000, driftThreshold: 0.25 },
      history: { rollupMinutes: 60 },
      triggers: { enabled: true, destinations: [], dwellHeartbeatsSec: [30, 60, 180], pollMs: 1000, maxAttempts: 8, retryBaseSec: 30, retryMaxSec: 21_600, leaseSec: 60 },
    });
  });

  it('takes trigger destinations, refusing duplicates, bad URLs, short secrets and a lease shorter than a timeout', () => {
    const secret = 'a-signing-secret-from-env-0123';
    expect(parsePluginConfig({ triggers: { destinations: [{ name: 'mailer', url: 'https://hooks.example.com/psn', secret }] } }).triggers.destinations).toEqual([
      { name: 'mailer', url: 'https://hooks.example.com/psn', secret, timeoutMs: 5000 },
    ]);
    const destination = { name: 'a', url: 'https://a.example.com', secret };
    expect(() => parsePluginConfig({ triggers: { destinations: [destination, destination] } })).toThrow('triggers.destinations[1].name: the name "a" is used twice');
    expect(() => parsePluginConfig({ triggers: { destinations: [{ ...destination, url: 'ftp://a' }] } })).toThrow('triggers.destinations[0].url: expected an http:// or https:// URL');
    expect(() => parsePluginConfig({ triggers: { destinations: [{ ...destination, secret: 'short' }] } })).toThrow('triggers.destinations[0].secret: expected a secret of at least 16 characters');
    expect(() => parsePluginConfig({ triggers: { leaseSec: 5, destinations: [{ ...destination, timeoutMs: 5000 }] } })).toThrow('triggers.leaseSec: leaseSec must be longer than every destination timeoutMs');
  });

  it('accepts a Redis URL, a cluster, a master behind Sentinel, or the memory store', () => {
    expect(parsePluginConfig({ redis: { url: 'rediss://user:pw@cache:6380/2' } }).redis.url).toBe(
      'rediss://user:pw@cache:6380/2'
    );
    expect(parsePluginConfig({ redis: { cluster: [{ host: 'a', port: 7000 }] } }).redis.cluster).toEqual([
      { host: 'a', port: 7000 },
    ]);
    expect(parsePluginConfig({ redis: { sentinel: { name: 'main', nodes: [{ host: 's1', port: 26379 }] } } }).redis.sentinel).toEqual({
      name: 'main',
      nodes: [{ host: 's1', port: 26379 }],
    });
    expect(parsePluginConfig({ store: 'memory' }).store).toBe('memory');
  });

  it('takes server sources with their write keys, refusing short keys and duplicates', () => {
    const key = 'a-write-key-from-env-0123456789';
    expect(parsePluginConfig({ sources: [{ name: 'segment', writeKey: key }] }).sources).toEqual([{ name: 'segment', writeKey: key, perMinute: 6000, maxAgeDays: 90 }]);
    expect(() => parsePluginConfig({ sources: [{ name: 'segment', writeKey: 'short' }] })).toThrow('sources[0].writeKey: expected a write key of at least 16 characters');
    expect(() => parsePluginConfig({ sources: [{ name: 'a', writeKey: key }, { name: 'a', writeKey: `${key}x` }] })).toThrow('sources[1].name: the name "a" is used twice');
    expect(() => parsePluginConfig({ sources: [{ name: 'a', writeKey: key }, { name: 'b', writeKey: key }] })).toThrow('sources[1].writeKey: the same write key is given to two sources');
  });

  describe('webhooks', () => {
    const secret = 'a-webhook-secret-from-env-0123';
    const order = { when: { header: 'X-Shopify-Topic', equals: 'orders/create' }, event: 'Order Completed', userId: 'customer.id', properties: { revenue: 'total_price' } };
    const parse = (sources: unknown[]) => parsePluginConfig({ webhooks: { sources } }).webhooks.sources;

    it("fills each scheme's header (lower case), the tolerance of timestamped sources, limits and the track type", () => {
      expect(
        parse([
          { name: 'shop', secret, signature: 'shopify', events: [order] },
          { name: 'segment', secret, signature: 'segment' },
          { name: 'billing', secret, signature: 'timestamped', events: [{ event: 'Invoice Paid', userId: 'data.customer' }] },
          { name: 'custom', secret, signature: 'timestamped', header: 'X-Billing-Signature', toleranceSec: 60, perMinute: 10, maxAgeDays: 7, events: [{ type: 'identify', userId: { header: 'X-User' }, traits: { plan: 'plan' } }] },
        ])
      ).toEqual([
        { name: 'shop', secrets: [secret], signature: 'shopify', header: 'x-shopify-hmac-sha256', perMinute: 6000, maxAgeDays: 90, events: [{ ...order, type: 'track', when: { header: 'x-shopify-topic', equals: 'orders/create' } }] },
        { name: 'segment', secrets: [secret], signature: 'segment', header: 'x-signature', perMinute: 6000, maxAgeDays: 90 },
        { name: 'billing', secrets: [secret], signature: 'timestamped', header: 'x-psn-signature', toleranceSec: 300, perMinute: 6000, maxAgeDays: 90, events: [{ type: 'track', event: 'Invoice Paid', userId: 'data.customer' }] },
        { name: 'custom', secrets: [secret], signature: 'timestamped', header: 'x-billing-signature', toleranceSec: 60, perMinute: 10, maxAgeDays: 7, events: [{ type: 'identify', userId: { header: 'x-user' }, traits: { plan: 'plan' } }] },
      ]);
    });

    it('takes several secrets while one is rotated, a single secret being a list of one', () => {
      const previous = 'the-previous-webhook-secret-0123';
      expect(parse([{ name: 'seg', secrets: [secret, previous], signature: 'segment' }])[0]).toEqual({ name: 'seg', secrets: [secret, previous], signature: 'segment', header: 'x-signature', perMinute: 6000, maxAgeDays: 90 });
      expect(parse([{ name: 'seg', secret, signature: 'segment' }])[0]).not.toHaveProperty('secret');
    });

    it.each([
      [[{ name: 'seg', signature: 'segment' }], 'webhooks.sources[0].secret: expected the secret the sender signs with ("secret", or "secrets" while rotating it)'],
      [[{ name: 'seg', secret, secrets: [secret], signature: 'segment' }], 'webhooks.sources[0].secrets: give either "secret" or "secrets" (while rotating), not both'],
      [[{ name: 'seg', secrets: [], signature: 'segment' }], 'webhooks.sources[0].secrets: expected at least one secret'],
      [[{ name: 'seg', secrets: Array.from({ length: 6 }, (_, i) => `${secret}-${i}`), signature: 'segment' }], 'webhooks.sources[0].secrets: at most 5 secrets'],
      [[{ name: 'seg', secrets: [secret, 'short'], signature: 'segment' }], 'webhooks.sources[0].secrets[1]: expected a secret of at least 16 characters'],
      [[{ name: 'seg', secrets: [secret, secret], signature: 'segment' }], 'webhooks.sources[0].secrets[1]: the same secret is listed twice'],
      [[{ name: 'seg', secrets: secret, signature: 'segment' }], 'webhooks.sources[0].secrets: Invalid input: expected array'],
    ])('refuses the secrets of %j', (sources, message) => {
      expect(() => parse(sources)).toThrow(message);
    });

    it.each([
      [[{ name: 'shop', secret: 'short', signature: 'shopify', events: [order] }], 'webhooks.sources[0].secret: expected a secret of at least 16 characters'],
      [[{ name: 'shop/x', secret, signature: 'shopify', events: [order] }], 'webhooks.sources[0].name: expected 1-64 characters'],
      [[{ name: 'a', secret, signature: 'segment' }, { name: 'a', secret, signature: 'segment' }], 'webhooks.sources[1].name: the name "a" is used twice'],
      [[{ name: 'shop', secret, signature: 'github', events: [order] }], 'webhooks.sources[0].signature: expected one of shopify, segment, timestamped'],
      [[{ name: 'shop', secret, signature: 'shopify' }], 'webhooks.sources[0].events: a shopify source needs "events"'],
      [[{ name: 'seg', secret, signature: 'segment', events: [order] }], 'webhooks.sources[0].events: a segment source takes Segment events as they are'],
      [[{ name: 'shop', secret, signature: 'shopify', toleranceSec: 60, events: [order] }], 'webhooks.sources[0].toleranceSec: only the timestamped scheme signs a time'],
      [[{ name: 'shop', secret, signature: 'shopify', header: 'X Sig', events: [order] }], 'webhooks.sources[0].header: expected an HTTP header name'],
      [[{ name: 'shop', secret, signature: 'shopify', events: [{ ...order, event: undefined }] }], 'webhooks.sources[0].events[0].event: a track mapping needs the "event" name'],
      [[{ name: 'shop', secret, signature: 'shopify', events: [{ event: 'X' }] }], 'webhooks.sources[0].events[0].userId: say where the userId or the anonymousId is'],
      [[{ name: 'shop', secret, signature: 'shopify', events: [{ ...order, type: 'identify' }] }], 'webhooks.sources[0].events[0].event: an identify mapping has no event name'],
      [[{ name: 'shop', secret, signature: 'shopify', events: [{ ...order, type: 'page' }] }], 'webhooks.sources[0].events[0].type: Invalid option'],
      [[{ name: 'shop', secret, signature: 'shopify', events: [{ ...order, userId: 'customer..id' }] }], 'webhooks.sources[0].events[0].userId: expected a dot path into the JSON body'],
      [[{ name: 'shop', secret, signature: 'shopify', events: [{ ...order, userId: 'a.__proto__' }] }], 'webhooks.sources[0].events[0].userId: expected a dot path into the JSON body'],
      [[{ name: 'shop', secret, signature: 'shopify', events: [{ ...order, properties: { revenue: 7 } }] }], 'webhooks.sources[0].events[0].properties.revenue: expected a path into the body'],
      [[{ name: 'shop', secret, signature: 'shopify', events: [{ ...order, when: { header: 'x-topic' } }] }], 'webhooks.sources[0].events[0].when: expected { header, equals } or { field, equals }'],
      [[{ name: 'shop', secret, signature: 'shopify', events: [{ ...order, colour: 'red' }] }], 'webhooks.sources[0].events[0]: unknown field "colour"'],
    ])('refuses %j', (sources, message) => {
      expect(() => parse(sources)).toThrow(message);
    });

    it('never puts a secret in its messages', () => {
      expect(() => parse([{ name: 'shop', secret: 'too-short-secret', signature: 'shopify', events: [order] }])).not.toThrow(/too-short/);
      expect(() => parse([{ name: 'shop', secret: 12345678901234567890, signature: 'shopify', events: [order] }])).toThrow(/^((?!12345678901234567890).)*$/);
      expect(() => parse([{ name: 'shop', secrets: [secret, secret, 'too-short-secret'], signature: 'shopify', events: [order] }])).toThrow(/^((?!a-webhook-secret|too-short).)*$/);
    });
  });

  it.each([
    [{ redis: { url: 'http://cache:6379' } }, 'redis.url: expected a redis:// or rediss:// URL'],
    [{ redis: { cluster: [] } }, 'redis.cluster: expected at least one {host, port} node'],
    [{ redis: { cluster: [{ host: 'a', port: 70000 }] } }, 'redis.cluster[0].port: Too big'],
    [{ redis: { url: 'redis://a:1', cluster: [{ host: 'a', port: 1 }] } }, 'redis: give one of redis.url, redis.cluster or redis.sentinel, not redis.url and redis.cluster'],
    [{ redis: { cluster: [{ host: 'a', port: 1 }], sentinel: { name: 'm', nodes: [{ host: 's', port: 1 }] } } }, 'not redis.cluster and redis.sentinel'],
    [{ redis: { sentinel: { name: '', nodes: [{ host: 's', port: 1 }] } } }, 'redis.sentinel.name: expected the master name the sentinels monitor'],
    [{ redis: { sentinel: { name: 'm', nodes: [] } } }, 'redis.sentinel.nodes: expected at least one {host, port} sentinel'],
    [{ store: 'memory', redis: { sentinel: { name: 'm', nodes: [{ host: 's', port: 1 }] } } }, "store: store 'memory' cannot be combined with redis.sentinel"],
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
    [{ history: { rollupMinutes: 1.5 } }, 'history.rollupMinutes: Invalid input: expected int'],
    [{ history: { rollupMinutes: 2000 } }, 'history.rollupMinutes: Too big'],
  ])('refuses %j with a message naming the key', (config, message) => {
    expect(() => parsePluginConfig(config)).toThrow(message);
  });
});
