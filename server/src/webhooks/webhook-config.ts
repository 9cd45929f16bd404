import { z } from 'zod';
import { configName, uniqueNames } from '../config/config-names';
import { FORBIDDEN_KEYS, JSON_LIMITS } from '../ingest/json-limits';
import { parseFieldPath } from './field-path';

/**
 * `webhooks` in the plugin config: systems that POST their own webhooks (a shop, a billing
 * service, Segment's Webhooks destination) to `/api/personalization/webhooks/<name>`, each signed
 * with a shared secret, and how their payloads become events.
 */

export const SIGNATURE_SCHEMES = ['shopify', 'segment', 'timestamped'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

/** The header each scheme's sender signs in (HTTP header names are case-insensitive; kept lower case). */
export const DEFAULT_SIGNATURE_HEADERS: Record<SignatureScheme, string> = {
  shopify: 'x-shopify-hmac-sha256',
  segment: 'x-signature',
  timestamped: 'x-psn-signature',
};

/** How far the signed time may be from the server's clock, either way (Stripe's default). */
export const DEFAULT_TOLERANCE_SEC = 300;

/** Secrets a source may list while rotating: the new one and those senders may still use. */
export const MAX_SECRETS = 5;

const secret = z.string().min(16, 'expected a secret of at least 16 characters').max(1024, 'longer than 1024 characters');

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'expected an HTTP header name (1-64 characters of A-Z a-z 0-9 -)')
  .transform((name) => name.toLowerCase());

const fieldPath = z
  .string()
  .max(200, 'longer than 200 characters')
  .refine((path) => parseFieldPath(path) !== null, 'expected a dot path into the JSON body, e.g. "customer.id", "line_items.0.sku" or "note_attributes[name=psn_visitor].value"');

/** Where a value comes from: a path into the body, or a request header. */
const valueSource = z.union([fieldPath, z.strictObject({ header: headerName })], {
  error: 'expected a path into the body ("customer.id") or { header: "<name>" }',
});
export type ValueSource = z.output<typeof valueSource>;

const scalar = z.union([z.string().max(JSON_LIMITS.maxStringLength), z.number(), z.boolean()]);
const expected = z.union([scalar, z.array(scalar).min(1).max(50)], { error: 'expected a string, number or boolean, or a list of them (any of)' });

/** Which payloads a mapping applies to: a header's value (Shopify's topic) or a body field's. */
const when = z.union([z.strictObject({ header: headerName, equals: expected }), z.strictObject({ field: fieldPath, equals: expected })], {
  error: 'expected { header, equals } or { field, equals }',
});
export type WhenCondition = z.output<typeof when>;

const fieldName = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'longer than 200 characters')
  .refine((name) => !FORBIDDEN_KEYS.has(name), 'a forbidden key');
const fieldMap = z
  .record(fieldName, valueSource)
  .refine((fields) => Object.keys(fields).length <= JSON_LIMITS.maxKeys, `at most ${JSON_LIMITS.maxKeys} fields`);

const mapping = z
  .strictObject({
    /** Without it, every payload of the source. */
    when: when.optional(),
    type: z.enum(['track', 'identify']).default('track'),
    /** The name of the `track` event. */
    event: z.string().min(1, 'must not be empty').max(200, 'longer than 200 characters').optional(),
    userId: valueSource.optional(),
    anonymousId: valueSource.optional(),
    /** What makes a delivery the same event when the sender retries it (counted once). */
    messageId: valueSource.optional(),
    /** An ISO-8601 string, or a number of seconds (milliseconds from 10^11) since 1970. */
    timestamp: valueSource.optional(),
    properties: fieldMap.optional(),
    traits: fieldMap.optional(),
  })
  .superRefine((value, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (value.type === 'track' && !value.event) issue('event', 'a track mapping needs the "event" name');
    if (value.type === 'track' && value.traits) issue('traits', 'traits go with type "identify"');
    if (value.type === 'identify' && value.event) issue('event', 'an identify mapping has no event name');
    if (value.type === 'identify' && value.properties) issue('properties', 'properties go with type "track"');
    if (!value.userId && !value.anonymousId) issue('userId', 'say where the userId or the anonymousId is (an event must name its visitor)');
  });
export type WebhookMapping = z.output<typeof mapping>;

const source = z
  .strictObject({
    name: configName,
    /** The shared secret the sender signs with. */
    secret: secret.optional(),
    /** Instead of `secret`, while rotating it: a signature made with any of these is taken. */
    secrets: z
      .array(secret)
      .min(1, 'expected at least one secret')
      .max(MAX_SECRETS, `at most ${MAX_SECRETS} secrets (the new one and those senders still use)`)
      .optional(),
    signature: z.enum(SIGNATURE_SCHEMES, { error: `expected one of ${SIGNATURE_SCHEMES.join(', ')}` }),
    /** The header holding the signature; the scheme's usual one by default. */
    header: headerName.optional(),
    /** `timestamped` only: how far `t=` may be from the server's clock, in seconds. */
    toleranceSec: z.number().int().min(1).max(86_400).optional(),
    /** Requests per minute from this source, per Strapi instance. */
    perMinute: z.number().int().min(1).max(10_000_000).default(6_000),
    /** How old an event's timestamp may be. */
    maxAgeDays: z.number().int().min(1).max(3650).default(90),
    /** How payloads become events; not for `segment`, whose payloads are events already. */
    events: z.array(mapping).min(1, 'expected at least one mapping').max(50, 'at most 50 mappings').optional(),
  })
  .superRefine((value, ctx) => {
    // Messages never quote a secret: config errors reach logs.
    if (value.secret !== undefined && value.secrets !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['secrets'], message: 'give either "secret" or "secrets" (while rotating), not both' });
    }
    if (value.secret === undefined && value.secrets === undefined) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'expected the secret the sender signs with ("secret", or "secrets" while rotating it)' });
    }
    value.secrets?.forEach((entry, index) => {
      if (value.secrets?.indexOf(entry) !== index) ctx.addIssue({ code: 'custom', path: ['secrets', index], message: 'the same secret is listed twice' });
    });
    if (value.signature === 'segment' && value.events) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: 'a segment source takes Segment events as they are: leave out "events"' });
    }
    if (value.signature !== 'segment' && !value.events) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: `a ${value.signature} source needs "events": how its payloads become events` });
    }
    if (value.signature !== 'timestamped' && value.toleranceSec !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['toleranceSec'], message: 'only the timestamped scheme signs a time' });
    }
  })
  // One shape for the verifier: `secrets`, a single secret being a list of one (there is one: refined above).
  .transform(({ secret: single, secrets, ...value }) => ({
    ...value,
    secrets: secrets ?? (single === undefined ? [] : [single]),
    header: value.header ?? DEFAULT_SIGNATURE_HEADERS[value.signature],
    ...(value.signature === 'timestamped' ? { toleranceSec: value.toleranceSec ?? DEFAULT_TOLERANCE_SEC } : {}),
  }));
export type WebhookSource = z.output<typeof source>;

export const webhooksConfigSchema = z
  .strictObject({
    sources: z
      .array(source)
      .max(50, 'at most 50 webhook sources')
      .default([])
      .superRefine(uniqueNames),
  })
  .prefault({});
