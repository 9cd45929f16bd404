import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getPluginConfig } from '../config/get-plugin-config';
import { sessionGapSecOf } from '../profiles/update-settings';
import { forbidden } from '../shared/http-errors';
import { pluginService } from '../shared/plugin-services';
import type { StoredProfile } from '../store/profile-store';
import { engagementScore } from './engagement/engagement-score';
import { percentileOf } from './engagement/percentiles';
import { bySegmentPriority, evaluateMembership, membershipChange, type CompiledSegment } from './membership';
import { compileRules, hourWindowCounters, type Predicate } from './rules/compile-rules';
import type { RuleNode } from './rules/rule-schema';
import { ruleLookbackSec } from './rules/time-dependence';
import type { SegmentCreate, SegmentUpdate } from './segment-input';
import { CORE_FIELDS } from '../store/profile-fields';

export const SEGMENT_UID = 'plugin::personalization.segment';
const CHANGED_CHANNEL = 'segments-changed';
/** Evaluations of a visitor whose membership other writers keep changing, before giving way to them. */
const RECONCILE_ATTEMPTS = 3;

export interface SegmentRecord {
  id: number;
  documentId: string;
  name: string;
  slug: string;
  description: string | null;
  kind: 'rule' | 'cluster';
  rules: RuleNode | null;
  priority: number;
  enabled: boolean;
  source: 'admin' | 'config';
  template: string | null;
  createdAt: string;
  updatedAt: string;
}

const compile = (segment: SegmentRecord): CompiledSegment => ({
  slug: segment.slug,
  priority: segment.priority,
  // A cluster segment holds the visitors that k-means put in the cluster named by its slug.
  matches:
    segment.kind === 'cluster'
      ? (facts) => facts.text(CORE_FIELDS.cluster) === segment.slug
      : compileRules(segment.rules ?? { any: [] }),
  lookbackSec: segment.kind === 'cluster' ? null : ruleLookbackSec(segment.rules ?? { any: [] }),
});

/** One short string per set of enabled segment definitions: a shared pass evaluates against one. */
const rulesVersionOf = (enabled: SegmentRecord[]): string =>
  createHash('sha256')
    .update(JSON.stringify(enabled.map(({ slug, kind, rules, priority }) => [slug, kind, rules, priority]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))))
    .digest('base64url')
    .slice(0, 16);

/**
 * Segments: stored in Strapi's database, compiled once into predicates and kept in process; every
 * change recompiles here, tells the other instances (pub/sub) and re-evaluates stored profiles in
 * the background. `reconcile` is the ingest path's membership step.
 */
const segmentsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let compiled: CompiledSegment[] = [];
  let hourlyCounters: string[] = [];
  let rulesVersion = '';
  let engagementCuts: number[] = [];
  const query = () => strapi.db.query(SEGMENT_UID as never);
  const membershipStore = () => pluginService(strapi, 'store').membership();
  const profileStore = () => pluginService(strapi, 'store').profiles();

  const reload = async () => {
    const enabled = (await query().findMany({ where: { enabled: true } })) as SegmentRecord[];
    compiled = enabled.map(compile).sort(bySegmentPriority);
    rulesVersion = rulesVersionOf(enabled);
    hourlyCounters = [...new Set(enabled.flatMap((segment) => (segment.rules ? hourWindowCounters(segment.rules) : [])))].sort();
  };

  const reloadEngagement = async () => {
    engagementCuts = await membershipStore().readEngagementCuts().catch(() => engagementCuts);
  };

  /** After any change: recompile, tell the other instances, re-evaluate stored profiles. */
  const changed = async (reason: string) => {
    await reload();
    // The pass first: this instance's own announcement, heard back, then finds it running.
    pluginService(strapi, 'reevaluation').start(reason);
    await pluginService(strapi, 'changes').announce(CHANGED_CHANNEL, reason);
  };

  const findBySlug = async (slug: string) => (await query().findOne({ where: { slug } })) as SegmentRecord | null;

  const findOrThrow = async (documentId: string) => {
    const segment = (await query().findOne({ where: { documentId } })) as SegmentRecord | null;
    if (!segment) throw new errors.NotFoundError('no segment with this id');
    return segment;
  };

  /** What a deleted segment leaves: its members and sizes (in Redis and in history), and its variants (disabled). */
  const deleteSegment = async (segment: SegmentRecord) => {
    await query().delete({ where: { id: segment.id } });
    await membershipStore().deleteSegmentData(segment.slug).catch(() => {});
    await pluginService(strapi, 'history').forgetSegment(segment.slug);
    await pluginService(strapi, 'variants').disableForSegment(segment.slug);
  };

  const assertEditable = (segment: SegmentRecord) => {
    if (segment.source === 'config') {
      throw forbidden(`segment "${segment.slug}" is declared in config/plugins.ts; change it there`);
    }
  };

  const evaluationInput = (profile: StoredProfile, now: number) => ({
    profile,
    now,
    affinityHalfLifeSec: getPluginConfig(strapi).affinity.halfLifeDays * 86_400,
    sessionGapSec: sessionGapSecOf(getPluginConfig(strapi)),
    engagementPercentile: () => percentileOf(engagementScore(profile), engagementCuts),
  });

  /** Whether a profile matches compiled rules (a trigger's audience, a dry run). */
  const matches = (predicate: Predicate, profile: StoredProfile, now: number): boolean =>
    evaluateMembership([{ slug: '', priority: 0, matches: predicate }], evaluationInput(profile, now)).length > 0;

  return {
    async start() {
      await reload();
      await reloadEngagement();
      // Other instances announce their changes (at once, or within a poll of the change counters).
      await pluginService(strapi, 'changes').watch(CHANGED_CHANNEL, () => {
        void reload()
          // Shares the pass the changing instance began (see `reevaluation-service.ts`).
          .then(() => pluginService(strapi, 'reevaluation').join('segments changed on another instance'))
          .catch((error) => strapi.log.warn(`[personalization] reloading segments failed: ${error}`));
        void reloadEngagement();
      });
    },

    /** The enabled segments, compiled, highest priority first. */
    compiled: () => compiled,

    /** Changes with any enabled segment's definition (the same on every instance that read the same segments). */
    rulesVersion: () => rulesVersion,

    /**
     * Counters an enabled segment asks about by the hour: the store counts these per hour too. A
     * new hour-window rule therefore counts from when it is saved (its daily buckets go back further).
     */
    hourlyCounters: (): readonly string[] => hourlyCounters,

    reload,
    reloadEngagement,

    /** A one-off predicate for a dry run of rules that are not saved. */
    compileProbe(kind: 'rule' | 'cluster', rules: RuleNode) {
      const { matches: probe } = compile({ slug: '(dry run)', priority: 0, kind, rules } as SegmentRecord);
      return (profile: StoredProfile, now: number) => matches(probe, profile, now);
    },

    matches,

    /** The segments a profile belongs to now, in priority order. */
    evaluate(profile: StoredProfile, now: number): string[] {
      return evaluateMembership(compiled, evaluationInput(profile, now));
    },

    /**
     * Re-evaluates one visitor after a batch; stores and logs the change if membership moved.
     * The write is conditional on the membership the profile was read with: when a concurrent
     * batch (or the background pass) wrote first, the profile is read again and evaluated afresh.
     * Returns the visitor's segments.
     */
    async reconcile(visitorId: string, profile: StoredProfile, now: number): Promise<string[]> {
      const retentionSec = getPluginConfig(strapi).retentionDays * 86_400;
      let current: StoredProfile | null = profile;
      for (let attempt = 0; current && attempt < RECONCILE_ATTEMPTS; attempt++) {
        const segments = this.evaluate(current, now);
        const change = membershipChange(current.segments, segments);
        if (!change) return segments;
        if (await membershipStore().updateMembership(visitorId, change, now, retentionSec)) {
          const stats = pluginService(strapi, 'stats');
          for (const slug of change.entered) stats.count(`segment:${slug}:entered`);
          for (const slug of change.left) stats.count(`segment:${slug}:left`);
          return segments;
        }
        current = await profileStore().readProfile(visitorId);
      }
      // Lost the race every time (or the profile is gone): the last writer's membership stands.
      return membershipStore().readSegments(visitorId);
    },

    async list(): Promise<SegmentRecord[]> {
      return (await query().findMany({ orderBy: [{ priority: 'desc' }, { slug: 'asc' }] })) as SegmentRecord[];
    },

    find: findOrThrow,
    findBySlug,

    async create(input: SegmentCreate, extra: { source?: 'admin' | 'config'; template?: string } = {}): Promise<SegmentRecord> {
      const existing = await findBySlug(input.slug);
      if (existing) {
        throw new errors.ValidationError(`slug: "${input.slug}" is already used by the segment "${existing.name}"`, {
          errors: [{ path: ['slug'], message: 'already used', name: 'ValidationError' }],
        });
      }
      const created = (await query().create({
        data: { ...input, rules: input.rules ?? null, source: extra.source ?? 'admin', template: extra.template ?? null },
      })) as SegmentRecord;
      await changed(`segment "${input.slug}" created`);
      return created;
    },

    async update(documentId: string, input: SegmentUpdate): Promise<SegmentRecord> {
      const segment = await findOrThrow(documentId);
      assertEditable(segment);
      const next = { ...segment, ...input };
      if (next.kind === 'rule' && !next.rules) {
        throw new errors.ValidationError('rules: a rule segment needs rules', {
          errors: [{ path: ['rules'], message: 'a rule segment needs rules', name: 'ValidationError' }],
        });
      }
      const updated = (await query().update({ where: { id: segment.id }, data: input })) as SegmentRecord;
      await changed(`segment "${segment.slug}" updated`);
      return updated;
    },

    async remove(documentId: string): Promise<SegmentRecord> {
      const segment = await findOrThrow(documentId);
      assertEditable(segment);
      await deleteSegment(segment);
      await changed(`segment "${segment.slug}" deleted`);
      return segment;
    },

    /**
     * Segments as code: config segments are created or overwritten (config wins, also over a
     * segment an editor made with the same slug); config segments no longer in the config go.
     */
    async syncFromConfig(): Promise<{ created: string[]; updated: string[]; removed: string[] }> {
      const declared = getPluginConfig(strapi).segments;
      const stored = await this.list();
      const result = { created: [] as string[], updated: [] as string[], removed: [] as string[] };
      for (const definition of declared) {
        const existing = stored.find((segment) => segment.slug === definition.slug);
        const data = { ...definition, description: definition.description ?? null, rules: definition.rules ?? null, source: 'config' };
        if (!existing) {
          await query().create({ data });
          result.created.push(definition.slug);
        } else if (
          existing.source !== 'config' ||
          JSON.stringify([existing.name, existing.description, existing.kind, existing.rules, existing.priority, existing.enabled]) !==
            JSON.stringify([data.name, data.description, data.kind, data.rules, data.priority, data.enabled])
        ) {
          await query().update({ where: { id: existing.id }, data });
          result.updated.push(definition.slug);
        }
      }
      for (const segment of stored) {
        if (segment.source === 'config' && !declared.some((definition) => definition.slug === segment.slug)) {
          await deleteSegment(segment);
          result.removed.push(segment.slug);
        }
      }
      if (result.created.length + result.updated.length + result.removed.length > 0) {
        await changed('segments synced from config');
      }
      return result;
    },
  };
};

export type SegmentsService = ReturnType<typeof segmentsService>;
export default segmentsService;
