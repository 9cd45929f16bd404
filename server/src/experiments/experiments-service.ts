import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getPluginConfig } from '../config/get-plugin-config';
import { forbidden } from '../shared/http-errors';
import { pluginService } from '../shared/plugin-services';
import { dateOfDay } from '../shared/utc-date';
import { validationError } from '../shared/validation';
import { HOLDOUT, type ArmWeight } from './bucketing';
import { CONTROL, type ExperimentCreate, type ExperimentStop, type ExperimentUpdate, type Goal } from './experiment-input';
import { keyedGoals, meetsGoal, type GoalEvent } from './goals';
import { experimentResults, type ArmCounts } from './results';
import type { RunningExperiment } from './serve-decision';
import { parseExperimentCounter } from './store/experiment-store';

export const EXPERIMENT_UID = 'plugin::personalization.experiment';
const CHANGED_CHANNEL = 'experiments-changed';

export interface ExperimentRecord {
  id: number;
  documentId: string;
  name: string;
  key: string;
  description: string | null;
  targetKind: 'entry' | 'segment' | 'recommendations';
  contentType: string | null;
  entryDocumentId: string | null;
  locale: string | null;
  targetSegment: string | null;
  audience: string | null;
  arms: ArmWeight[];
  holdoutPercent: number | string;
  goals: { primary: Goal; secondary: Goal[] };
  status: 'draft' | 'running' | 'paused' | 'stopped';
  startedAt: string | null;
  stoppedAt: string | null;
  winner: string | null;
  promotion: unknown;
}

export const entryTarget = (uid: string, documentId: string, locale: string | null | undefined) => `${uid}|${documentId}|${locale ?? ''}`;

const toRunning = (record: ExperimentRecord): RunningExperiment => ({
  id: record.documentId,
  key: record.key,
  targetKind: record.targetKind,
  ...(record.targetKind === 'entry' ? { entry: entryTarget(record.contentType!, record.entryDocumentId!, record.locale), uid: record.contentType! } : {}),
  ...(record.targetKind === 'segment' ? { targetSegment: record.targetSegment! } : {}),
  ...(record.targetKind === 'recommendations' ? { uid: record.contentType! } : {}),
  audience: record.audience,
  arms: record.arms,
  holdoutPercent: Number(record.holdoutPercent ?? 0),
  goals: keyedGoals(record.goals),
});

/**
 * Experiments: stored in Strapi's database; the running ones kept in process for resolution and
 * ingest (reloaded on any change, here or on another instance). Exposure and conversion counters
 * live in the store; results are computed from them on demand.
 */
const experimentsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(EXPERIMENT_UID as never);
  const experimentStore = () => pluginService(strapi, 'store').experiments();
  let running: {
    all: RunningExperiment[];
    byEntry: Map<string, RunningExperiment>;
    bySegment: Map<string, RunningExperiment>;
    /** Experiments on recommendation strategies, by content type. */
    byRecommendations: Map<string, RunningExperiment>;
  } = { all: [], byEntry: new Map(), bySegment: new Map(), byRecommendations: new Map() };

  const reload = async () => {
    const records = (await query().findMany({ where: { status: 'running' } })) as ExperimentRecord[];
    const all = records.map(toRunning);
    running = {
      all,
      byEntry: new Map(all.filter((experiment) => experiment.entry).map((experiment) => [experiment.entry!, experiment])),
      bySegment: new Map(all.filter((experiment) => experiment.targetSegment).map((experiment) => [experiment.targetSegment!, experiment])),
      byRecommendations: new Map(all.filter((experiment) => experiment.targetKind === 'recommendations').map((experiment) => [experiment.uid!, experiment])),
    };
  };

  const changed = async () => {
    await reload();
    await pluginService(strapi, 'changes').announce(CHANGED_CHANNEL, '*');
  };

  const findOrThrow = async (documentId: string) => {
    const experiment = (await query().findOne({ where: { documentId } })) as ExperimentRecord | null;
    if (!experiment) throw new errors.NotFoundError('no experiment with this id');
    return experiment;
  };

  const assertSegment = async (slug: string | null | undefined, path: string[]) => {
    if (slug && !(await pluginService(strapi, 'segments').findBySlug(slug))) {
      throw validationError([{ path, message: `unknown segment "${slug}"` }]);
    }
  };

  /** An entry experiment needs, before it starts, a variant for each arm but control. */
  const armVariantsMissing = async (experiment: ExperimentRecord) => {
    if (experiment.targetKind !== 'entry') return [];
    const variants = await pluginService(strapi, 'variants').list({ contentType: experiment.contentType!, documentId: experiment.entryDocumentId! });
    return experiment.arms
      .filter((arm) => arm.key !== CONTROL)
      .filter((arm) => !variants.some((variant) => variant.experiment === experiment.key && variant.arm === arm.key && variant.enabled))
      .map((arm) => arm.key);
  };

  return {
    async start() {
      await reload();
      await pluginService(strapi, 'changes').watch(CHANGED_CHANNEL, () => void reload().catch(() => {}));
    },

    /** Running experiments, for resolution. */
    running: () => running,

    async list(): Promise<ExperimentRecord[]> {
      return (await query().findMany({ orderBy: [{ createdAt: 'desc' }] })) as ExperimentRecord[];
    },

    find: findOrThrow,

    async findByKey(key: string): Promise<ExperimentRecord | null> {
      return (await query().findOne({ where: { key } })) as ExperimentRecord | null;
    },

    async create(input: ExperimentCreate): Promise<ExperimentRecord> {
      if (await this.findByKey(input.key)) throw validationError([{ path: ['key'], message: `"${input.key}" is already used by another experiment` }]);
      await assertSegment(input.audience, ['audience']);
      let target: Record<string, unknown>;
      if ('segment' in input.target) {
        await assertSegment(input.target.segment, ['target', 'segment']);
        target = { targetKind: 'segment', targetSegment: input.target.segment };
      } else if ('recommendations' in input.target) {
        const uid = pluginService(strapi, 'contentTypes').resolveUid(input.target.recommendations);
        if (!uid || strapi.contentType(uid as never)?.kind !== 'collectionType') {
          throw validationError([{ path: ['target', 'recommendations'], message: `"${input.target.recommendations}" is not a personalized collection type` }]);
        }
        target = { targetKind: 'recommendations', contentType: uid };
      } else {
        const { contentType, documentId, locale } = input.target;
        if (!pluginService(strapi, 'contentTypes').isEnabled(contentType)) {
          throw validationError([{ path: ['target', 'contentType'], message: `"${contentType}" is not a personalization-enabled content type` }]);
        }
        const { localized } = pluginService(strapi, 'variants').shapeOf(contentType);
        if (localized !== Boolean(locale)) {
          throw validationError([{ path: ['target', 'locale'], message: localized ? 'this content type is localized: give the locale' : 'this content type is not localized: leave the locale out' }]);
        }
        const entry = await strapi.db.query(contentType as never).findOne({ where: { documentId, ...(locale ? { locale } : {}) }, select: ['id'] });
        if (!entry) throw validationError([{ path: ['target', 'documentId'], message: `no ${contentType} entry ${documentId}` }]);
        target = { targetKind: 'entry', contentType, entryDocumentId: documentId, locale: locale ?? null };
      }
      const created = (await query().create({
        data: {
          name: input.name,
          key: input.key,
          description: input.description ?? null,
          ...target,
          audience: input.audience ?? null,
          arms: input.arms,
          holdoutPercent: input.holdoutPercent,
          goals: input.goals,
          status: 'draft',
        },
      })) as ExperimentRecord;
      return created;
    },

    async update(documentId: string, input: ExperimentUpdate): Promise<ExperimentRecord> {
      const experiment = await findOrThrow(documentId);
      if (experiment.status === 'stopped') throw forbidden('a stopped experiment cannot change');
      if (experiment.status !== 'draft') {
        const allowed = ['name', 'description', 'arms'];
        const refused = Object.keys(input).filter((field) => !allowed.includes(field));
        if (refused.length > 0) throw forbidden(`while the experiment runs only its name, description and arm weights change; not ${refused.join(', ')}`);
        const keys = (arms: ArmWeight[]) => arms.map((arm) => arm.key).sort().join(',');
        if (input.arms && keys(input.arms) !== keys(experiment.arms)) throw forbidden('while the experiment runs its arms stay the same; only their weights change');
      }
      await assertSegment(input.audience, ['audience']);
      const updated = (await query().update({ where: { id: experiment.id }, data: input })) as ExperimentRecord;
      if (updated.status === 'running') await changed();
      return updated;
    },

    async remove(documentId: string): Promise<ExperimentRecord> {
      const experiment = await findOrThrow(documentId);
      if (experiment.status === 'running') throw forbidden('stop the experiment before deleting it');
      await query().delete({ where: { id: experiment.id } });
      await experimentStore().deleteExperimentData(experiment.documentId).catch(() => {});
      await pluginService(strapi, 'history').forgetExperiment(experiment.documentId);
      await changed();
      return experiment;
    },

    async transition(documentId: string, to: 'running' | 'paused'): Promise<ExperimentRecord> {
      const experiment = await findOrThrow(documentId);
      const from = experiment.status;
      if (to === 'running' && from !== 'draft' && from !== 'paused') throw forbidden(`a ${from} experiment cannot start`);
      if (to === 'paused' && from !== 'running') throw forbidden(`a ${from} experiment cannot pause`);
      if (to === 'running') {
        const missing = await armVariantsMissing(experiment);
        if (missing.length > 0) {
          throw validationError([{ path: ['arms'], message: `arms without an enabled variant: ${missing.join(', ')} (create variants with experiment "${experiment.key}" and these arms)` }]);
        }
        const candidate = toRunning(experiment);
        const clash = running.all.find(
          (other) =>
            other.key !== experiment.key &&
            ((other.entry && other.entry === candidate.entry) || (other.targetKind === 'recommendations' && candidate.targetKind === 'recommendations' && other.uid === candidate.uid))
        );
        if (clash) throw forbidden(`experiment "${clash.key}" already runs on this ${candidate.entry ? 'entry' : "content type's recommendations"}`);
      }
      const updated = (await query().update({
        where: { id: experiment.id },
        data: { status: to, ...(to === 'running' && !experiment.startedAt ? { startedAt: new Date() } : {}) },
      })) as ExperimentRecord;
      await changed();
      return updated;
    },

    /** Stops for good; a winner can be promoted to a normal segment variant, or into the base entry. */
    async stopExperiment(documentId: string, input: ExperimentStop): Promise<ExperimentRecord> {
      const experiment = await findOrThrow(documentId);
      if (experiment.status === 'stopped') throw forbidden('the experiment is already stopped');
      if (input.winner && !experiment.arms.some((arm) => arm.key === input.winner)) {
        throw validationError([{ path: ['winner'], message: `no arm "${input.winner}"` }]);
      }
      let promotion: Record<string, unknown> | null = null;
      if (input.promote) {
        if (!input.winner || input.winner === CONTROL) throw validationError([{ path: ['promote'], message: 'promote a winner other than control' }]);
        if (experiment.targetKind !== 'entry') throw validationError([{ path: ['promote'], message: 'only the winner of an entry experiment can be promoted' }]);
        const variants = pluginService(strapi, 'variants');
        const [variant] = (await variants.list({ contentType: experiment.contentType!, documentId: experiment.entryDocumentId! })).filter(
          (candidate) => candidate.experiment === experiment.key && candidate.arm === input.winner
        );
        if (!variant) throw validationError([{ path: ['winner'], message: `arm "${input.winner}" has no variant to promote` }]);
        if (input.promote.to === 'segment') {
          await assertSegment(input.promote.segment, ['promote', 'segment']);
          await variants.promoteToSegment(variant.documentId, input.promote.segment);
          promotion = { to: 'segment', segment: input.promote.segment, variant: variant.documentId };
        } else {
          await variants.promoteToBase(variant.documentId);
          promotion = { to: 'base', variant: variant.documentId };
        }
      }
      const updated = (await query().update({
        where: { id: experiment.id },
        data: { status: 'stopped', stoppedAt: new Date(), winner: input.winner ?? null, promotion },
      })) as ExperimentRecord;
      await changed();
      return updated;
    },

    /** Statistics per arm and goal, the sample-ratio check, and a daily series. */
    async results(documentId: string) {
      const experiment = await findOrThrow(documentId);
      // Days rolled up into the history tables, plus Redis's: intact after a Redis flush.
      const { totals, daily } = await pluginService(strapi, 'history').experimentCounters(experiment.documentId);
      const goals = keyedGoals(experiment.goals).map((goal) => goal.key);
      const arms: ArmCounts[] = experiment.arms.map((arm) => ({
        key: arm.key,
        weight: arm.weight,
        visitors: totals[`v|${arm.key}`] ?? 0,
        conversions: Object.fromEntries(goals.map((goal) => [goal, { visitors: totals[`cv|${goal}|${arm.key}`] ?? 0, total: totals[`ct|${goal}|${arm.key}`] ?? 0 }])),
      }));
      const days = new Map<number, Record<string, { visitors: number; conversions: Record<string, number> }>>();
      for (const [name, count] of Object.entries(daily)) {
        const bar = name.indexOf('|');
        const counter = parseExperimentCounter(name.slice(bar + 1));
        if (!counter || counter.metric === 'conversions') continue;
        const day = Number(name.slice(0, bar));
        const byArm = days.get(day) ?? {};
        const arm = (byArm[counter.arm] ??= { visitors: 0, conversions: {} });
        if (counter.goal === null) arm.visitors += count;
        else arm.conversions[counter.goal] = (arm.conversions[counter.goal] ?? 0) + count;
        days.set(day, byArm);
      }
      return {
        experiment: { key: experiment.key, status: experiment.status, startedAt: experiment.startedAt, stoppedAt: experiment.stoppedAt, winner: experiment.winner },
        goals: keyedGoals(experiment.goals),
        holdout: totals[`v|${HOLDOUT}`] ?? 0,
        ...experimentResults(arms, goals, CONTROL),
        daily: [...days.entries()]
          .sort(([a], [b]) => a - b)
          .map(([day, byArm]) => ({ date: dateOfDay(day), arms: byArm })),
      };
    },

    /**
     * Ingest: conversions of the goals of running experiments, for a visitor who was exposed
     * before the event. One extra store read, only for batches that contain a goal event.
     */
    async recordConversions(visitorId: string, events: (GoalEvent & { ts: number })[]): Promise<number> {
      const matches = running.all.flatMap((experiment) =>
        experiment.goals.flatMap(({ key, goal }) =>
          events.filter((event) => meetsGoal(goal, event)).map((event) => ({ experiment: experiment.id, goal: key, ts: event.ts }))
        )
      );
      if (matches.length === 0) return 0;
      const assignments = await experimentStore().readAssignments(visitorId);
      const retentionSec = getPluginConfig(strapi).retentionDays * 86_400;
      let counted = 0;
      for (const match of matches) {
        const assignment = assignments[match.experiment];
        if (!assignment || assignment.arm === HOLDOUT || match.ts < assignment.at) continue;
        await experimentStore().recordConversion(visitorId, match.experiment, assignment.arm, match.goal, match.ts, retentionSec);
        counted += 1;
      }
      return counted;
    },
  };
};

export type ExperimentsService = ReturnType<typeof experimentsService>;
export default experimentsService;
