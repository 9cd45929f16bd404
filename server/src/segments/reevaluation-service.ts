import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { SharedPass } from '../coordination/store/shared-pass';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { utcDay } from '../store/keys';
import type { VisitorScanPartition } from '../store/profile-store';
import { engagementScore } from './engagement/engagement-score';
import { addScore, histogramCuts, type ScoreHistogram } from './engagement/percentiles';
import { membershipChange } from './membership';
import { evaluationScope, needsEvaluation, type ReevaluationPlan } from './reevaluation-plan';

export const REEVALUATION_JOB = 'reevaluation';
/** A partition whose instance stops renewing its claim (it died) is taken over after this long. */
const CLAIM_TTL_MS = 120_000;
/** A partition holds about this many batches' worth of keys: few keys are read twice at its edges. */
const BATCHES_PER_SLICE = 64;
/** A failed store call is retried (a command timeout under load is not a reason to give a partition up). */
const ATTEMPTS = 4;
const RETRY_DELAY_MS = 250;

export interface ReevaluationStatus {
  /**
   * `running`: an instance is working on a partition; `stopped`: no instance is (they shut down
   * or gave up on an error): the next start, on any instance, picks up the partitions left.
   */
  state: 'idle' | 'running' | 'stopped' | 'done';
  reason?: string;
  scope?: ReevaluationPlan['scope'];
  startedAt?: string;
  finishedAt?: string;
  /** Stored profiles looked at so far (a few twice at partition edges), read and evaluated, and changed. */
  scanned: number;
  evaluated?: number;
  changed: number;
  segments?: number;
  partitions?: number;
  partitionsDone?: number;
  /** Instances that finished partitions of the pass. */
  instances?: number;
  error?: string;
}

interface PassRequest {
  reason: string;
  scope: ReevaluationPlan['scope'];
  unlessDone: boolean;
}

const yieldToRequests = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a store call again after a failure, a few times, before giving up. */
const withRetries = async <T>(call: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      await sleep(RETRY_DELAY_MS * 2 ** (attempt - 1));
    }
  }
};

/** Histogram buckets as pass totals and maxima (`h<bucket>`), and back. */
const histogramFields = (histogram: ScoreHistogram) => ({
  totals: Object.fromEntries([...histogram].map(([bucket, { count }]) => [`h${bucket}`, count])),
  maxima: Object.fromEntries([...histogram].map(([bucket, { max }]) => [`h${bucket}`, max])),
});
const histogramOfPass = (pass: SharedPass): ScoreHistogram =>
  new Map(
    Object.entries(pass.totals)
      .filter(([name]) => name.startsWith('h'))
      .map(([name, count]) => [Number(name.slice(1)), { count, max: pass.maxima[name] }])
  );

/**
 * Re-evaluates stored profiles in the background: every profile after a segment changes; on a
 * schedule, only profiles that time alone may have moved (see `reevaluation-plan.ts`). A pass is
 * shared by every instance: its partitions (slices of each Redis node's SCAN) are claimed one at a
 * time, and the instance that claims the finishing step prunes the members not confirmed, records
 * the sizes and the engagement cuts. Batches yield to requests in between.
 */
