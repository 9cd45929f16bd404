import type { Core } from '@strapi/strapi';
import { isbot } from 'isbot';
import { getPluginConfig } from '../config/get-plugin-config';
import { mergeInstruction } from '../profiles/merge-profiles';
import { updateSettings } from '../profiles/update-settings';
import { pluginService } from '../shared/plugin-services';
import { CORE_FIELDS } from '../store/profile-fields';
import type { EventUpdate, UpdateSettings } from '../store/profile-store';
import { deviceTypeOf } from './device-type';
import type { IncomingEvent } from './event-schema';
import { batchToUpdates, eventTime } from './event-to-update';
import { topicsOfProperties } from './topics';

export interface IngestRequest {
  visitorId: string;
  /** Raw user id (from the batch or a logged-in user); only its HMAC is used. */
  userId?: string;
  events: IncomingEvent[];
  requestUserAgent?: string;
  /** Epoch seconds. */
  now: number;
}

export type IngestOutcome =
  | { status: 'stored'; visitorId: string; accepted: number; duplicates: number; segments: string[] }
  | { status: 'bot' }
  | { status: 'rate-limited'; retryAfterSec: number };

/**
 * The ingest path after validation: bot filter, entry topics, events to store updates, identity
 * (link or merge), one store call, site-wide counts. Store errors propagate: the caller answers 503
 * so that the sender retries (messageIds make retries safe).
 */
const ingestService = ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => pluginService(strapi, 'store').get();
  // Derived once from the config, which is fixed for the life of the process.
  let derived: { settings: UpdateSettings; dropTraits: Set<string> } | undefined;
  const fromConfig = () => {
    if (!derived) {
      const config = getPluginConfig(strapi);
      derived = { settings: updateSettings(config), dropTraits: new Set(config.identity.dropTraits) };
    }
    return derived;
  };
  const stats = () => pluginService(strapi, 'stats');

  /** A batch is a bot's when the end user's User-Agent (event context, else the request's) is one. */
  const isBotBatch = (request: IngestRequest) => {
    const userAgent = request.events.find((event) => event.context?.userAgent)?.context?.userAgent ?? request.requestUserAgent;
    return userAgent !== undefined && isbot(userAgent);
  };

  /** Folds `fromVisitorId`'s profile into the user's visitor and leaves an alias behind. */
  const mergeVisitor = async (fromVisitorId: string, intoVisitorId: string, settings: UpdateSettings, now: number) => {
    const [source, target] = await Promise.all([store().readProfile(fromVisitorId), store().readProfile(intoVisitorId)]);
    if (source) await store().applyMerge(intoVisitorId, mergeInstruction(target, source), settings, now);
    await store().retireInto(fromVisitorId, intoVisitorId, settings.retentionSec);
  };

  const apply = async (visitorId: string, updates: EventUpdate[], settings: UpdateSettings, now: number) => {
    // The profile only comes back when there are segments to evaluate it against.
    const options = { returnProfile: pluginService(strapi, 'segments').compiled().length > 0 };
    const result = await store().applyUpdates(visitorId, updates, settings, now, options);
    // A visitor merged into another (another device of the same user): write there instead.
    if (result.status === 'aliased') {
      return { visitorId: result.visitorId, result: await store().applyUpdates(result.visitorId, updates, settings, now, options) };
    }
    return { visitorId, result };
  };

  /**
   * Analytics of a stored batch: events per type, an active visitor, the names rule builders can
   * offer, and clicks on a served variant (events that carry `properties.variant`, as the tracker
   * adds for elements inside `data-psn-variant`).
   */
  const noteForAnalytics = (visitorId: string, events: IncomingEvent[]) => {
    const counter = stats();
    counter.active(visitorId);
    for (const event of events) {
      counter.count(`events:${event.type}`);
      if (event.type === 'track' && event.event) counter.seen('events', event.event);
      if (event.category) counter.seen('categories', event.category);
      if (event.type === 'page' && event.name) counter.seen('pages', event.name);
      for (const topic of topicsOfProperties(event.properties)) counter.seen('topics', topic);
      for (const trait of Object.keys(event.traits ?? {})) counter.seen('traits', trait);
      const variant = event.properties?.variant;
      if (event.type === 'track' && typeof variant === 'string' && variant.length <= 64) counter.count(`clicked:${variant}`);
    }
  };

  return {
    async ingest(request: IngestRequest): Promise<IngestOutcome> {
      if (isBotBatch(request)) {
        stats().count('bots', request.events.length);
        return { status: 'bot' };
      }
      const { settings, dropTraits } = fromConfig();
      const entryTopics = await pluginService(strapi, 'entryTopics').prefetch(request.events);
      const updates = batchToUpdates(request.events, {
        nowSec: request.now,
        deviceTypeOf,
        requestUserAgent: request.requestUserAgent,
        entryTopics,
        dropTraits,
        sessionGapSec: settings.sessionGapSec,
      });

      let { visitorId } = request;
      if (request.userId) {
        const userHash = pluginService(strapi, 'identity').hashUserId(request.userId);
        const linked = await store().linkUser(userHash, visitorId, settings.retentionSec);
        if (linked !== visitorId) {
          await mergeVisitor(visitorId, linked, settings, request.now);
          visitorId = linked;
        }
        updates[0].set = { ...updates[0].set, [CORE_FIELDS.userHash]: userHash };
      }

      const applied = await apply(visitorId, updates, settings, request.now);
      if (applied.result.status === 'rate-limited') return applied.result;
      if (applied.result.status !== 'applied') throw new Error('visitor alias chain');

      noteForAnalytics(applied.visitorId, request.events);
      stats().count('duplicates', applied.result.duplicates);
      const { profile } = applied.result;
      const segments = profile
        ? await pluginService(strapi, 'segments').reconcile(applied.visitorId, profile, request.now)
        : applied.result.segments;
      if (pluginService(strapi, 'experiments').running().all.length > 0) {
        // Goal events of visitors exposed to a running experiment before them count as conversions.
        const timed = request.events.map((event) => ({ ...event, ts: eventTime(event, request.now) }));
        await pluginService(strapi, 'experiments').recordConversions(applied.visitorId, timed);
      }
      return {
        status: 'stored',
        visitorId: applied.visitorId,
        accepted: applied.result.accepted,
        duplicates: applied.result.duplicates,
        segments,
      };
    },
  };
};

export type IngestService = ReturnType<typeof ingestService>;
export default ingestService;
