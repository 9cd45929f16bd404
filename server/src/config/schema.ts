import { z } from 'zod';
import { configName, uniqueNames } from './config-names';
import { DEFAULT_DROP_TRAITS } from '../profiles/personal-data';
import { DEFAULT_STRATEGY, STRATEGY_IDS } from '../recommendations/strategies';
import { configSegmentsSchema } from '../segments/segment-input';
import { webhooksConfigSchema } from '../webhooks/webhook-config';

/**
 * The plugin configuration, as written under `personalization.config` in an app's
 * `config/plugins.ts`. Every object is strict so that a typo (`reids`, `retentiondays`) stops the
 * boot instead of being silently ignored. Later capabilities add their keys here.
 */

const redisUrl = z
  .string()
  .regex(/^rediss?:\/\/[^\s]+$/, 'expected a redis:// or rediss:// URL');

const clusterNode = z.strictObject({
  host: z.string().min(1, 'expected a host name'),
  port: z.number().int().min(1).max(65535),
});

export const pluginConfigSchema = z
  .strictObject({
    /** `'memory'` selects the single-process embedded store; anything else uses Redis. */
    store: z.enum(['redis', 'memory']).optional(),
    redis: z
      .strictObject({
        url: redisUrl.optional(),
        cluster: z.array(clusterNode).min(1, 'expected at least one {host, port} node').optional(),
        /** A master watched by Redis Sentinel: the client asks the sentinels where it is, and follows failovers. */
        sentinel: z
          .strictObject({
            name: z.string().min(1, 'expected the master name the sentinels monitor'),
            nodes: z.array(clusterNode).min(1, 'expected at least one {host, port} sentinel'),
            /** The master's (and replicas') password; the sentinels' own, if they have one. */
            password: z.string().min(1).optional(),
            sentinelPassword: z.string().min(1).optional(),
          })
          .optional(),
        /** Budget for ordinary store calls (ingest, admin reads); resolution has its own. */
        commandTimeoutMs: z.number().int().min(10).max(60_000).default(1_000),
      })
      .prefault({}),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,32}$/, 'expected 1-32 characters of A-Z a-z 0-9 : _ . -')
      .default('psn:'),
    cookie: z
      .strictObject({
        name: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a cookie name of A-Z a-z 0-9 _ -')
          .default('psn_vid'),
        maxAgeDays: z.number().int().min(1).max(3650).default(365),
      })
      .prefault({}),
    consent: z
      .strictObject({
        mode: z.enum(['opt-out', 'opt-in', 'none']).default('opt-out'),
        /** Cookie that remembers the visitor's choice: `granted` or `denied`. */
        cookieName: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a cookie name of A-Z a-z 0-9 _ -')
          .default('psn_consent'),
        /** Treat `Sec-GPC: 1` (and, in the tracker, Do-Not-Track) as a refusal. */
        honorBrowserSignals: z.boolean().default(true),
      })
      .prefault({}),
    retentionDays: z.number().int().min(1).max(3650).default(180),
    resolve: z
      .strictObject({
        timeoutMs: z.number().int().min(1).max(5_000).default(25),
      })
      .prefault({}),
    session: z
      .strictObject({ inactivityMinutes: z.number().int().min(1).max(24 * 60).default(30) })
      .prefault({}),
    affinity: z
      .strictObject({ halfLifeDays: z.number().min(0.1).max(3650).default(14) })
      .prefault({}),
    profile: z
      .strictObject({
        recentItems: z.number().int().min(1).max(100).default(10),
        /**
         * Journey steps kept per visitor for sequence rules; 0 records none. About 80 bytes
         * each in Redis (`npm run bench -- profile-memory`): 8 keep a typical profile under 3 KB.
         */
        journeySteps: z.number().int().min(0).max(100).default(8),
        /** Fields of the profile hash; at most 128 keeps it a compact listpack in Redis. */
        maxFields: z.number().int().min(16).max(1_000).default(120),
        windowDays: z.number().int().min(1).max(365).default(90),
        /** Daily buckets kept per visitor (new counters stop being bucketed past it). */
        maxWindowBuckets: z.number().int().min(16).max(100_000).default(1_000),
        /** Traits kept per visitor. */
        maxTraits: z.number().int().min(1).max(1_000).default(50),
        /**
         * A page view of an entry left untouched within this many visible seconds is a bounce for
         * the entry's topics (`ingest/bounce.ts`); 0 turns bounces off.
         */
        bounceSeconds: z.number().min(0).max(3_600).default(10),
        /** Affinity a bounce takes from each of the entry's topics (a view adds 1 by default). */
        bounceWeight: z.number().min(0).max(100).default(0.5),
      })
      .prefault({}),
    identity: z
      .strictObject({
        /**
         * The key behind visitor credentials and stored user ids, and the key the site's backend
         * signs user ids with (`userHash`); derived from the app keys when absent.
         */
        secret: z.string().min(16, 'expected at least 16 characters').optional(),
        /** Trait keys never stored (besides the built-in list), matched whatever the case and punctuation. */
        dropTraits: z.array(z.string().max(64)).default(DEFAULT_DROP_TRAITS),
      })
      .prefault({}),
    /** Servers that send events with a write key (Segment's or RudderStack's SDKs, a backend). */
    sources: z
      .array(
        z.strictObject({
          name: configName,
          writeKey: z.string().min(16, 'expected a write key of at least 16 characters').max(512),
          /** Requests per minute from this source, per Strapi instance. */
          perMinute: z.number().int().min(1).max(10_000_000).default(6_000),
          /** How old an event's timestamp may be, for backfills. */
          maxAgeDays: z.number().int().min(1).max(3650).default(90),
        })
      )
      .default([])
      .superRefine((sources, ctx) => {
        uniqueNames(sources, ctx);
        sources.forEach((source, index) => {
          if (sources.findIndex((other) => other.writeKey === source.writeKey) !== index) {
            ctx.addIssue({ code: 'custom', path: [index, 'writeKey'], message: 'the same write key is given to two sources' });
          }
        });
      }),
    /** Systems that POST their own signed webhooks (a shop, billing, Segment's Webhooks destination). */
    webhooks: webhooksConfigSchema,
    ingest: z
      .strictObject({
        /**
         * Requests per minute from one client address (a keyed hash, counted in process). High
         * enough for an office or a mobile carrier behind one address; not applied when requests
         * come through a proxy Strapi does not trust (`server.proxy`), where every visitor would
         * share the proxy's address.
         */
        perIpPerMinute: z.number().int().min(1).max(1_000_000).default(3_000),
        /** Events per minute for one visitor, counted in Redis so it holds across instances. */
        perVisitorPerMinute: z.number().int().min(1).max(1_000_000).default(1_200),
      })
      .prefault({}),
    /** Segments kept in version control: synced to the database at boot, read-only in the admin. */
    segments: configSegmentsSchema,
    segmentJobs: z
      .strictObject({
        /** How often every stored profile is re-evaluated (time-based rules, engagement percentiles, sizes). */
        refreshMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
        /** Profiles read per step of a re-evaluation. */
        batchSize: z.number().int().min(10).max(10_000).default(500),
      })
      .prefault({}),
    recommendations: z
      .strictObject({
        /** Off: no co-engagement is recorded and the recommendations endpoint answers 404. */
        enabled: z.boolean().default(true),
        /** The strategy served when the request names none and no experiment decides. */
        defaultStrategy: z.enum(STRATEGY_IDS).default(DEFAULT_STRATEGY),
        /** At most this many entries per request (`limit`). */
        maxLimit: z.number().int().min(1).max(100).default(50),
        /**
         * Page paths: transitions from a named page view to the visitor's next step, counted at
         * ingest and decayed (`recommendations/page-paths.ts`), shown in the admin's Paths panel.
         */
        pagePaths: z.boolean().default(true),
      })
      .prefault({}),
    clusters: z
      .strictObject({
        /** Off: no clustering job runs and no profile is assigned a cluster. */
        enabled: z.boolean().default(true),
        /** How often clustering re-runs on its own; 0: only on demand (admin API) and on drift. */
        refreshHours: z.number().min(0).max(24 * 30).default(24),
        /**
         * k is chosen in this range by silhouette. Not from 2: a two-way split is one boundary, which
         * a rule says more plainly, and it tends to be new against returning visitors (measured on the
         * Online Shoppers data: k = 2 wins the silhouette at a 1.8× conversion spread, k = 4 at 13×).
         */
        kMin: z.number().int().min(2).max(50).default(3),
        kMax: z.number().int().min(2).max(50).default(10),
        /** Profiles the model is fitted on (reservoir sample); every profile is then assigned. */
        sampleSize: z.number().int().min(100).max(1_000_000).default(50_000),
        /** A feature whose population stability index passes this re-runs clustering early. */
        driftThreshold: z.number().min(0.01).max(10).default(0.25),
      })
      .refine((clusters) => clusters.kMin <= clusters.kMax, { message: 'kMin must not exceed kMax', path: ['kMin'] })
      .prefault({}),
    history: z
      .strictObject({
        /**
         * How often the daily figures are rolled up from Redis into the database (one instance does
         * it); 0: only on demand (`POST /personalization/history/rollup`).
         */
        rollupMinutes: z.number().int().min(0).max(24 * 60).default(60),
      })
      .prefault({}),
    triggers: z
      .strictObject({
        /** Off: no trigger is matched, no check is scheduled and no delivery is sent. */
        enabled: z.boolean().default(true),
        /**
         * Where outbound actions POST, by name (a trigger names one): URLs and signing secrets come
         * from config and env, never from the admin.
         */
        destinations: z
          .array(
            z.strictObject({
              name: configName,
              url: z.string().regex(/^https?:\/\/[^\s]+$/, 'expected an http:// or https:// URL'),
              /** Signs every delivery (`X-Psn-Signature`); the receiver verifies with it. */
              secret: z.string().min(16, 'expected a secret of at least 16 characters').max(512),
              timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
            })
          )
          .default([])
          .superRefine(uniqueNames),
        /** Visible seconds on a page at which the tracker sends a `Dwell Time` heartbeat (dwell triggers use these). */
        dwellHeartbeatsSec: z.array(z.number().int().min(1).max(86_400)).max(10).default([30, 60, 180]),
        /** How often each instance looks for due checks and deliveries. */
        pollMs: z.number().int().min(20).max(60_000).default(1_000),
        /** Attempts before a delivery goes to the dead letters. */
        maxAttempts: z.number().int().min(1).max(50).default(8),
        /** Backoff: the n-th retry waits up to retryBaseSec × 2^(n-1), at most retryMaxSec. */
        retryBaseSec: z.number().min(0.05).max(3_600).default(30),
        retryMaxSec: z.number().min(0.05).max(7 * 86_400).default(6 * 3_600),
        /** An instance that claimed an item and died leaves it to others after this long. */
        leaseSec: z.number().min(1).max(3_600).default(60),
      })
      .refine((triggers) => triggers.destinations.every((destination) => destination.timeoutMs < triggers.leaseSec * 1000), {
        message: 'leaseSec must be longer than every destination timeoutMs (a delivery still waiting for its answer would be claimed again)',
        path: ['leaseSec'],
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const addresses = [config.redis.url && 'redis.url', config.redis.cluster && 'redis.cluster', config.redis.sentinel && 'redis.sentinel'].filter(Boolean);
    if (addresses.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['redis'],
        message: `give one of redis.url, redis.cluster or redis.sentinel, not ${addresses.join(' and ')}`,
      });
    }
    if (config.store === 'memory' && addresses.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['store'],
        message: `store 'memory' cannot be combined with ${addresses[0]}; remove one`,
      });
    }
  });

export type PluginConfigInput = z.input<typeof pluginConfigSchema>;
export type PluginConfig = z.output<typeof pluginConfigSchema>;

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
