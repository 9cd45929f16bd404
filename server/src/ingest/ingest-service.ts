import type { Core } from '@strapi/strapi';
import { eventsCounter, siteCountsOfBatch } from '../analytics/site-counts';
import { getPluginConfig } from '../config/get-plugin-config';
import { funnelCountsOf } from '../funnels/funnel-counters';
import type { FunnelsForIngest } from '../funnels/funnels-service';
import { personalKeyMatcher } from '../profiles/personal-data';
import { updateSettings } from '../profiles/update-settings';
import { isStrategyId } from '../recommendations/strategies';
import { InFlight } from '../shared/in-flight';
import { pluginService } from '../shared/plugin-services';
import { CORE_FIELDS } from '../store/profile-fields';
import type { ApplyResult, EventUpdate, UpdateSettings } from '../store/profile-store';
import { storeUnavailable } from '../store/store-unavailable';
import { isBotUserAgent } from './bot-user-agent';
import { deviceTypeOf } from './device-type';
import type { OnSiteAction } from '../triggers/triggers-service';
import type { IncomingEvent } from './event-schema';
import { batchToUpdates, eventTime, forEachSeenName } from './event-to-update';
import type { BounceRule } from './bounce';
import { groupByVisitor } from './server-events';

/** How long shutdown waits for batches under way (each is bounded by the store's command timeout). */
const DRAIN_TIMEOUT_MS = 10_000;

/** One visitor's events, as the controller resolved who sent them. */
export interface VisitorBatch {
  /** The visitor the events were sent for (it may since have been merged into another). */
  visitorId: string;
  /** Link the visitor to this user id first: the browser proved it, or a server source sent it. */
  linkUserId?: string;
  events: IncomingEvent[];
}

export interface IngestOptions {
  /** Browsers are bot-checked on the request's User-Agent too; servers only on `context.userAgent`. */
  sender: 'browser' | 'server';
  requestUserAgent?: string;
  /**
   * The sender proved who the visitor is (a browser's credential, a server source): only then do
   * triggers act. A bare id is a name anybody can type; it must not send someone else's e-mails.
   */
  provenVisitor: boolean;
  /** Epoch seconds. */
  now: number;
}

export type IngestOutcome =
  | { status: 'stored'; visitorId: string; accepted: number; duplicates: number; bots: number; segments: string[]; actions: OnSiteAction[] }
  | { status: 'bot'; bots: number }
  | { status: 'rate-limited'; retryAfterSec: number };

/** Hops of "merged into" followed when a batch lands on a retired visitor. */
const MAX_APPLY_HOPS = 4;

/**
 * The ingest path after validation: bot filter, entry topics, events to store updates, identity
 * (links, merges, aliases), one store call per visitor, membership, conversions, site-wide counts.
 * Store errors propagate: the caller answers 503 so that the sender retries (messageIds make
 * retries safe).
 */
