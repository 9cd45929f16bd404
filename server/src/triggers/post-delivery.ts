import { signDelivery, SIGNATURE_HEADER } from './delivery-signature';

export interface Destination {
  name: string;
  url: string;
  secret: string;
  timeoutMs: number;
}

export type PostOutcome = { ok: true; status: number } | { ok: false; status?: number; error: string };

/**
 * One attempt: the body as stored, signed with this attempt's timestamp, the delivery id as the
 * idempotency key (the same on every attempt, so a receiver can drop repeats). Only a 2xx counts;
 * the answer's body is not read (a receiver cannot make us hold megabytes).
 */
export const postDelivery = async (destination: Destination, delivery: { id: string; body: string; attempt: number }, nowSec: number): Promise<PostOutcome> => {
  try {
    const response = await fetch(destination.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(destination.timeoutMs),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'strapi-plugin-personalization',
        [SIGNATURE_HEADER]: signDelivery(destination.secret, delivery.body, nowSec),
        'Idempotency-Key': delivery.id,
        'X-Psn-Attempt': String(delivery.attempt),
      },
      body: delivery.body,
    });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `the receiver answered ${response.status}` };
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${destination.timeoutMs} ms` : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
    return { ok: false, error: reason.slice(0, 300) };
  }
};
