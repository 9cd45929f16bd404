import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { consentOf } from '../consent/consent-of-request';
import { tooManyEvents, whileStoring } from '../ingest/ingest-errors';
import { parseBatch, type ParsedBatch } from '../ingest/parse-batch';
import { serverTotals } from '../ingest/server-events';
import { pluginService } from '../shared/plugin-services';
import { validationError } from '../shared/validation';
import { mapPayload } from './map-payload';
import type { WebhookSource } from './webhook-config';
import { takeWebhookBody } from './webhook-body';
import { webhookCounter } from './webhook-counters';

/**
 * `POST /api/personalization/webhooks/:source`: a signed payload from a configured system. The
 * signature was verified before the body was parsed (`webhook-body.ts`); here the payload becomes
 * events (`map-payload.ts`), validated whole as a server source's batch is, and stored per visitor
 * by the ingest service. Answers 202 `{ source, accepted, duplicates, ignored }`.
 */
const webhooksController = ({ strapi }: { strapi: Core.Strapi }) => {
  const stats = () => pluginService(strapi, 'stats');

  /** The payload's events, validated; a 400 naming the payload's paths, counted as invalid. */
  const validEvents = (source: WebhookSource, mapped: Exclude<ReturnType<typeof mapPayload>, { ignored: true }>, nowSec: number): ParsedBatch => {
    try {
      if ('issues' in mapped) throw validationError(mapped.issues);
      return parseBatch(mapped.body, { sender: 'server', nowSec, maxAgeDays: source.maxAgeDays, restate: mapped.inPayloadTerms });
    } catch (error) {
      if (error instanceof errors.ValidationError) stats().count(webhookCounter.invalid(source.name));
      throw error;
    }
  };

  return {
    async receive(ctx: Context) {
      const { source, payload } = takeWebhookBody(ctx);
      const now = Math.floor(Date.now() / 1000);
      ctx.set('Cache-Control', 'no-store');
      const answer = (data: { accepted: number; duplicates: number; ignored: boolean } & Record<string, unknown>) => {
        ctx.status = 202;
        ctx.body = { data: { source: source.name, ...data } };
      };

      const mapped = mapPayload(source, payload, ctx.headers);
      if (mapped.ignored) {
        stats().count(webhookCounter.ignored(source.name));
        answer({ accepted: 0, duplicates: 0, ignored: true });
        return;
      }
      const batch = validEvents(source, mapped, now);
      // As for any server sender: `X-Consent` says the visitor's choice, else the site's mode decides.
      if (!consentOf(ctx, getPluginConfig(strapi).consent)) {
        answer({ accepted: 0, duplicates: 0, ignored: false, stored: false, reason: 'consent' });
        return;
      }
      const totals = serverTotals(await whileStoring(strapi, ctx, () => pluginService(strapi, 'ingest').ingestServerEvents(batch.events, now)));
      stats().count(webhookCounter.accepted(source.name), totals.accepted);
      stats().count(webhookCounter.duplicates(source.name), totals.duplicates);
      if (totals.limited) {
        // The sender retries the whole payload: a refusal, like one by the source's own rate limit.
        stats().count(webhookCounter.refused(source.name, 'rate-limited'));
        throw tooManyEvents(ctx, totals.limited.retryAfterSec, `${totals.limited.visitors} of the payload's visitors`);
      }
      answer({ accepted: totals.accepted, duplicates: totals.duplicates, ignored: false });
    },
  };
};

export default webhooksController;
