import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { deliveryPayload, itemId, type FiringFacts } from './delivery-payload';
import { postDelivery, type Destination, type PostOutcome } from './post-delivery';
import { retryDelaySec } from './retry-delay';
import type { TriggerRecord } from './compiled-trigger';
import type { QueueItem } from './store/trigger-store';

/** Items claimed per poll; a full claim polls again at once. */
const CLAIM_BATCH = 50;

/**
 * The delivery worker of each instance: every `triggers.pollMs` it claims what is due in the
 * shared queue (absence checks whose wait is over, deliveries and their retries) and works it.
 * Claiming is one store script, so an item is worked by one instance; an instance that dies
 * mid-item leaves it to the others once its lease ends (at least once; the receiver drops repeats
 * by the idempotency key). Everything it needs is in the store: a restart loses nothing.
 */
const deliveriesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => pluginService(strapi, 'store').triggers();
  const settings = () => getPluginConfig(strapi).triggers;
  const triggers = () => pluginService(strapi, 'triggers');
  let timer: NodeJS.Timeout | undefined;
  let working: Promise<void> | undefined;
  let stopped = false;

  const destinationOf = (name: string | undefined): Destination | undefined => settings().destinations.find((candidate) => candidate.name === name);

  /** The trigger as enabled now, else as stored (a delivery of a trigger disabled since still goes out). */
  const recordOf = async (slug: string): Promise<TriggerRecord | null> =>
    triggers().compiled().find((candidate) => candidate.slug === slug)?.record ?? (await triggers().findBySlug(slug));

  /** The body, built at the first attempt (recommendations, variant) and kept for every retry. */
  const bodyOf = async (item: QueueItem, record: TriggerRecord, nowSec: number): Promise<string> => {
    if (item.body) return item.body;
    const include = record.actions.outbound?.include;
    const visitor = await triggers().visitorOf(item.visitorId);
    const [recommendations, variant] = await Promise.all([
      include?.recommendations ? triggers().recommended(include.recommendations, item.visitorId, nowSec) : undefined,
      include?.variant
        ? pluginService(strapi, 'variants')
            .personalizedEntry(include.variant.contentType, include.variant.documentId, visitor.segments, include.variant.locale)
            .then((served) => (served ? { contentType: include.variant!.contentType, documentId: include.variant!.documentId, variant: served.variant, entry: served.personalized } : null))
        : undefined,
    ]);
    const body = JSON.stringify(
      deliveryPayload({
        id: item.id,
        trigger: record,
        visitor,
        facts: JSON.parse(item.facts) as FiringFacts,
        recommendations,
        variant,
      })
    );
    await store().saveBody(item.id, body);
    return body;
  };

  const deliver = async (item: QueueItem, nowMs: number) => {
    const nowSec = Math.floor(nowMs / 1000);
    const record = await recordOf(item.trigger);
    const destination = destinationOf(record?.actions.outbound?.destination);
    let outcome: PostOutcome;
    if (!record || !destination) outcome = { ok: false, error: record ? `no destination "${record.actions.outbound?.destination}" in the plugin config` : 'the trigger is gone' };
    else outcome = await postDelivery(destination, { id: item.id, body: await bodyOf(item, record, nowSec), attempt: item.attempts }, nowSec);
    const stats = pluginService(strapi, 'stats');
    if (outcome.ok) {
      await store().settle(item.id, { status: 'delivered', httpStatus: outcome.status }, Date.now());
      stats.count(`trigger:${item.trigger}:delivered`);
      return;
    }
    const { maxAttempts, retryBaseSec, retryMaxSec } = settings();
    if (item.attempts >= maxAttempts || !destination) {
      await store().settle(item.id, { status: 'dead', httpStatus: outcome.status, error: outcome.error }, Date.now());
      stats.count(`trigger:${item.trigger}:dead`);
      strapi.log.warn(`[personalization] delivery ${item.id} of trigger "${item.trigger}" is a dead letter after ${item.attempts} attempts: ${outcome.error}`);
      return;
    }
    const retryAt = Date.now() + Math.round(retryDelaySec(item.attempts, retryBaseSec, retryMaxSec, Math.random()) * 1000);
    await store().settle(item.id, { status: 'pending', retryAt, httpStatus: outcome.status, error: outcome.error }, Date.now());
  };

  const work = async (item: QueueItem, nowMs: number) => {
    try {
      if (item.kind === 'check') await triggers().fireCheck(item, Math.floor(nowMs / 1000));
      else await deliver(item, nowMs);
    } catch (error) {
      // The lease brings it back: a store or database hiccup is retried by whichever instance claims it next.
      strapi.log.warn(`[personalization] trigger item ${item.id} failed and will be retried after its lease: ${(error as Error).message}`);
    }
  };

  /** Claims and works what is due now; resolves when done (tests and the poller call it). */
  const runDue = async (): Promise<number> => {
    let worked = 0;
    for (;;) {
      const now = Date.now();
      const claimed = await store().claimDue(now, CLAIM_BATCH, settings().leaseSec * 1000);
      await Promise.all(claimed.map((item) => work(item, now)));
      worked += claimed.length;
      if (claimed.length < CLAIM_BATCH || stopped) return worked;
    }
  };

  const poll = () => {
    if (working || stopped) return;
    working = runDue()
      .then(() => undefined)
      .catch(() => undefined) // Redis down: the next poll tries again
      .finally(() => (working = undefined));
  };

  return {
    start() {
      if (!settings().enabled || timer) return;
      stopped = false;
      timer = setInterval(poll, settings().pollMs);
      timer.unref();
    },

    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await working;
    },

    runDue,

    async list(which: 'recent' | 'dead', limit: number) {
      const [items, counts] = await Promise.all([store().list(which, limit), store().counts()]);
      return { items: items.map(({ body, ...item }) => ({ ...item, hasBody: body !== undefined })), counts };
    },

    async read(id: string) {
      const item = await store().read(id);
      if (!item) throw new errors.NotFoundError('no delivery with this id');
      return item;
    },

    async replay(id: string) {
      if (!(await store().replay(id, Date.now()))) throw new errors.NotFoundError('no dead letter with this id');
      poll();
    },

    /**
     * "Send test": a sample delivery of this trigger to its destination, now, outside the queue,
     * marked `test: true`; resolves to what the receiver answered.
     */
    async sendTest(slug: string) {
      const record = await triggers().findBySlug(slug);
      if (!record) throw new errors.NotFoundError('no trigger with this slug');
      const destination = destinationOf(record.actions.outbound?.destination);
      if (!destination) throw new errors.ValidationError('this trigger has no outbound action with a configured destination');
      const now = Math.floor(Date.now() / 1000);
      const id = itemId('test', slug, randomUUID());
      const body = JSON.stringify(
        deliveryPayload({
          id,
          test: true,
          trigger: record,
          visitor: { id: 'test-visitor-0000', userHash: null, segments: [] },
          facts: { firedAt: now, events: [{ type: 'track', event: 'Test', timestamp: new Date(now * 1000).toISOString(), properties: {} }] },
        })
      );
      const outcome = await postDelivery(destination, { id, body, attempt: 1 }, now);
      return { destination: destination.name, url: destination.url, ...outcome };
    },
  };
};

export type DeliveriesService = ReturnType<typeof deliveriesService>;
export default deliveriesService;
