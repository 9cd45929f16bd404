import request from 'supertest';
import { assignArm } from '../../server/src/experiments/bucketing';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, IDENTITY_SECRET, isoAgo, pageEvent, trackEvent, userHashOf } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const ARTICLE = 'api::article.article';
const ARMS = [
  { key: 'control', weight: 50 },
  { key: 'b', weight: 30 },
  { key: 'c', weight: 20 },
];
const CTA: Record<string, string> = { control: 'Read more', b: 'Watch the demo', c: 'Start free' };
/** How often each arm's visitors sign up in the simulation. */
const SIGNUP_RATE: Record<string, number> = { control: 0.1, b: 0.14, c: 0.2 };

/** Independent re-computation of the statistics the results endpoint reports. */
const independent = (x1: number, n1: number, x0: number, n0: number) => {
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const pooled = (x1 + x0) / (n1 + n0);
  const z = (p1 - p0) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  // Wilson interval of p1, z = 1.959964.
  const q = 1.959964;
  const centre = (p1 + (q * q) / (2 * n1)) / (1 + (q * q) / n1);
  const margin = (q * Math.sqrt((p1 * (1 - p1)) / n1 + (q * q) / (4 * n1 * n1))) / (1 + (q * q) / n1);
  // Two-sided p-value, 2·(1 − Φ(|z|)) = erfc(|z|/√2), by Abramowitz & Stegun 7.1.26 (error < 1.5e-7).
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return { rate: p1, lift: (p1 - p0) / p0, z, pValue: erfc, low: centre - margin, high: centre + margin };
};

