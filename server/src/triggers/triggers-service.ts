import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getPluginConfig } from '../config/get-plugin-config';
import { personalKeyMatcher } from '../profiles/personal-data';
import type { MembershipChange } from '../segments/membership';
import { pluginService } from '../shared/plugin-services';
import { validationError, type IssueLike } from '../shared/validation';
import { CORE_FIELDS } from '../store/profile-fields';
import type { StoredProfile } from '../store/profile-store';
import { activityHistogram, nextActiveTime } from './active-hour';
import { CheckWrites } from './check-writes';
import { compileTrigger, type CompiledTrigger, type TimedEvent, type TriggerRecord } from './compiled-trigger';
import { itemId, payloadEvents, type FiringFacts } from './delivery-payload';
import { matchBatch } from './match-batch';
import type { FireOutcome, QueueItem } from './store/trigger-store';
import type { RecommendationsRequest, TriggerCreate, TriggerUpdate } from './trigger-input';

export const TRIGGER_UID = 'plugin::personalization.trigger';
const CHANGED_CHANNEL = 'triggers-changed';

export interface StoredTrigger extends TriggerRecord {
  id: number;
  documentId: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the ingest answer carries for the page to render (`psn:trigger` in the browser). */
export interface OnSiteAction {
  trigger: string;
  data?: Record<string, string | number | boolean>;
  recommend?: { contentType: string; strategy: string; items: { documentId: string; reason: string; score: number }[] };
}

export interface BatchOutcome {
  /** The sender reads on-site actions (a browser); a server's answer carries none, so none are built. */
  answersOnSite: boolean;
  events: readonly TimedEvent[];
  /** Membership before and after the batch. */
  before: readonly string[];
  after: readonly string[];
  profile: StoredProfile | null;
  now: number;
}

/**
 * Triggers: stored in Strapi's database, compiled once and kept in process (every change
 * recompiles here and tells the other instances). `afterBatch` is the ingest path's step: pure
 * matching, then one store call per trigger that fired, armed or disarmed (none for a batch that
 * matches nothing). Deliveries and scheduled checks are worked by `deliveries-service.ts`.
 */
const triggersService = ({ strapi }: { strapi: Core.Strapi }) => {
  let compiled: CompiledTrigger[] = [];
  const query = () => strapi.db.query(TRIGGER_UID as never);
  const store = () => pluginService(strapi, 'store').triggers();
  let pendingChecks: CheckWrites | undefined;
  const checkWrites = () =>
    (pendingChecks ??= new CheckWrites(store(), { onDropped: (count) => pluginService(strapi, 'stats').dropped('absence checks', count) }));
  const settings = () => getPluginConfig(strapi).triggers;
  let isPersonalKey: ((key: string) => boolean) | undefined;
  const personalKey = (key: string) => (isPersonalKey ??= personalKeyMatcher(getPluginConfig(strapi).identity.dropTraits))(key);

  const reload = async () => {
    if (!settings().enabled) return;
    const rows = (await query().findMany({ where: { enabled: true } })) as StoredTrigger[];
    compiled = rows.flatMap((row) => {
      try {
        return [compileTrigger(row)];
      } catch (error) {
        strapi.log.warn(`[personalization] trigger "${row.slug}" could not be compiled and is skipped: ${(error as Error).message}`);
        return [];
      }
    });
  };

  const changed = async (reason: string) => {
    await reload();
    await pluginService(strapi, 'changes').announce(CHANGED_CHANNEL, reason);
  };

  const findOrThrow = async (documentId: string) => {
    const trigger = (await query().findOne({ where: { documentId } })) as StoredTrigger | null;
    if (!trigger) throw new errors.NotFoundError('no trigger with this id');
    return trigger;
  };

  /** What zod cannot know: the segment, destination and content types named exist, heartbeats are sent. */
  const checkReferences = async (input: Partial<TriggerCreate>) => {
    const issues: IssueLike[] = [];
    const contentTypes = pluginService(strapi, 'contentTypes');
    const checkContentType = (uid: string, path: (string | number)[]) => {
      if (!contentTypes.isEnabled(uid)) issues.push({ path, message: `"${uid}" is not a personalization-enabled content type` });
    };
    const { condition, actions } = input;
    if (condition?.type === 'segment' && !(await pluginService(strapi, 'segments').findBySlug(condition.segment))) {
      issues.push({ path: ['condition', 'segment'], message: `no segment "${condition.segment}"` });
    }
    if (condition?.type === 'dwell') {
      const heartbeats = settings().dwellHeartbeatsSec;
      if (!heartbeats.includes(condition.seconds)) {
        issues.push({
          path: ['condition', 'seconds'],
          message: `the tracker sends heartbeats at ${heartbeats.join(', ')} s of visible time; use one of those or add ${condition.seconds} to triggers.dwellHeartbeatsSec`,
        });
      }
      if (condition.contentType) checkContentType(condition.contentType, ['condition', 'contentType']);
    }
    if (actions?.onSite?.recommend) checkContentType(actions.onSite.recommend.contentType, ['actions', 'onSite', 'recommend', 'contentType']);
    if (actions?.outbound) {
      const { destination, include } = actions.outbound;
      if (!settings().destinations.some((candidate) => candidate.name === destination)) {
        const known = settings().destinations.map((candidate) => `"${candidate.name}"`).join(', ') || 'none (add them under triggers.destinations in config/plugins.ts)';
        issues.push({ path: ['actions', 'outbound', 'destination'], message: `no destination "${destination}" in the plugin config; configured: ${known}` });
      }
      if (include?.recommendations) checkContentType(include.recommendations.contentType, ['actions', 'outbound', 'include', 'recommendations', 'contentType']);
      if (include?.variant) checkContentType(include.variant.contentType, ['actions', 'outbound', 'include', 'variant', 'contentType']);
    }
    if (issues.length > 0) throw validationError(issues);
  };

  const profileOf = async (visitorId: string, known: StoredProfile | null) => known ?? (await pluginService(strapi, 'store').profiles().readProfile(visitorId));

  /** The delivery's due time: now, or the visitor's usual hour of the week within the bound. */
  const dueAt = async (trigger: CompiledTrigger, visitorId: string, now: number): Promise<number> => {
    const wait = trigger.record.actions.outbound?.visitorHour;
    if (!wait) return now * 1000;
    const profile = await profileOf(visitorId, null);
    return nextActiveTime(activityHistogram(profile?.windows ?? {}), now, wait.withinHours * 3_600) * 1000;
  };

  /** Cool-down, rate limit and queueing of one firing; counted per outcome in the site stats. */
  const fire = async (
    trigger: CompiledTrigger,
    visitorId: string,
    facts: FiringFacts,
    deliveryKey: string,
    now: number,
    replacesCheck?: string
  ): Promise<FireOutcome> => {
    const delivery = trigger.record.actions.outbound
      ? { id: itemId('delivery', trigger.slug, visitorId, deliveryKey), kind: 'delivery' as const, trigger: trigger.slug, visitorId, dueAt: await dueAt(trigger, visitorId, now), facts: JSON.stringify(facts) }
      : undefined;
    const outcome = await store().fire({
      trigger: trigger.slug,
      visitorId,
      cooldownSec: trigger.cooldownSec,
      maxPerMinute: trigger.record.maxPerMinute ?? null,
      delivery,
      replacesCheck,
      now: now * 1000,
    });
    pluginService(strapi, 'stats').count(`trigger:${trigger.slug}:${outcome}`);
    return outcome;
  };

  const recommended = async (request: RecommendationsRequest, visitorId: string | null, now: number) => {
    const served = await pluginService(strapi, 'recommendations').recommend({
      uid: request.contentType,
      visitorId,
      forDocumentId: null,
      strategy: request.strategy ?? null,
      limit: request.limit,
      includeViewed: false,
      now,
    });
    // Only published entries: the recommender may hold ids of entries unpublished since.
    const ids = served.items.map((item) => item.documentId);
    const published = ids.length
      ? ((await strapi.documents(request.contentType as never).findMany({ filters: { documentId: { $in: ids } }, status: 'published', fields: ['documentId'] } as never)) as { documentId: string }[])
      : [];
    const live = new Set(published.map((entry) => entry.documentId));
    return {
      contentType: request.contentType,
      strategy: served.strategy,
      items: served.items.filter((item) => live.has(item.documentId)).slice(0, request.limit).map(({ documentId, reason, score }) => ({ documentId, reason, score })),
    };
  };

  const onSiteAction = async (trigger: CompiledTrigger, visitorId: string, now: number): Promise<OnSiteAction> => {
    const { data, recommend } = trigger.record.actions.onSite!;
    return {
      trigger: trigger.slug,
      ...(data ? { data } : {}),
      ...(recommend ? { recommend: await recommended(recommend, visitorId, now) } : {}),
    };
  };

  return {
    async start() {
      await reload();
      await pluginService(strapi, 'changes').watch(CHANGED_CHANNEL, () => {
        void reload().catch((error) => strapi.log.warn(`[personalization] reloading triggers failed: ${error}`));
      });
    },

    /** The enabled triggers, compiled. */
    compiled: () => compiled,

    /** Whether ingest must hand back the profile: some trigger has an audience to check. */
    needsProfile: () => compiled.some((trigger) => trigger.audience),

    /**
     * After a visitor's stored batch: arms and disarms absence checks, fires what matched, and
     * resolves to the on-site actions of the triggers that fired (the ingest answer carries them).
     */
    async afterBatch(visitorId: string, batch: BatchOutcome): Promise<OnSiteAction[]> {
      if (compiled.length === 0) return [];
      const matches = matchBatch(compiled, {
        events: batch.events,
        entered: batch.after.filter((slug) => !batch.before.includes(slug)),
        left: batch.before.filter((slug) => !batch.after.includes(slug)),
      });
      if (matches.fired.length + matches.armed.length + matches.disarmed.length === 0) return [];
      const { now } = batch;
      // Checks wait for the next flush of `checkWrites`: ingest pays no round trip for them.
      for (const { trigger, event, dueAt: at } of matches.armed) {
        const item = {
          id: itemId('check', trigger.slug, visitorId),
          kind: 'check' as const,
          trigger: trigger.slug,
          visitorId,
          dueAt: at * 1000,
          facts: JSON.stringify({ firedAt: at, events: payloadEvents([event], personalKey) } satisfies FiringFacts),
        };
        checkWrites().add({ op: 'arm', item, at: event.ts * 1000 });
      }
      for (const { trigger, event } of matches.disarmed) {
        checkWrites().add({ op: 'disarm', id: itemId('check', trigger.slug, visitorId), trigger: trigger.slug, visitorId, at: event.ts * 1000 });
      }
      const profile = matches.fired.some(({ trigger }) => trigger.audience) ? await profileOf(visitorId, batch.profile) : null;
      const actions = await Promise.all(
        matches.fired.map(async ({ trigger, events, segment }) => {
          if (trigger.audience && !(profile && pluginService(strapi, 'segments').matches(trigger.audience, profile, now))) return null;
          const facts: FiringFacts = { firedAt: now, events: payloadEvents(events, personalKey), ...(segment ? { segment, change: trigger.segment!.change } : {}) };
          // The same event (a retried batch) or membership change yields the same delivery id.
          const key = events[0]?.messageId ?? `${segment}:${trigger.segment?.change}:${now}`;
          const outcome = await fire(trigger, visitorId, facts, key, now);
          return outcome === 'fired' && trigger.record.actions.onSite && batch.answersOnSite ? onSiteAction(trigger, visitorId, now) : null;
        })
      );
      return actions.filter((action): action is OnSiteAction => action !== null);
    },

    /** A membership change found by the background re-evaluation: segment triggers act outbound only. */
    async afterMembershipChange(visitorId: string, change: MembershipChange, now: number): Promise<void> {
      const due = compiled.filter(
        ({ segment, record }) => segment && record.actions.outbound && (segment.change === 'enter' ? change.entered : change.left).includes(segment.slug)
      );
      for (const trigger of due) {
        const profile = trigger.audience ? await profileOf(visitorId, null) : null;
        if (trigger.audience && !(profile && pluginService(strapi, 'segments').matches(trigger.audience, profile, now))) continue;
        const { slug, change: kind } = trigger.segment!;
        await fire(trigger, visitorId, { firedAt: now, events: [], segment: slug, change: kind }, `${slug}:${kind}:${now}`, now);
      }
    },

    /**
     * A claimed absence check whose wait is over: it fires (cool-down and rate limit permitting)
     * and is replaced by its delivery in the same store step; a check of a trigger since disabled or
     * deleted is dropped.
     */
    async fireCheck(item: QueueItem, now: number): Promise<FireOutcome | 'dropped'> {
      const trigger = compiled.find((candidate) => candidate.slug === item.trigger && candidate.unless);
      if (!trigger) {
        await store().settle(item.id, { status: 'dropped', error: 'the trigger is disabled or gone' }, now * 1000);
        return 'dropped';
      }
      if (trigger.audience) {
        const profile = await profileOf(item.visitorId, null);
        if (!(profile && pluginService(strapi, 'segments').matches(trigger.audience, profile, now))) {
          await store().settle(item.id, { status: 'dropped', error: 'the visitor is not in the audience' }, now * 1000);
          return 'dropped';
        }
      }
      const facts = JSON.parse(item.facts) as FiringFacts;
      return fire(trigger, item.visitorId, facts, `${item.id}:${facts.firedAt}`, now, item.id);
    },

    /** The visitor fields a delivery carries: pseudonymous id, hashed user id, segments. */
    async visitorOf(visitorId: string) {
      const profile = await pluginService(strapi, 'store').profiles().readProfile(visitorId);
      return { id: visitorId, userHash: profile?.fields[CORE_FIELDS.userHash] ?? null, segments: profile?.segments ?? [] };
    },

    recommended,

    /** Writes the checks waiting now (tests). */
    flush: () => checkWrites().flush(),

    /**
     * Before an erase: drops these visitors' waiting checks and lets a flush already under way land,
     * so that nothing written after the erase brings a check back.
     */
    async forget(visitorIds: readonly string[]): Promise<void> {
      pendingChecks?.forget(visitorIds);
      await pendingChecks?.flush();
    },

    /** Writes what waits and stops (shutdown, before the store closes). */
    async close() {
      await pendingChecks?.close();
      pendingChecks = undefined;
    },

    async list(): Promise<StoredTrigger[]> {
      return (await query().findMany({ orderBy: [{ slug: 'asc' }] })) as StoredTrigger[];
    },

    find: findOrThrow,

    async findBySlug(slug: string) {
      return (await query().findOne({ where: { slug } })) as StoredTrigger | null;
    },

    async create(input: TriggerCreate): Promise<StoredTrigger> {
      const existing = await this.findBySlug(input.slug);
      if (existing) throw validationError([{ path: ['slug'], message: `"${input.slug}" is already used by the trigger "${existing.name}"` }]);
      await checkReferences(input);
      const created = (await query().create({ data: { ...input, audience: input.audience ?? null, maxPerMinute: input.maxPerMinute ?? null } })) as StoredTrigger;
      await changed(`trigger "${input.slug}" created`);
      return created;
    },

    async update(documentId: string, input: TriggerUpdate): Promise<StoredTrigger> {
      const trigger = await findOrThrow(documentId);
      const next = { ...trigger, ...input };
      if (next.condition.type === 'absence' && next.actions.onSite) {
        throw validationError([{ path: ['actions', 'onSite'], message: 'an absence is found after the visitor left, so it has no on-site action; use outbound' }]);
      }
      await checkReferences(next);
      const updated = (await query().update({ where: { id: trigger.id }, data: input })) as StoredTrigger;
      await changed(`trigger "${trigger.slug}" updated`);
      return updated;
    },

    async remove(documentId: string): Promise<StoredTrigger> {
      const trigger = await findOrThrow(documentId);
      await query().delete({ where: { id: trigger.id } });
      await changed(`trigger "${trigger.slug}" deleted`);
      return trigger;
    },
  };
};

export type TriggersService = ReturnType<typeof triggersService>;
export default triggersService;
