import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { utcDay } from '../store/keys';
import { engagementScore } from './engagement/engagement-score';
import { percentileCuts } from './engagement/percentiles';
import { membershipChange } from './membership';

export const REEVALUATION_JOB = 'reevaluation';
const LOCK_TTL_SEC = 120;
const STATUS_EVERY_MS = 500;

export interface ReevaluationStatus {
  /** `stopped`: the instance shut down mid-pass; nothing was pruned, the next pass starts over. */
  state: 'idle' | 'running' | 'done' | 'stopped' | 'failed';
  reason?: string;
  instance?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Stored profiles looked at so far, and how many changed membership. */
  scanned: number;
  changed: number;
  segments?: number;
  error?: string;
}

const yieldToRequests = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Re-evaluates every stored profile in the background: after a segment changes, and on a
 * schedule for rules that depend on time (windows, days since) and for the engagement percentiles.
 * Walks Redis with SCAN in batches, yielding to requests between batches; one instance at a time
 * (a lock in the store); progress is kept in the store so any instance's admin API can show it.
 */
const reevaluationService = ({ strapi }: { strapi: Core.Strapi }) => {
  const instance = randomUUID();
  let running: Promise<void> | undefined;
  let again: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const coordinationStore = () => pluginService(strapi, 'store').coordination();
  const profileStore = () => pluginService(strapi, 'store').profiles();
  const membershipStore = () => pluginService(strapi, 'store').membership();

  const pass = async (reason: string) => {
    const config = getPluginConfig(strapi);
    if (!(await coordinationStore().acquireLock(REEVALUATION_JOB, instance, LOCK_TTL_SEC))) {
      // Another instance is on it; it heard about the change too (pub/sub) and will run again.
      return;
    }
    const segmentsService = pluginService(strapi, 'segments');
    await segmentsService.reload();
    const started = Date.now();
    const startedSec = Math.floor(started / 1000);
    const status: ReevaluationStatus = {
      state: 'running',
      reason,
      instance,
      startedAt: new Date(started).toISOString(),
      scanned: 0,
      changed: 0,
      segments: segmentsService.compiled().length,
    };
    let lastWrite = 0;
    const report = async (force = false) => {
      if (force || Date.now() - lastWrite >= STATUS_EVERY_MS) {
        lastWrite = Date.now();
        await coordinationStore().writeJobStatus(REEVALUATION_JOB, { ...status });
      }
    };
    try {
      await report(true);
      const scores: number[] = [];
      const retentionSec = config.retentionDays * 86_400;
      let cursor = '0';
      do {
        const page = await profileStore().scanVisitors(cursor, config.segmentJobs.batchSize);
        cursor = page.cursor;
        const profiles = await profileStore().readProfiles(page.visitorIds);
        const now = Math.floor(Date.now() / 1000);
        const members = new Map<string, string[]>();
        const writes: Promise<boolean>[] = [];
        profiles.forEach((profile, index) => {
          if (!profile || Object.keys(profile.fields).length === 0) return;
          const visitorId = page.visitorIds[index];
          scores.push(engagementScore(profile));
          const segments = segmentsService.evaluate(profile, now);
          for (const slug of segments) {
            const list = members.get(slug);
            if (list) list.push(visitorId);
            else members.set(slug, [visitorId]);
          }
          const change = membershipChange(profile.segments, segments);
          if (change) {
            status.changed += 1;
            // Segment triggers act on changes found here too (outbound only: nobody is on a page to show it to).
            writes.push(
              membershipStore()
                .updateMembership(visitorId, change, now, retentionSec)
                .then(async (written) => {
                  if (written) await pluginService(strapi, 'triggers').afterMembershipChange(visitorId, change, now);
                  return written;
                })
            );
          }
        });
        await Promise.all(writes);
        await Promise.all([...members].map(([slug, visitorIds]) => membershipStore().confirmMembers(slug, visitorIds, startedSec)));
        status.scanned += page.visitorIds.length;
        await report();
        if (!(await coordinationStore().acquireLock(REEVALUATION_JOB, instance, LOCK_TTL_SEC))) throw new Error('lost the job lock');
        await yieldToRequests();
      } while (cursor !== '0' && !stopped);

      if (cursor !== '0') {
        // Stopped mid-scan: members not reached yet were not confirmed, so pruning now would drop
        // them. Only a complete pass prunes, records sizes and recomputes the percentiles.
        status.state = 'stopped';
        status.finishedAt = new Date().toISOString();
        await report(true);
        return;
      }
      // Members not confirmed during this pass left (or their profiles expired).
      const slugs = segmentsService.compiled().map((segment) => segment.slug);
      await Promise.all(slugs.map((slug) => membershipStore().pruneSegmentMembers(slug, startedSec)));
      await membershipStore().recordSegmentSizes(utcDay(Date.now() / 1000), await membershipStore().segmentSizes(slugs));
      await membershipStore().writeEngagementCuts(percentileCuts(scores));
      await segmentsService.reloadEngagement();
      status.state = 'done';
      status.finishedAt = new Date().toISOString();
      await report(true);
    } catch (error) {
      status.state = 'failed';
      status.error = (error as Error).message;
      status.finishedAt = new Date().toISOString();
      strapi.log.warn(`[personalization] segment re-evaluation failed: ${status.error}`);
      await report(true).catch(() => {});
    } finally {
      await coordinationStore().releaseLock(REEVALUATION_JOB, instance).catch(() => {});
    }
  };

  const run = async (reason: string) => {
    let next: string | undefined = reason;
    while (next && !stopped) {
      again = undefined;
      await pass(next);
      next = again;
    }
  };

  return {
    /** Starts a pass, or asks the running one to be followed by another. Never waits for it. */
    start(reason: string): void {
      if (stopped) return;
      if (running) {
        again = reason;
        return;
      }
      running = run(reason)
        .catch((error) => {
          strapi.log.warn(`[personalization] segment re-evaluation failed: ${error}`);
        })
        .finally(() => {
          running = undefined;
        });
    },

    /** Resolves when the pass under way (if any) is over: for tests and shutdown. */
    async idle(): Promise<void> {
      while (running) await running;
    },

    async status(): Promise<ReevaluationStatus> {
      const stored = (await coordinationStore().readJobStatus(REEVALUATION_JOB)) as ReevaluationStatus | null;
      return stored ?? { state: 'idle', scanned: 0, changed: 0 };
    },

    /** The periodic refresh; the first one soon after boot when the last is older than the period. */
    schedule(): void {
      const periodMs = getPluginConfig(strapi).segmentJobs.refreshMinutes * 60_000;
      timer = setInterval(() => this.start('scheduled refresh'), periodMs);
      timer.unref();
      void this.status()
        .then((last) => {
          const finished = last.finishedAt ? Date.parse(last.finishedAt) : 0;
          if (Date.now() - finished > periodMs) this.start('startup refresh');
        })
        .catch(() => {});
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      await this.idle();
    },
  };
};

export type ReevaluationService = ReturnType<typeof reevaluationService>;
export default reevaluationService;
