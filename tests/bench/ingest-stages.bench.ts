/**
 * The ingest request's pure stages, alone, on the ingest benchmark's 20-event batches: time (median
 * of 5 runs of 2,000 batches) and bytes allocated per batch. What the plugin adds to Strapi's own
 * cost of a POST is these stages plus the store call and garbage collection; this says which stage
 * to look at first. Allocation is read as heap growth with a young generation large enough that no
 * collection runs meanwhile, so the bench re-runs itself with those Node options.
 */
import { execFileSync } from 'child_process';
import { deviceTypeOf } from '../../server/src/ingest/device-type';
import { batchToUpdates, forEachSeenName } from '../../server/src/ingest/event-to-update';
import { parseBatch } from '../../server/src/ingest/parse-batch';
import { parseJsonBody } from '../../server/src/ingest/public-body';
import { BROWSER_UA } from '../helpers/events';
import { fixed, report } from './lib/harness';
import { batchBodies } from './lib/ingest-batch';

const BATCHES = 2_000;

const main = () => {
  if (!process.env.INGEST_STAGES_CHILD) {
    execFileSync(process.execPath, ['--expose-gc', '--max-semi-space-size=256', __filename], { stdio: 'inherit', env: { ...process.env, INGEST_STAGES_CHILD: '1' } });
    return;
  }
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  const now = Math.floor(Date.now() / 1000);
  const body = batchBodies({ anonymousId: true });
  const texts = Array.from({ length: BATCHES }, () => body());
  const context = {
    nowSec: now,
    deviceTypeOf,
    requestUserAgent: BROWSER_UA,
    entryTopics: () => [],
    entryContentType: () => undefined,
    isPersonalKey: () => false,
    sessionGapSec: 1_800,
    bounce: { maxSeconds: 10, weight: 0.5 },
  };
  // Each stage's input, as the stage before leaves it.
  const bodies = () => texts.map((text) => (parseJsonBody(text) as { value: Record<string, unknown> }).value);
  const parsed = bodies().map((value) => parseBatch(value, { sender: 'browser', nowSec: now }));
  const updates = parsed.map((batch) => batchToUpdates(batch.events, context).updates);

  const stages: [string, (index: number) => unknown, (() => void)?][] = [];
  let fresh = bodies();
  stages.push(['JSON parse and hostile-JSON scan', (i) => parseJsonBody(texts[i])]);
  // The batch parse checks (and fills) a freshly parsed body: each run gets its own.
  stages.push(['batch parse (schema, ids, timestamps)', (i) => parseBatch(fresh[i], { sender: 'browser', nowSec: now }), () => void (fresh = bodies())]);
  stages.push(['events to store updates', (i) => batchToUpdates(parsed[i].events, context)]);
  stages.push(['JSON of the updates for the script', (i) => JSON.stringify(updates[i])]);
  stages.push(['names seen, for the rule builder', (i) => parsed[i].events.forEach((event) => forEachSeenName(event, () => false, () => {}))]);

  console.log('\ningest stages, per 20-event batch (the ingest benchmark\'s batches)');
  let totalUs = 0;
  let totalBytes = 0;
  for (const [name, run, reset] of stages) {
    const runs: number[] = [];
    for (let round = 0; round < 7; round++) {
      reset?.();
      const started = process.hrtime.bigint();
      for (let i = 0; i < BATCHES; i++) run(i);
      // The first two rounds warm up.
      if (round >= 2) runs.push(Number(process.hrtime.bigint() - started) / BATCHES / 1_000);
    }
    runs.sort((a, b) => a - b);
    reset?.();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < BATCHES; i++) run(i);
    const bytes = (process.memoryUsage().heapUsed - before) / BATCHES;
    totalUs += runs[2];
    totalBytes += bytes;
    report(name, `${fixed(runs[2], 1)} µs, ${fixed(bytes / 1024, 1)} KB`);
  }
  report('all of them', `${fixed(totalUs, 1)} µs, ${fixed(totalBytes / 1024, 1)} KB`);
};

main();
