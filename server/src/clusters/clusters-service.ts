import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { CORE_FIELDS } from '../store/profile-fields';
import type { StoredProfile } from '../store/profile-store';
import type { ClusterModel } from './cluster-model';
import { clusteringDue } from './clustering-due';
import { countLive, emptyLiveCounts, liveDrift, type FeatureDrift, type LiveDriftCounts } from './drift';
import { featureVector } from './feature-vector';
import { fitClustersInWorker } from './fit-in-worker';
import { assignCompiled, compileModel, type CompiledModel } from './nearest-centroid';
import { runClustering, type ClusteringProgress, type ProfilePageEntry } from './run-clustering';

export const CLUSTER_RUN_UID = 'plugin::personalization.cluster-run';
export const CLUSTERS_JOB = 'clusters';
const CHANGED_TOPIC = 'clusters-changed';
const LOCK_TTL_SEC = 300;
const STATUS_EVERY_MS = 500;
/** The scheduled check (Strapi cron): is a run due, by the clock or by drift? */
const CHECK_RULE = '*/10 * * * *';
/** Every how many clustered profiles one feeds the live drift counts (a cheap, steady sample). */
const LIVE_SAMPLE_EVERY = 4;

export interface ClusterRunRecord {
  id: number;
  documentId: string;
  status: 'running' | 'done' | 'skipped' | 'failed' | 'stopped';
  reason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  model: ClusterModel | null;
  report: ClusterRunReport | null;
}

export interface ClusterRunReport {
  /** PSI per feature against the previous run's sample (null on the first run). */
  drift?: FeatureDrift[] | null;
  disappeared?: string[];
  appeared?: string[];
  population?: number;
  assigned?: number;
  seconds?: number;
  skipped?: string;
  error?: string;
}

export interface ClustersJobStatus extends Partial<ClusteringProgress> {
  state: 'idle' | 'running' | 'done' | 'skipped' | 'failed' | 'stopped';
  reason?: string;
  instance?: string;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

const yieldToRequests = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Behavioral clusters: runs k-means over the stored profiles in the background (one instance at
 * a time, under the store's lock, with progress in the store), keeps each run in the database,
 * and gives ingest the current model to put new and changed profiles in their nearest cluster at
 * once. Runs when due: first run, `clusters.refreshHours` after the last, or when the live stream
 * drifted from the last run's sample (checked by a Strapi cron task), and on demand.
 */
const clustersService = ({ strapi }: { strapi: Core.Strapi }) => {
  const instance = randomUUID();
  const runs = () => strapi.db.query(CLUSTER_RUN_UID as never);
  const stores = () => pluginService(strapi, 'store');
  let current: { model: ClusterModel; compiled: CompiledModel; finishedAt: number; live: LiveDriftCounts } | null = null;
  let liveCounter = 0;
  let running: Promise<void> | undefined;
  let stopped = false;

  const latestDone = async () =>
    (await runs().findOne({ where: { status: 'done' }, orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }] })) as ClusterRunRecord | null;

  const reload = async () => {
    const run = await latestDone();
    if (!run?.model) {
      current = null;
      return;
    }
    if (current && current.model.fittedAt === run.model.fittedAt) return;
    current = {
      model: run.model,
      compiled: compileModel(run.model),
      finishedAt: Math.floor(Date.parse(run.finishedAt ?? '') / 1000) || run.model.fittedAt,
      live: emptyLiveCounts(run.model.reference),
    };
  };

  /** Every stored profile, page by page (SCAN), yielding to requests between pages. */
  async function* profilePages(): AsyncIterable<ProfilePageEntry[]> {
    const batchSize = getPluginConfig(strapi).segmentJobs.batchSize;
    let cursor = '0';
    do {
      const page = await stores().profiles().scanVisitors(cursor, batchSize);
      cursor = page.cursor;
      const profiles = await stores().profiles().readProfiles(page.visitorIds);
      const entries: ProfilePageEntry[] = [];
      profiles.forEach((profile, index) => {
        if (profile && Object.keys(profile.fields).length > 0) entries.push({ visitorId: page.visitorIds[index], profile });
      });
      yield entries;
      if (!(await stores().coordination().acquireLock(CLUSTERS_JOB, instance, LOCK_TTL_SEC))) throw new Error('lost the job lock');
      await yieldToRequests();
      if (stopped) throw new Error('stopped');
    } while (cursor !== '0');
  }

