import request from 'supertest';
import { BROWSER_UA, cookieValue, pageEvent, setCookie, visitorId } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

describe.each([
  ['opt-in', false],
  ['none', true],
] as const)('consent mode %s', (mode, storesWithoutConsent) => {
  let redis: PrivateRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { consent: { mode } } });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const post = (body: unknown) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send(body as object);

  it(`${storesWithoutConsent ? 'stores' : 'stores nothing and sets no cookie'} before any choice`, async () => {
    const response = await post({ events: [pageEvent()] }).expect(202);
    expect(response.body.data.accepted).toBe(storesWithoutConsent ? 1 : 0);
    expect(Boolean(setCookie(response.headers, 'psn_vid'))).toBe(storesWithoutConsent);
    if (storesWithoutConsent) expect(await redis.client.exists(`psn:{v:${response.body.data.visitorId}}:p`)).toBe(1);
    else expect(await redis.client.keys('psn:{v:*')).toEqual([]);
  });

  it(`${storesWithoutConsent ? 'ignores' : 'is unaffected by'} Global Privacy Control`, async () => {
    const id = visitorId();
    await post({ anonymousId: id, events: [pageEvent()] }).set('Sec-GPC', '1').expect(202);
    expect(await redis.client.exists(`psn:{v:${id}}:p`)).toBe(storesWithoutConsent ? 1 : 0);
  });

  it('stores once the visitor grants consent', async () => {
    const granted = await request(app.server).post('/api/personalization/consent').send({ analytics: true }).expect(200);
    const credential = cookieValue(setCookie(granted.headers, 'psn_vid'))!;
    const id = credential.split('.')[0];
    expect(granted.body.data).toMatchObject({ analytics: true, visitorId: id, visitorToken: credential });
    expect(setCookie(granted.headers, 'psn_consent')).toMatch(/psn_consent=granted/);
    const response = await post({ events: [pageEvent()] })
      .set('Cookie', `psn_vid=${credential}; psn_consent=granted`)
      .expect(202);
    expect(response.body.data).toMatchObject({ accepted: 1, visitorId: id });
    expect(await redis.client.hget(`psn:{v:${id}}:p`, 'pv')).toBe('1');
  });
});
