import request from 'supertest';
import { startTestApp } from '../helpers/strapi-app';

describe('booting the plugin', () => {
  it('stops Strapi with a message naming the bad config key', async () => {
    await expect(
      startTestApp({ store: 'memory', pluginConfig: { retentionDays: 'forever' } })
    ).rejects.toThrow(
      'Error regarding personalization config: retentionDays: Invalid input: expected number, received string'
    );
  });

  it('boots with the embedded memory store and says so in health', async () => {
    const app = await startTestApp({ store: 'memory' });
    try {
      const response = await request(app.server).get('/api/personalization/health').expect(200);
      expect(response.body.data).toEqual({
        status: 'ok',
        store: 'memory',
        redis: { connected: false, latencyMs: null },
        warnings: [],
        dropped: {},
      });
    } finally {
      await app.stop();
    }
  });

  it('boots while Redis is unreachable and reports degraded', async () => {
    const app = await startTestApp({ redisUrl: 'redis://127.0.0.1:1' });
    try {
      const response = await request(app.server).get('/api/personalization/health').expect(200);
      expect(response.body.data).toEqual({
        status: 'degraded',
        store: 'redis',
        redis: { connected: false, latencyMs: null, maxmemoryPolicy: null },
        warnings: [],
        dropped: {},
      });
    } finally {
      await app.stop();
    }
  });
});