  const pass = async (reason: string) => {
    const coordination = stores().coordination();
    if (!(await coordination.acquireLock(CLUSTERS_JOB, instance, LOCK_TTL_SEC))) return;
    const config = getPluginConfig(strapi).clusters;
    const started = Date.now();
    const status: ClustersJobStatus = { state: 'running', reason, instance, startedAt: new Date(started).toISOString(), phase: 'sampling', scanned: 0, assigned: 0 };
    let lastWrite = 0;
    const report = async (force = false) => {
      if (force || Date.now() - lastWrite >= STATUS_EVERY_MS) {
        lastWrite = Date.now();
        await coordination.writeJobStatus(CLUSTERS_JOB, { ...status });
      }
    };
    const record = (await runs().create({ data: { status: 'running', reason: reason.slice(0, 200), startedAt: new Date(started) } })) as ClusterRunRecord;
    const finish = async (state: ClusterRunRecord['status'], data: { model?: ClusterModel; report: ClusterRunReport }) => {
      await runs().update({ where: { id: record.id }, data: { status: state, finishedAt: new Date(), ...data } });
      status.state = state;
      status.finishedAt = new Date().toISOString();
      await report(true);
    };
    try {
      await report(true);
      const previous = (await latestDone())?.model ?? null;
      const profiles = stores().profiles();
      const result = await runClustering({
        pages: profilePages,
        assign: async (batch) => {
          await Promise.all(batch.map(({ visitorId, clusterId }) => profiles.writeCluster(visitorId, clusterId)));
        },
        previous,
        now: Math.floor(started / 1000),
        sampleSize: config.sampleSize,
        // Seconds of CPU: off the event loop, so that requests keep being served meanwhile.
        fit: fitClustersInWorker,
        options: { kMin: config.kMin, kMax: config.kMax, affinityHalfLifeSec: getPluginConfig(strapi).affinity.halfLifeDays * 86_400 },
        onProgress: (progress) => {
          Object.assign(status, progress);
          void report().catch(() => {});
        },
      });
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      if (result.status === 'skipped') {
        await finish('skipped', { report: { skipped: result.reason, population: result.population, seconds } });
        return;
      }
      await finish('done', {
        model: result.model,
        report: { drift: result.drift, disappeared: result.disappeared, appeared: result.appeared, population: result.model.population, assigned: status.assigned, seconds },
      });
      await reload();
      await pluginService(strapi, 'changes').announce(CHANGED_TOPIC, '*');
      // Cluster segments hold whoever carries their cluster now: refresh their members.
      const clusterSegments = (await pluginService(strapi, 'segments').list()).filter((segment) => segment.kind === 'cluster');
      if (clusterSegments.length > 0) pluginService(strapi, 'reevaluation').start('clusters re-run');
    } catch (error) {
      const message = (error as Error).message;
      strapi.log.warn(`[personalization] clustering failed: ${message}`);
      status.error = message;
      await finish(message === 'stopped' ? 'stopped' : 'failed', { report: { error: message } }).catch(() => {});
    } finally {
      await coordination.releaseLock(CLUSTERS_JOB, instance).catch(() => {});
    }
  };

  const check = async () => {
    if (stopped || running) return;
    const config = getPluginConfig(strapi).clusters;
    const page = await stores().profiles().scanVisitors('0', 10);
    const due = clusteringDue({
      lastRunAt: current?.finishedAt ?? null,
      now: Math.floor(Date.now() / 1000),
      refreshHours: config.refreshHours,
      hasProfiles: page.visitorIds.length > 0,
      liveProfiles: current?.live.total ?? 0,
      liveDrift: current ? liveDrift(current.model.reference, current.live) : [],
      driftThreshold: config.driftThreshold,
    });
    if (due) service.start(due);
  };

  const service = {
    async bootstrap(): Promise<void> {
      if (!getPluginConfig(strapi).clusters.enabled) return;
      await reload();
      await pluginService(strapi, 'changes').watch(CHANGED_TOPIC, () => void reload().catch(() => {}));
      strapi.cron.add({
        personalizationClusters: { task: () => check().catch((error) => strapi.log.warn(`[personalization] clustering check failed: ${error}`)), options: { rule: CHECK_RULE } },
      });
    },

    /** Starts a run unless one is under way here; never waits for it. */
    start(reason: string): boolean {
      if (stopped || running || !getPluginConfig(strapi).clusters.enabled) return false;
      running = pass(reason)
        .catch((error) => {
          strapi.log.warn(`[personalization] clustering failed: ${error}`);
        })
        .finally(() => {
          running = undefined;
        });
      return true;
    },

    /** Resolves when the run under way (if any) is over: for tests and shutdown. */
    async idle(): Promise<void> {
      while (running) await running;
    },

    /** The scheduled check, callable directly (tests, the admin). */
    check,

    /**
     * The nearest cluster of a profile under the current model (ingest calls it for every stored
     * batch: a few microseconds), feeding the live drift counts; null before the first run.
     */
    assign(profile: StoredProfile, now: number): string | null {
      if (!current) return null;
      if (++liveCounter % LIVE_SAMPLE_EVERY === 0) {
        countLive(current.live, current.model.reference, featureVector(profile, now, current.model.topics, current.model.affinityHalfLifeSec));
      }
      return assignCompiled(current.compiled, profile, now).id;
    },

    /**
     * Ingest: keep the stored cluster current (written only when it changed). A failed write fails
     * nothing: the batch is stored, and the visitor's next batch writes the cluster again.
     */
    async updateStored(visitorId: string, profile: StoredProfile, now: number): Promise<void> {
      const cluster = this.assign(profile, now);
      if (!cluster || profile.fields[CORE_FIELDS.cluster] === cluster) return;
      profile.fields[CORE_FIELDS.cluster] = cluster;
      await stores()
        .profiles()
        .writeCluster(visitorId, cluster)
        .catch(() => false);
    },

    hasModel: () => current !== null,

    async status(): Promise<ClustersJobStatus> {
      const stored = (await stores().coordination().readJobStatus(CLUSTERS_JOB)) as ClustersJobStatus | null;
      return stored ?? { state: 'idle' };
    },

    /** The current model, the live drift since it, and the latest runs (newest first). */
    async overview() {
      const [latest, history, status] = await Promise.all([
        latestDone(),
        runs().findMany({ orderBy: [{ id: 'desc' }], limit: 10, select: ['documentId', 'status', 'reason', 'startedAt', 'finishedAt', 'report'] }),
        this.status(),
      ]);
      return {
        status,
        current: latest,
        live: current ? { profiles: current.live.total * LIVE_SAMPLE_EVERY, drift: liveDrift(current.model.reference, current.live) } : null,
        runs: history as Pick<ClusterRunRecord, 'documentId' | 'status' | 'reason' | 'startedAt' | 'finishedAt' | 'report'>[],
      };
    },

    async stop(): Promise<void> {
      stopped = true;
      await this.idle();
    },
  };
  return service;
};

export type ClustersService = ReturnType<typeof clustersService>;
export default clustersService;
