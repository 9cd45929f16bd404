/**
 * A benchmark server: the test app with the plugin, a private redis-server, listening on a free
 * port, in its own process so that the load generator does not share its event loop.
 * Prints one JSON line `{ "url": ..., "redisPort": ..., "pid": ... }` when ready; stops on the IPC message "stop".
 * With BENCH_REDIS_URL and BENCH_DATABASE_FILE, several servers share one Redis and one database
 * (instances of one site); the IPC message `{ pass: 'all' | 'time' }` runs a re-evaluation pass
 * (joining the one running) and answers `{ passStatus }` when this instance has no more work on it
 * (another may still be finishing its last partition).
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'perf_hooks';
import { startRedis } from '../../helpers/redis-server';
import { startTestApp } from '../../helpers/strapi-app';
import { setupRecommendations } from './recommendations-setup';
import { countQueries, setupResolution } from './resolution-setup';
import { setupFunnels } from './funnels-setup';
import { setupTriggers } from './triggers-setup';

/**
 * What held this process's event loop up since the last IPC message "pauses" (answered with
 * `{ pauses }`): for benchmarks that explain latency (the slowest loop delays, garbage collection).
 */
const watchPauses = () => {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gc = { count: gc.count + 1, totalMs: gc.totalMs + entry.duration, maxMs: Math.max(gc.maxMs, entry.duration) };
  }).observe({ entryTypes: ['gc'] });
  process.on('message', (message) => {
    if (message !== 'pauses') return;
    process.send!({ pauses: { loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6, gc } });
    delay.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0 };
  });
};

const main = async () => {
  watchPauses();
  const redis = process.env.BENCH_REDIS_URL ? undefined : await startRedis();
  const pluginConfig = JSON.parse(process.env.BENCH_PLUGIN_CONFIG ?? '{}');
  const app = await startTestApp({ redisUrl: process.env.BENCH_REDIS_URL ?? redis!.url, pluginConfig, databaseFile: process.env.BENCH_DATABASE_FILE });
  const url = await app.listen();
  const extra: Record<string, unknown> = {};
  if (process.env.BENCH_SETUP === 'resolution') {
    const { documentIds, visitorTokens } = await setupResolution(app.strapi);
    const list = `${url}/api/articles?pagination[pageSize]=25`;
    const headers = { 'x-visitor-token': visitorTokens[0] };
    // Warm the variant index, then count the queries of a plain and a personalized list.
    await countQueries(app.strapi, list, headers);
    extra.documentIds = documentIds;
    extra.visitorTokens = visitorTokens;
    extra.listQueries = {
      plain: await countQueries(app.strapi, `${list}&psn=off`, headers),
      personalized: await countQueries(app.strapi, list, headers),
    };
  }
  if (process.env.BENCH_SETUP === 'recommendations') {
    const { documentIds, visitorTokens } = await setupRecommendations(app.strapi);
    extra.documentIds = documentIds.slice(0, 1_000);
    extra.visitorTokens = visitorTokens;
  }
  if (process.env.BENCH_SETUP === 'triggers') {
    extra.visitorTokens = (await setupTriggers(app.strapi, Number(process.env.BENCH_TRIGGERS ?? 0), Number(process.env.BENCH_VISITORS ?? 1000))).visitorTokens;
  }
  if (process.env.BENCH_SETUP === 'funnels') await setupFunnels(app.strapi, Number(process.env.BENCH_FUNNELS ?? 0));
  process.stdout.write(`${JSON.stringify({ url, redisPort: redis?.port, pid: process.pid, ...extra })}\n`);
  // Stopped through IPC: Strapi installs its own SIGTERM handler.
  process.on('message', async (message: unknown) => {
    if (typeof message === 'object' && message !== null && 'pass' in message) {
      const reevaluation = app.strapi.plugin('personalization').service('reevaluation');
      reevaluation.start('benchmark', (message as { pass: 'all' | 'time' }).pass);
      await reevaluation.idle();
      process.send!({ passStatus: await reevaluation.status() });
      return;
    }
    if (message !== 'stop') return;
    await app.stop();
    await redis?.stop();
    process.exit(0);
  });
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
