import request from 'supertest';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

describe('GET /api/personalization/health', () => {
  let redis: PrivateRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('reports a connected Redis store', async () => {
    const response = await request(app.server).get('/api/personalization/health').expect(200);
    expect(response.body).toEqual({
      data: {
        status: 'ok',
        store: 'redis',
        redis: { connected: true, latencyMs: expect.any(Number), maxmemoryPolicy: 'noeviction' },
        warnings: [],
        dropped: {},
      },
    });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('lists the personalization-enabled content types', () => {
    const enabled = app.strapi.plugin('personalization').service('contentTypes').listEnabled();
    expect(enabled.map((contentType: { uid: string }) => contentType.uid)).toEqual([
      'api::article.article',
      'api::movie.movie',
      'api::page.page',
    ]);
  });

  it('reports degraded, not an error, while Redis is down', async () => {
    redis.pause();
    try {
      const response = await request(app.server).get('/api/personalization/health').expect(200);
      expect(response.body.data.status).toBe('degraded');
      expect(response.body.data.redis.connected).toBe(false);
    } finally {
      redis.resume();
    }
  });
});