/** A deterministic pseudo-random stream, so that a failure replays exactly. */
const prng = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('experiments', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let token: string;

  const admin = (method: 'get' | 'post' | 'put' | 'delete', path: string) =>
    request(app.server)[method](`/personalization${path}`).set('Authorization', `Bearer ${token}`);
  const article = async (title: string) =>
    app.strapi.documents(ARTICLE).create({ data: { title, cta: 'Read more', topic: 'Tech' }, locale: 'en', status: 'published' } as never);
  const send = (visitor: string, events: object[]) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ anonymousId: visitor, events }).expect(202);
  /** A visitor as a browser reads: its tracker's page view has been stored, and it holds its credential. */
  const known = new Set<string>();
  const fetchArticle = async (visitor: string, documentId: string) => {
    if (!known.has(visitor)) {
      known.add(visitor);
      await send(visitor, [pageEvent()]);
    }
    return request(app.server).get(`/api/articles/${documentId}`).set('X-Visitor-Token', credentialFor(app, visitor)).expect(200);
  };

  /** An experiment on an entry with a variant per arm, started. */
  const experimentOn = async (key: string, documentId: string, arms = ARMS, extra: object = {}) => {
    const created = await admin('post', '/experiments')
      .send({
        name: `Experiment ${key}`,
        key,
        target: { contentType: ARTICLE, documentId, locale: 'en' },
        arms,
        goals: { primary: { event: 'Signup' }, secondary: [{ category: 'cta', action: 'click' }] },
        ...extra,
      })
      .expect(201);
    for (const arm of arms.filter((candidate) => candidate.key !== 'control')) {
      await admin('post', '/variants')
        .send({ contentType: ARTICLE, documentId, locale: 'en', experiment: key, arm: arm.key, fields: { cta: CTA[arm.key] ?? `CTA ${arm.key}` } })
        .expect(201);
    }
    await admin('post', `/experiments/${created.body.data.documentId}/start`).expect(200);
    return created.body.data.documentId as string;
  };

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({
      redisUrl: redis.url,
      pluginConfig: { resolve: { timeoutMs: 1000 }, ingest: { perIpPerMinute: 1_000_000 }, identity: { secret: IDENTITY_SECRET } },
    });
    token = await adminToken(app, { email: 'experiments-admin@example.com' });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  describe('2,000 simulated visitors', () => {
    const visitors = Array.from({ length: 2000 }, (_, i) => `sim-visitor-${i}`);
    const seen = new Map<string, string>();
    const converted = new Map<string, { unique: number; total: number }>(ARMS.map((arm) => [arm.key, { unique: 0, total: 0 }]));
    const clicked = new Map<string, number>(ARMS.map((arm) => [arm.key, 0]));
    let entry: { documentId: string };
    let experimentId: string;

    beforeAll(async () => {
      entry = await article('The experiment article');
      experimentId = await experimentOn('cta-test', entry.documentId);
      const random = prng(7);
      for (const [i, visitor] of visitors.entries()) {
        // Every tenth visitor signs up before ever seeing the entry: not a conversion.
        if (i % 10 === 0) await send(visitor, [trackEvent('Signup', { timestamp: isoAgo(60) })]);
        const first = await fetchArticle(visitor, entry.documentId);
        const arm = first.body.meta.personalization.experiments['cta-test'];
        expect(first.body.data.cta).toBe(CTA[arm]);
        const second = await fetchArticle(visitor, entry.documentId);
        expect(second.body.meta.personalization.experiments['cta-test']).toBe(arm);
        expect(second.body.data.cta).toBe(CTA[arm]);
        seen.set(visitor, arm);
        if (random() < SIGNUP_RATE[arm]) {
          const repeats = random() < 0.25 ? 2 : 1;
          await send(visitor, Array.from({ length: repeats }, () => trackEvent('Signup')));
          converted.get(arm)!.unique += 1;
          converted.get(arm)!.total += repeats;
        }
        if (random() < 0.3) {
          await send(visitor, [trackEvent('CTA Clicked', { category: 'cta', action: 'click' })]);
          clicked.set(arm, clicked.get(arm)! + 1);
        }
      }
    }, 240_000);

    it('splits them by weight (within 3 points of 50/30/20)', () => {
      for (const arm of ARMS) {
        const share = [...seen.values()].filter((key) => key === arm.key).length / visitors.length;
        expect(Math.abs(share - arm.weight / 100)).toBeLessThan(0.03);
      }
    });

    it('reports the same statistics as an independent computation', async () => {
      const results = (await admin('get', `/experiments/${experimentId}/results`).expect(200)).body.data;
      const visitorsOf = (arm: string) => [...seen.values()].filter((key) => key === arm).length;
      const control = converted.get('control')!;
      for (const arm of ARMS) {
        const reported = results.arms.find((candidate: { key: string }) => candidate.key === arm.key);
        expect(reported.visitors).toBe(visitorsOf(arm.key));
        const primary = reported.goals.primary;
        expect(primary.conversions).toBe(converted.get(arm.key)!.unique);
        expect(primary.total).toBe(converted.get(arm.key)!.total);
        expect(reported.goals['secondary-1'].conversions).toBe(clicked.get(arm.key));
        const mine = independent(converted.get(arm.key)!.unique, visitorsOf(arm.key), control.unique, visitorsOf('control'));
        expect(primary.rate).toBeCloseTo(mine.rate, 6);
        expect(primary.interval[0]).toBeCloseTo(mine.low, 5);
        expect(primary.interval[1]).toBeCloseTo(mine.high, 5);
        if (arm.key === 'control') {
          expect(primary).toMatchObject({ lift: null, z: null, pValue: null });
        } else {
          expect(primary.lift).toBeCloseTo(mine.lift, 5);
          expect(primary.z).toBeCloseTo(mine.z, 3);
          expect(primary.pValue).toBeCloseTo(mine.pValue, 5);
        }
      }
      expect(results.sampleRatio.mismatch).toBe(false);
      expect(results.daily).toHaveLength(1);
      expect(Object.keys(results.daily[0].arms).sort()).toEqual(['b', 'c', 'control']);
    });

    it('keeps each visitor’s arm when the weights change; new visitors follow the new weights', async () => {
      await admin('put', `/experiments/${experimentId}`)
        .send({ arms: [{ key: 'control', weight: 90 }, { key: 'b', weight: 5 }, { key: 'c', weight: 5 }] })
        .expect(200);
      for (const visitor of visitors.slice(0, 100)) {
        const again = await fetchArticle(visitor, entry.documentId);
        expect(again.body.meta.personalization.experiments['cta-test']).toBe(seen.get(visitor));
      }
      const newcomers = Array.from({ length: 300 }, (_, i) => `late-visitor-${i}`);
      let control = 0;
      for (const visitor of newcomers) {
        const response = await fetchArticle(visitor, entry.documentId);
        if (response.body.meta.personalization.experiments['cta-test'] === 'control') control += 1;
      }
      expect(control / newcomers.length).toBeGreaterThan(0.8);
    });

    it('keeps the arm of a visitor who identifies later, and serves GraphQL the same arm', async () => {
      const visitor = visitors[5];
      const identified = await request(app.server)
        .post('/api/personalization/events')
        .set('User-Agent', BROWSER_UA)
        .set('X-Visitor-Token', credentialFor(app, visitor))
        .send({ events: [{ type: 'identify', userId: 'user-experiment-5', userHash: userHashOf('user-experiment-5') }] })
        .expect(202);
      expect(identified.body.data).toMatchObject({ visitorId: visitor, identified: true });
      const after = await fetchArticle(visitor, entry.documentId);
      expect(after.body.meta.personalization.experiments['cta-test']).toBe(seen.get(visitor));
      const graphql = await request(app.server)
        .post('/graphql')
        .set('X-Visitor-Token', credentialFor(app, visitor))
        .send({ query: `{ article(documentId: "${entry.documentId}") { cta } }` })
        .expect(200);
      expect(graphql.body.data.article.cta).toBe(CTA[seen.get(visitor)!]);
      expect(graphql.body.extensions.personalization.experiments['cta-test']).toBe(seen.get(visitor));
    });

    it('stops with a winner promoted to a normal segment variant', async () => {
      await admin('post', '/segments').send({ name: 'Everyone who read', slug: 'readers', rules: { fact: 'pageviews', op: 'gte', value: 0 } }).expect(201);
      const stopped = await admin('post', `/experiments/${experimentId}/stop`).send({ winner: 'c', promote: { to: 'segment', segment: 'readers' } }).expect(200);
      expect(stopped.body.data).toMatchObject({ status: 'stopped', winner: 'c', promotion: { to: 'segment', segment: 'readers' } });
      const reader = 'promoted-reader-1';
      await send(reader, [trackEvent('Something')]);
      const response = await fetchArticle(reader, entry.documentId);
      expect(response.body.data.cta).toBe('Start free');
      expect(response.body.meta.personalization.experiments).toBeUndefined();
      await admin('post', `/experiments/${experimentId}/start`).expect(403);
    });
  });

  it('flags a sample-ratio mismatch when assignment is deliberately skewed', async () => {
    const entry = await article('The skewed article');
    const arms = [{ key: 'control', weight: 50 }, { key: 'b', weight: 50 }];
    const id = await experimentOn('skewed', entry.documentId, arms);
    // A broken page that only shows the entry to every other control visitor.
    let controlSeen = 0;
    for (let i = 0; i < 1200; i++) {
      const visitor = `skew-visitor-${i}`;
      if (assignArm('skewed', visitor, arms) === 'control' && controlSeen++ % 2 === 1) continue;
      await fetchArticle(visitor, entry.documentId);
    }
    const results = (await admin('get', `/experiments/${id}/results`).expect(200)).body.data;
    expect(results.sampleRatio.mismatch).toBe(true);
    expect(results.sampleRatio.pValue).toBeLessThan(0.001);
  }, 120_000);

  it('holds out a share of visitors, who see the base entry and are not counted in the arms', async () => {
    const entry = await article('The holdout article');
    const id = await experimentOn('held', entry.documentId, [{ key: 'control', weight: 50 }, { key: 'b', weight: 50 }], { holdoutPercent: 20 });
    let heldOut = 0;
    for (let i = 0; i < 300; i++) {
      const response = await fetchArticle(`held-visitor-${i}`, entry.documentId);
      if (response.body.meta.personalization.experiments.held === 'holdout') {
        heldOut += 1;
        expect(response.body.data.cta).toBe('Read more');
      }
    }
    const results = (await admin('get', `/experiments/${id}/results`).expect(200)).body.data;
    expect(results.holdout).toBe(heldOut);
    expect(heldOut / 300).toBeGreaterThan(0.12);
    expect(heldOut / 300).toBeLessThan(0.28);
    expect(results.arms.reduce((sum: number, arm: { visitors: number }) => sum + arm.visitors, 0)).toBe(300 - heldOut);
  });

  it('tests a segment’s variants against the base entry (segment-level), and pauses', async () => {
    await admin('post', '/segments').send({ name: 'Tech readers', slug: 'tech-readers', rules: { fact: 'topics.Tech', op: 'gt', value: 0 } }).expect(201);
    const entry = await article('The segment-level article');
    await admin('post', '/variants').send({ contentType: ARTICLE, documentId: entry.documentId, locale: 'en', segment: 'tech-readers', fields: { cta: 'For tech readers' } }).expect(201);
    const created = await admin('post', '/experiments')
      .send({ name: 'Does personalizing tech readers pay?', key: 'tech-lift', target: { segment: 'tech-readers' }, arms: [{ key: 'control', weight: 1 }, { key: 'personalized', weight: 1 }], goals: { primary: { event: 'Signup' } } })
      .expect(201);
    await admin('post', `/experiments/${created.body.data.documentId}/start`).expect(200);
    const arms: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const visitor = `tech-visitor-${i}`;
      await send(visitor, [{ type: 'page', properties: { topic: 'Tech' } }]);
      const response = await fetchArticle(visitor, entry.documentId);
      const arm = response.body.meta.personalization.experiments['tech-lift'];
      arms[arm] = (arms[arm] ?? 0) + 1;
      expect(response.body.data.cta).toBe(arm === 'control' ? 'Read more' : 'For tech readers');
    }
    expect(arms.control).toBeGreaterThan(10);
    expect(arms.personalized).toBeGreaterThan(10);
    // Visitors outside the segment are not in the experiment at all.
    const outsider = await fetchArticle('outsider-visitor', entry.documentId);
    expect(outsider.body.meta.personalization.experiments).toBeUndefined();

    await admin('post', `/experiments/${created.body.data.documentId}/pause`).expect(200);
    const paused = await fetchArticle('tech-visitor-0', entry.documentId);
    expect(paused.body.data.cta).toBe('For tech readers');
    expect(paused.body.meta.personalization.experiments).toBeUndefined();
  });

  it('counts a retried batch of goal events once: duplicates are no conversions', async () => {
    const entry = await article('The retried article');
    const id = await experimentOn('retried', entry.documentId, [{ key: 'control', weight: 1 }, { key: 'b', weight: 1 }]);
    const visitor = 'retry-visitor-1';
    await fetchArticle(visitor, entry.documentId);
    const batch = [trackEvent('Signup'), trackEvent('Signup')];
    await send(visitor, batch);
    const retried = await send(visitor, batch);
    expect(retried.body.data).toMatchObject({ accepted: 0, duplicates: 2 });
    const results = (await admin('get', `/experiments/${id}/results`).expect(200)).body.data;
    const arm = results.arms.find((candidate: { visitors: number }) => candidate.visitors === 1);
    expect(arm.goals.primary).toMatchObject({ conversions: 1, total: 2 });
  });

  it('starts a new experiment that reuses a deleted one’s key from nothing', async () => {
    const entry = await article('The reused-key article');
    const arms = [{ key: 'control', weight: 1 }, { key: 'b', weight: 1 }];
    const first = await experimentOn('reused-key', entry.documentId, arms);
    for (const visitor of ['reuse-visitor-1', 'reuse-visitor-2', 'reuse-visitor-3']) await fetchArticle(visitor, entry.documentId);
    await admin('post', `/experiments/${first}/stop`).send({}).expect(200);
    await admin('delete', `/experiments/${first}`).expect(200);
    for (const variant of (await admin('get', `/variants?contentType=${ARTICLE}&documentId=${entry.documentId}`).expect(200)).body.data) {
      await admin('delete', `/variants/${variant.id}`).expect(200);
    }
    const second = await experimentOn('reused-key', entry.documentId, arms);
    // Visitors exposed to the old experiment convert without seeing the new one: not counted.
    for (const visitor of ['reuse-visitor-1', 'reuse-visitor-2', 'reuse-visitor-3']) await send(visitor, [trackEvent('Signup')]);
    const results = (await admin('get', `/experiments/${second}/results`).expect(200)).body.data;
    for (const arm of results.arms) expect(arm).toMatchObject({ visitors: 0, goals: { primary: { conversions: 0, total: 0 } } });
    // Once they see it, they count.
    await fetchArticle('reuse-visitor-1', entry.documentId);
    const after = (await admin('get', `/experiments/${second}/results`).expect(200)).body.data;
    expect(after.arms.reduce((sum: number, arm: { visitors: number }) => sum + arm.visitors, 0)).toBe(1);
  });

  describe('admin API', () => {
    it.each([
      [{ name: 'X', key: 'x', target: { segment: 'readers' }, arms: [{ key: 'b', weight: 1 }, { key: 'c', weight: 1 }], goals: { primary: { event: 'Signup' } } }, 'arms: expected an arm "control"'],
      [{ name: 'X', key: 'x', target: { segment: 'readers' }, arms: [{ key: 'control', weight: 1 }], goals: { primary: { event: 'Signup' } } }, 'arms: expected a control arm and at least one more'],
      [{ name: 'X', key: 'x', target: { segment: 'readers' }, arms: [{ key: 'control', weight: 0 }, { key: 'b', weight: 0 }], goals: { primary: { event: 'Signup' } } }, 'at least one arm needs a weight above 0'],
      [{ name: 'X', key: 'x', target: { segment: 'readers' }, arms: ARMS, goals: { primary: { event: 'Signup' } } }, 'a segment-level experiment has two arms'],
      [{ name: 'X', key: 'x', target: { segment: 'nobody' }, arms: [{ key: 'control', weight: 1 }, { key: 'b', weight: 1 }], goals: { primary: { event: 'Signup' } } }, 'target.segment: unknown segment "nobody"'],
      [{ name: 'X', key: 'x', target: { contentType: ARTICLE, documentId: 'missing', locale: 'en' }, arms: ARMS, goals: { primary: { event: 'Signup' } } }, 'target.documentId: no api::article.article entry missing'],
      [{ name: 'X', key: 'x', target: { segment: 'readers' }, arms: [{ key: 'control', weight: 1 }, { key: 'b', weight: 1 }], goals: { primary: {} } }, 'a goal names an event, or a category'],
      [{ name: 'X', key: 'X Y', target: { segment: 'readers' }, arms: [{ key: 'control', weight: 1 }, { key: 'b', weight: 1 }], goals: { primary: { event: 'Signup' } } }, 'key: expected a key'],
    ])('refuses %j', async (body, message) => {
      const response = await admin('post', '/experiments').send(body).expect(400);
      expect(response.body.error.message).toContain(message);
    });

    it('refuses to start an entry experiment whose arms lack variants', async () => {
      const entry = await article('Variant-less');
      const created = await admin('post', '/experiments')
        .send({ name: 'No variants', key: 'no-variants', target: { contentType: ARTICLE, documentId: entry.documentId, locale: 'en' }, arms: ARMS, goals: { primary: { event: 'Signup' } } })
        .expect(201);
      const refused = await admin('post', `/experiments/${created.body.data.documentId}/start`).expect(400);
      expect(refused.body.error.message).toContain('arms without an enabled variant: b, c');
    });

    it('promotes a winner into the base entry', async () => {
      const entry = await article('To be improved');
      const id = await experimentOn('to-base', entry.documentId, [{ key: 'control', weight: 1 }, { key: 'b', weight: 1 }]);
      await admin('post', `/experiments/${id}/stop`).send({ winner: 'b', promote: { to: 'base' } }).expect(200);
      const anonymous = await request(app.server).get(`/api/articles/${entry.documentId}`).expect(200);
      expect(anonymous.body.data.cta).toBe('Watch the demo');
    });

    it('needs the experiment permissions', async () => {
      const author = await adminToken(app, { email: 'experiments-author@example.com', roleCode: 'strapi-author' });
      await request(app.server).get('/personalization/experiments').set('Authorization', `Bearer ${author}`).expect(403);
    });
  });
});