const reevaluationService = ({ strapi }: { strapi: Core.Strapi }) => {
  const instance = randomUUID();
  let running: Promise<void> | undefined;
  let again: PassRequest | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const coordinationStore = () => pluginService(strapi, 'store').coordination();
  const profileStore = () => pluginService(strapi, 'store').profiles();
  const membershipStore = () => pluginService(strapi, 'store').membership();
  const segmentsService = () => pluginService(strapi, 'segments');

  /**
   * Begins a pass, or joins the one running if it covers what this one would (the same rules, and
   * all profiles if all are asked for). With `unlessDone`, null when a pass over all profiles with
   * these rules already completed (another instance's change that this one heard of late).
   */
  const beginOrJoin = async (reason: string, scope: ReevaluationPlan['scope'], unlessDone: boolean): Promise<SharedPass | null> => {
    const rulesVersion = segmentsService().rulesVersion();
    const current = await coordinationStore().readPass(REEVALUATION_JOB);
    if (current?.state === 'running' && current.version.startsWith(`${rulesVersion}:`) && (scope === 'time' || current.version.endsWith(':all'))) {
      // Joined as it is; were it to end meanwhile, the same plan runs again as a new pass.
      return coordinationStore().beginPass(REEVALUATION_JOB, { id: randomUUID(), version: current.version, partitions: current.partitions, startedAt: Date.now(), plan: current.plan });
    }
    if (unlessDone && current?.state === 'done' && current.version === `${rulesVersion}:all`) return null;
    const { batchSize } = getPluginConfig(strapi).segmentJobs;
    const last = current?.lastCompleted?.version.startsWith(`${rulesVersion}:`) ? current.lastCompleted.startedAt / 1000 : undefined;
    const compiled = segmentsService().compiled();
    const plan: ReevaluationPlan = {
      reason,
      scope,
      evaluate: evaluationScope(scope, compiled.map((segment) => segment.lookbackSec), last),
      partitions: await profileStore().visitorScanPartitions(batchSize * BATCHES_PER_SLICE),
      segments: compiled.length,
    };
    const partitions = plan.partitions.length;
    return coordinationStore().beginPass(REEVALUATION_JOB, { id: randomUUID(), version: `${rulesVersion}:${scope}`, partitions, startedAt: Date.now(), plan: JSON.stringify(plan) });
  };

  /** One batch of a partition: evaluates the profiles the plan asks for, confirms the stored membership of the others. */
  const processBatch = async (visitorIds: string[], plan: ReevaluationPlan, confirmAt: number, histogram: ScoreHistogram) => {
    const config = getPluginConfig(strapi);
    const lastSeen = plan.evaluate === 'all' ? visitorIds.map(() => null) : await profileStore().lastSeenOf(visitorIds);
    const toEvaluate = visitorIds.filter((_, index) => needsEvaluation(plan.evaluate, lastSeen[index]));
    const toConfirm = plan.evaluate === 'all' ? [] : visitorIds.filter((_, index) => lastSeen[index] !== null && !needsEvaluation(plan.evaluate, lastSeen[index]));
    const profiles = await profileStore().readProfiles(toEvaluate);
    const storedSegments = await Promise.all(toConfirm.map((visitorId) => membershipStore().readSegments(visitorId)));
    const now = Math.floor(Date.now() / 1000);
    const enabled = new Set(segmentsService().compiled().map((segment) => segment.slug));
    const members = new Map<string, string[]>();
    const addMember = (slug: string, visitorId: string) => {
      if (!enabled.has(slug)) return;
      const list = members.get(slug);
      if (list) list.push(visitorId);
      else members.set(slug, [visitorId]);
    };
    toConfirm.forEach((visitorId, index) => storedSegments[index].forEach((slug) => addMember(slug, visitorId)));
    const writes: Promise<boolean>[] = [];
    let evaluated = 0;
    profiles.forEach((profile, index) => {
      if (!profile || Object.keys(profile.fields).length === 0) return;
      const visitorId = toEvaluate[index];
      evaluated += 1;
      addScore(histogram, engagementScore(profile));
      const segments = segmentsService().evaluate(profile, now);
      for (const slug of segments) addMember(slug, visitorId);
      const change = membershipChange(profile.segments, segments);
      if (change) {
        // Segment triggers act on changes found here too (outbound only: nobody is on a page to show it to).
        writes.push(
          membershipStore()
            .updateMembership(visitorId, change, now, config.retentionDays * 86_400)
            .then(async (written) => {
              if (written) await pluginService(strapi, 'triggers').afterMembershipChange(visitorId, change, now);
              return written;
            })
        );
      }
    });
    const changed = (await Promise.all(writes)).filter(Boolean).length;
    await Promise.all([...members].map(([slug, ids]) => membershipStore().confirmMembers(slug, ids, confirmAt)));
    return { evaluated, changed };
  };

  /** Walks one claimed partition; resolves to whether it was finished (false: stopped, or the claim was lost). */
  const runPartition = async (pass: SharedPass, plan: ReevaluationPlan, index: number, partition: VisitorScanPartition): Promise<boolean> => {
    const { batchSize } = getPluginConfig(strapi).segmentJobs;
    const confirmAt = Math.floor(pass.startedAt / 1000);
    const histogram: ScoreHistogram = new Map();
    const totals = { scanned: 0, evaluated: 0, changed: 0 };
    let cursor: string | undefined;
    for (;;) {
      if (stopped || rulesChanged(pass)) return false;
      const page = await withRetries(() => profileStore().scanVisitorPartition(partition, cursor, batchSize));
      // A batch done again after a failure changes nothing twice: membership writes check what they replace.
      const { evaluated, changed } = await withRetries(() => processBatch(page.visitorIds, plan, confirmAt, histogram));
      totals.scanned += page.visitorIds.length;
      totals.evaluated += evaluated;
      totals.changed += changed;
      cursor = page.cursor;
      if (page.done) break;
      const renewed = await withRetries(() => coordinationStore().renewPartition(REEVALUATION_JOB, pass.id, index, instance, CLAIM_TTL_MS, totals.scanned));
      if (!renewed) return false;
      await yieldToRequests();
    }
    const { totals: counts, maxima } = histogramFields(histogram);
    return withRetries(() => coordinationStore().finishPartition(REEVALUATION_JOB, pass.id, index, instance, { ...totals, ...counts }, maxima));
  };

  /** The finishing step: what needs the whole pass. Members not confirmed during the pass left (or their profiles expired). */
  const finish = async (pass: SharedPass, plan: ReevaluationPlan) => {
    const slugs = segmentsService().compiled().map((segment) => segment.slug);
    const startedSec = Math.floor(pass.startedAt / 1000);
    await withRetries(() => Promise.all(slugs.map((slug) => membershipStore().pruneSegmentMembers(slug, startedSec))));
    await withRetries(async () => membershipStore().recordSegmentSizes(utcDay(Date.now() / 1000), await membershipStore().segmentSizes(slugs)));
    // Cuts need every profile's score: only a pass that evaluated every profile has them.
    if (plan.evaluate === 'all') {
      const whole = (await coordinationStore().readPass(REEVALUATION_JOB))!;
      await withRetries(() => membershipStore().writeEngagementCuts(histogramCuts(histogramOfPass(whole))));
      await segmentsService().reloadEngagement();
    }
    await coordinationStore().completePass(REEVALUATION_JOB, pass.id, instance, Date.now());
  };

  /**
   * Segments changed since the pass began (this instance reloaded them): its partitions stop at
   * the next batch, and a pass of the new rules replaces it (it covers every profile again).
   */
  const rulesChanged = (pass: SharedPass): boolean => {
    if (pass.version.startsWith(`${segmentsService().rulesVersion()}:`)) return false;
    again = { reason: 'segments changed during a pass', scope: 'all', unlessDone: true };
    return true;
  };

  const pass = async ({ reason, scope, unlessDone }: PassRequest) => {
    await segmentsService().reload();
    const shared = await beginOrJoin(reason, scope, unlessDone);
    if (!shared) return;
    const plan = JSON.parse(shared.plan) as ReevaluationPlan;
    let claimed: number | null;
    while (!stopped && !rulesChanged(shared) && (claimed = await coordinationStore().claimPartition(REEVALUATION_JOB, shared.id, instance, CLAIM_TTL_MS)) !== null) {
      const index = claimed;
      try {
        if (index === shared.partitions) await finish(shared, plan);
        else if (!(await runPartition(shared, plan, index, plan.partitions[index]))) {
          await coordinationStore().releasePartition(REEVALUATION_JOB, shared.id, index, instance);
        }
      } catch (error) {
        // Given back for another instance (or the next pass) to take; this instance leaves the pass.
        const message = (error as Error).message;
        strapi.log.warn(`[personalization] segment re-evaluation: partition ${index} given back after: ${message}`);
        await coordinationStore().releasePartition(REEVALUATION_JOB, shared.id, index, instance, message).catch(() => {});
        return;
      }
    }
  };

  const run = async (request: PassRequest) => {
    let next: PassRequest | undefined = request;
    while (next && !stopped) {
      again = undefined;
      await pass(next);
      next = again;
    }
  };

  const start = (request: PassRequest) => {
    if (stopped) return;
    if (running) {
      // One pass more at most, over all profiles if any request asked for all.
      if (!request.unlessDone && again?.scope !== 'all') again = request;
      return;
    }
    running = run(request)
      .catch((error) => {
        strapi.log.warn(`[personalization] segment re-evaluation failed: ${error}`);
      })
      .finally(() => {
        running = undefined;
      });
  };

  return {
    /**
     * Starts (or joins) a pass, or asks the running one to be followed by another. Never waits for
     * it. `time`: only what time alone can have changed (the scheduled refresh).
     */
    start(reason: string, scope: ReevaluationPlan['scope'] = 'all'): void {
      start({ reason, scope, unlessDone: false });
    },

    /**
     * Another instance changed the segments: joins its pass, or begins one if it has not yet;
     * nothing when a pass of these rules over all profiles already completed.
     */
    join(reason: string): void {
      start({ reason, scope: 'all', unlessDone: true });
    },

    /** Resolves when this instance's work on passes (if any) is over: for tests and shutdown. */
    async idle(): Promise<void> {
      while (running) await running;
    },

    /** The pass under way or the last one, summed over its partitions. */
    async status(): Promise<ReevaluationStatus> {
      const shared = await coordinationStore().readPass(REEVALUATION_JOB);
      if (!shared) return { state: 'idle', scanned: 0, changed: 0 };
      const plan = JSON.parse(shared.plan) as ReevaluationPlan;
      return {
        state: shared.state === 'done' ? 'done' : shared.claimed > 0 ? 'running' : 'stopped',
        reason: plan.reason,
        scope: plan.scope,
        startedAt: new Date(shared.startedAt).toISOString(),
        ...(shared.finishedAt ? { finishedAt: new Date(shared.finishedAt).toISOString() } : {}),
        scanned: (shared.totals.scanned ?? 0) + shared.progress,
        evaluated: shared.totals.evaluated ?? 0,
        changed: shared.totals.changed ?? 0,
        segments: plan.segments,
        partitions: shared.partitions,
        partitionsDone: shared.partitionsDone,
        instances: Object.keys(shared.finishedBy).length,
        ...(shared.error ? { error: shared.error } : {}),
      };
    },

    /**
     * The periodic refresh, at the same wall-clock times on every instance (multiples of the
     * period), so that they share one pass; the first one soon after boot when the last is older
     * than the period (or was left unfinished).
     */
    schedule(): void {
      const periodMs = getPluginConfig(strapi).segmentJobs.refreshMinutes * 60_000;
      const refresh = async () => {
        const last = await this.status();
        // An instance whose clock is late finds the pass of the others done: it does not run another.
        if (last.state === 'done' && Date.now() - Date.parse(last.startedAt!) < periodMs / 2) return;
        this.start('scheduled refresh', 'time');
      };
      const next = () => {
        timer = setTimeout(() => {
          void refresh().catch(() => {});
          next();
        }, periodMs - (Date.now() % periodMs));
        timer.unref();
      };
      next();
      void this.status()
        .then((last) => {
          if (last.state === 'stopped') this.start('resuming an unfinished pass', 'time');
          else if (Date.now() - (last.finishedAt ? Date.parse(last.finishedAt) : 0) > periodMs) this.start('startup refresh', 'time');
        })
        .catch(() => {});
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await this.idle();
    },
  };
};

export type ReevaluationService = ReturnType<typeof reevaluationService>;
export default reevaluationService;