const ingestService = ({ strapi }: { strapi: Core.Strapi }) => {
  const profileStore = () => pluginService(strapi, 'store').profiles();
  const identity = () => pluginService(strapi, 'identity');
  // Derived from the config, which is fixed for the life of the process, and from the enabled
  // segments, which are not (the same settings object as long as they do not change).
  let derived:
    | { hourlyCounters: readonly string[]; settings: UpdateSettings; isPersonalKey: (key: string) => boolean; bounce: BounceRule }
    | undefined;
  const derivedSettings = () => {
    const hourlyCounters = pluginService(strapi, 'segments').hourlyCounters();
    if (derived?.hourlyCounters !== hourlyCounters) {
      const config = getPluginConfig(strapi);
      derived = {
        hourlyCounters,
        settings: updateSettings(config, hourlyCounters),
        isPersonalKey: personalKeyMatcher(config.identity.dropTraits),
        bounce: { maxSeconds: config.profile.bounceSeconds, weight: config.profile.bounceWeight },
      };
    }
    return derived;
  };
  const stats = () => pluginService(strapi, 'stats');

  /** Events that are not a bot's: a browser's batch is judged whole, a server's event by event. */
  const humanEvents = (events: IncomingEvent[], options: IngestOptions): IncomingEvent[] => {
    if (options.sender === 'server') return events.filter((event) => !event.context?.userAgent || !isBotUserAgent(event.context.userAgent));
    const userAgent = events.find((event) => event.context?.userAgent)?.context?.userAgent ?? options.requestUserAgent;
    return userAgent !== undefined && isBotUserAgent(userAgent) ? [] : events;
  };

  /** Applies to the visitor, following it if it was merged into another since. */
  const apply = async (visitorId: string, updates: EventUpdate[], ordered: IncomingEvent[], settings: UpdateSettings, now: number, funnels?: FunnelsForIngest) => {
    const options = {
      funnels: funnels?.windows,
      // The profile only comes back when there are segments to evaluate it against or clusters to assign.
      returnProfile:
        pluginService(strapi, 'segments').compiled().length > 0 || pluginService(strapi, 'clusters').hasModel() || pluginService(strapi, 'triggers').needsProfile(),
      // Events per type are counted with the events, so that a retried batch counts once.
      siteCounters: ordered.map((event) => eventsCounter(event.type)),
    };
    let target = visitorId;
    let result: ApplyResult = await profileStore().applyUpdates(target, updates, settings, now, options);
    for (let hop = 0; result.status === 'aliased' && hop < MAX_APPLY_HOPS; hop++) {
      target = hop === 0 ? result.visitorId : await identity().finalVisitor(result.visitorId);
      result = await profileStore().applyUpdates(target, updates, settings, now, options);
    }
    if (result.status === 'aliased') {
      // A cycle of aliases (two merges racing each other): break it here rather than fail forever.
      await profileStore().clearAlias(target);
      result = await profileStore().applyUpdates(target, updates, settings, now, options);
    }
    return { visitorId: target, result };
  };

  /**
   * Analytics of a stored batch, of the events stored now (not those a retry sent again): the
   * names rule builders can offer, clicks on a served variant (events that carry
   * `properties.variant`, as the tracker adds for elements inside `data-psn-variant`) and on a
   * recommendation; and events per type, duplicates and the active visitor where the store did not
   * count them with the events (Redis Cluster). `alias` calls change no profile and are counted here.
   * A promise only when clicks on variants are to be checked: most batches wait for nothing.
   */
  const noteForAnalytics = (
    visitorId: string,
    result: Extract<ApplyResult, { status: 'applied' }>,
    ordered: IncomingEvent[],
    storedEvents: IncomingEvent[],
    aliases: number
  ) => {
    const counter = stats();
    if (!result.siteCounted) {
      const counts = siteCountsOfBatch(ordered.map((event) => eventsCounter(event.type)), result.applied, result.duplicates);
      for (const [name, delta] of Object.entries(counts)) counter.count(name, delta);
      counter.active(visitorId);
      for (const [day, funnelCounts] of funnelCountsOf(result.reached, result.segments)) {
        for (const [name, delta] of Object.entries(funnelCounts)) counter.count(name, delta, day);
      }
    }
    if (aliases > 0) counter.count(eventsCounter('alias'), aliases);
    const { isPersonalKey } = derivedSettings();
    let clickedVariants: string[] | undefined;
    const seen = (family: string, name: string) => counter.seen(family, name);
    for (const event of storedEvents) {
      forEachSeenName(event, isPersonalKey, seen);
      const variant = event.properties?.variant;
      if (event.type === 'track' && typeof variant === 'string') (clickedVariants ??= []).push(variant);
      // Clicks inside a recommended list (`data-psn-recommendation`): that strategy's click-through.
      const recommendation = event.properties?.recommendation;
      if (event.type === 'track' && isStrategyId(recommendation)) counter.count(`rec-clicked:${recommendation}`);
    }
    // Only a variant that exists: any other string would add a field to the day's counters. (Most
    // batches click none: they get no promise to wait for.)
    if (!clickedVariants) return undefined;
    return Promise.all(
      clickedVariants.map(async (variant) => {
        if (await pluginService(strapi, 'variants').isLive(variant).catch(() => false)) counter.count(`clicked:${variant}`);
      })
    ).then(() => undefined);
  };

  /** Server `alias` calls: the visitor known by `previousId` (a user id or an anonymous id) joins the user. */
  const followAliases = async (events: IncomingEvent[], settings: UpdateSettings, now: number) => {
    for (const event of events) {
      if (event.type !== 'alias' || !event.previousId || !event.userId) continue;
      const previous =
        (await profileStore().userVisitor(identity().hashUserId(event.previousId))) ?? identity().visitorOfAnonymousId(event.previousId);
      await identity().linkToUser(previous, identity().hashUserId(event.userId), settings, now);
    }
  };

  const ingestBatch = async (batch: VisitorBatch, options: IngestOptions): Promise<IngestOutcome> => {
    const events = humanEvents(batch.events, options);
    const bots = batch.events.length - events.length;
    if (bots > 0) stats().count('bots', bots);
    if (events.length === 0) return { status: 'bot', bots };
    const { settings, isPersonalKey, bounce } = derivedSettings();
    const topicsLookup = pluginService(strapi, 'entryTopics').lookup(events);
    const entryTopics = typeof topicsLookup === 'function' ? topicsLookup : await topicsLookup;
    // One snapshot for the batch: its updates name funnels by their index in it.
    const funnels = pluginService(strapi, 'funnels').forIngest();
    const contentTypes = pluginService(strapi, 'contentTypes');
    const { updates, events: ordered } = batchToUpdates(events, {
      nowSec: options.now,
      deviceTypeOf,
      requestUserAgent: options.sender === 'browser' ? options.requestUserAgent : undefined,
      entryTopics,
      entryContentType: (event) => (event.properties?.contentType === undefined ? undefined : contentTypes.resolveUid(event.properties.contentType)),
      isPersonalKey,
      sessionGapSec: settings.sessionGapSec,
      funnelHits: funnels?.hitsOf,
      bounce,
    });

    let { visitorId } = batch;
    if (batch.linkUserId) {
      const userHash = identity().hashUserId(batch.linkUserId);
      visitorId = await identity().linkToUser(visitorId, userHash, settings, options.now);
      if (updates.length > 0) updates[0].set = { ...updates[0].set, [CORE_FIELDS.userHash]: userHash };
    }
    if (options.sender === 'server') await followAliases(events, settings, options.now);
    if (updates.length === 0) return { status: 'stored', visitorId, accepted: 0, duplicates: 0, bots, segments: [], actions: [] };

    const applied = await apply(visitorId, updates, ordered, settings, options.now, funnels);
    if (applied.result.status === 'rate-limited') return applied.result;
    if (applied.result.status !== 'applied') throw new Error('personalization: a visitor alias could not be resolved');

    // An event the store skipped as a duplicate (a retried batch) counts no second time below.
    const { result } = applied;
    const storedEvents = ordered.filter((_, index) => result.applied[index]);
    const clicksNoted = noteForAnalytics(applied.visitorId, result, ordered, storedEvents, events.length - ordered.length);
    if (clicksNoted) await clicksNoted;
    // Page paths count the transitions of the applied events only: a retried batch adds none.
    pluginService(strapi, 'recommendations').notePagePaths(
      result.previousStep,
      updates.flatMap((update, index) => (result.applied[index] ? [update.step] : [])),
      settings.sessionGapSec
    );
    const { profile } = applied.result;
    // The nearest cluster first: a cluster segment and a `cluster` rule see it in this same batch.
    if (profile) await pluginService(strapi, 'clusters').updateStored(applied.visitorId, profile, options.now);
    const segments = profile
      ? await pluginService(strapi, 'segments').reconcile(applied.visitorId, profile, options.now)
      : applied.result.segments;
    if (pluginService(strapi, 'experiments').running().all.length > 0) {
      // Goal events of visitors exposed to a running experiment before them count as conversions.
      const timed = storedEvents.map((event) => ({ ...event, ts: eventTime(event, options.now) }));
      await pluginService(strapi, 'experiments').recordConversions(applied.visitorId, timed);
    }
    pluginService(strapi, 'recommendations').noteEngagements(applied.visitorId, segments, storedEvents, (event) => eventTime(event, options.now));
    // The events are stored by now: a trigger that cannot be recorded is logged and counted, not
    // answered with a 503 whose retry would find the events already counted and fire nothing.
    const actions = options.provenVisitor
      ? await pluginService(strapi, 'triggers')
          .afterBatch(applied.visitorId, {
            answersOnSite: options.sender === 'browser',
            events: storedEvents.map((event) => ({ ...event, ts: eventTime(event, options.now) })),
            before: profile ? profile.segments : applied.result.segments,
            after: segments,
            profile: profile ?? null,
            now: options.now,
          })
          .catch((error: Error) => {
            stats().count('trigger-errors');
            strapi.log.warn(`[personalization] triggers of a stored batch could not be recorded: ${error.message}`);
            return [];
          })
      : [];
    return {
      status: 'stored',
      visitorId: applied.visitorId,
      accepted: applied.result.accepted,
      duplicates: applied.result.duplicates,
      bots,
      segments,
      actions,
    };
  };

  // Shutdown waits for batches under way, so that what they count reaches the buffers before those
  // are flushed; batches arriving after are refused with a 503 (nothing stored, the sender retries).
  const inFlight = new InFlight(() => storeUnavailable(new Error('this Strapi instance is shutting down')));

  const service = {
    ingest: (batch: VisitorBatch, options: IngestOptions): Promise<IngestOutcome> => inFlight.run(() => ingestBatch(batch, options)),

    /** Refuses new batches and waits (at most `timeoutMs`) for those under way: the first step of shutdown. */
    async drain(timeoutMs = DRAIN_TIMEOUT_MS): Promise<void> {
      if (!(await inFlight.close(timeoutMs))) strapi.log.warn(`[personalization] shutdown: event batches still under way after ${timeoutMs} ms`);
    },

    /**
     * A server's events (a write-key source's batch, a webhook's mapped events), stored per visitor:
     * an event's `anonymousId` names its visitor, else its `userId` finds the user's (or a visitor
     * derived from the user); the user id is linked either way, as a server is trusted for it.
     */
    async ingestServerEvents(events: IncomingEvent[], now: number): Promise<IngestOutcome[]> {
      return Promise.all(
        groupByVisitor(events).map(async (group) => {
          const { anonymousId, userId } = group[0];
          const visitorId = anonymousId ? identity().visitorOfAnonymousId(anonymousId) : await identity().visitorOfUser(identity().hashUserId(userId!));
          return service.ingest({ visitorId, linkUserId: userId, events: group }, { sender: 'server', provenVisitor: true, now });
        })
      );
    },
  };
  return service;
};

export type IngestService = ReturnType<typeof ingestService>;
export default ingestService;
