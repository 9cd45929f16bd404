/**
 * Behavioral clusters on real sessions: the UCI "Online Shoppers Purchasing Intention" data set
 * (12,330 sessions of one shop, one row each). Each row is replayed as one visitor's events through
 * the server's own pure code (event schema, events -> store updates, the memory driver's apply), then
 * clustered by `runClustering`, exactly as the job clusters stored profiles. Printed: the chosen k,
 * silhouette and inertia per k, and per cluster its size, conversion rate (`Revenue`) and description,
 * with the max/min conversion-rate ratio (target: at least 3×).
 *
 * Columns -> events (what the profile can hold):
 *  - Administrative, Informational, ProductRelated (pages of each type): that many page views named
 *    after the type, with the type as the page's topic (topic affinity: the share of each type);
 *  - *_Duration (seconds on pages of the type): one "Dwell Time" event per page view, the type's
 *    duration spread evenly over its pages (dwell, dwell per page);
 *  - VisitorType Returning_Visitor: an earlier session a week before (an identify call without
 *    traits: a session, no page view), so sessions = 2 and tenure = 7 days;
 *  - not used: Revenue (the label) and PageValues (computed from the pages that led to revenue:
 *    leakage); BounceRates and ExitRates (averages of the site's pages, no event carries them);
 *    Month, SpecialDay, Weekend (calendar: every session is replayed at the same time, so recency is
 *    the same for all), OperatingSystems, Browser, Region, TrafficType (anonymized codes: no device
 *    type or source can be read from them).
 *
 * `npm run eval -- clusters [dir]`; the directory holds online_shoppers_intention.csv (default
 * ../shared/data/online-shoppers, or PSN_SHOPPERS_DIR).
 */
import fs from 'fs';
import path from 'path';
import { parse } from 'csv-parse/sync';
import { runClustering, type ProfilePageEntry } from '../../server/src/clusters/run-clustering';
import { parsePluginConfig } from '../../server/src/config/parse-config';
import { eventBatchSchema, type IncomingEvent } from '../../server/src/ingest/event-schema';
import { batchToUpdates, type EventContext } from '../../server/src/ingest/event-to-update';
import { applyUpdates } from '../../server/src/store/memory/apply-updates';
import { snapshot } from '../../server/src/store/memory/memory-profile-store';
import { newVisitorState } from '../../server/src/store/memory/visitor-state';
import { fixed } from '../bench/lib/harness';
import { REPO_ROOT } from '../helpers/paths';
import { defaultUpdateSettings } from '../helpers/update-settings';

const DAY = 86_400;
/** Every session starts at the same moment; the clock plays no part in the features. */
const SESSION_START = 1_780_000_000;
const NOW = SESSION_START + 3_600;
const SETTINGS = defaultUpdateSettings();
const CONTEXT: EventContext = {
  nowSec: NOW,
  deviceTypeOf: () => 'desktop',
  entryTopics: () => [],
  entryContentType: () => undefined,
  isPersonalKey: () => false,
  sessionGapSec: SETTINGS.sessionGapSec,
};
const PAGE_TYPES = [
  { count: 'Administrative', duration: 'Administrative_Duration' },
  { count: 'Informational', duration: 'Informational_Duration' },
  { count: 'ProductRelated', duration: 'ProductRelated_Duration' },
] as const;

type Row = Record<string, string>;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** One session row as the events a tracker would have sent. */
const eventsOf = (row: Row): unknown[] => {
  const events: unknown[] = [];
  if (row.VisitorType === 'Returning_Visitor') events.push({ type: 'identify', timestamp: iso(SESSION_START - 7 * DAY) });
  for (const type of PAGE_TYPES) {
    const pages = Number(row[type.count]);
    const seconds = Math.max(0, Number(row[type.duration]));
    for (let page = 0; page < pages; page++) {
      // All at the session's start: a row is one session (a 30-minute gap would split it), and the
      // data set has no time within a session (a later last event would make recency follow length).
      events.push({ type: 'page', name: type.count, properties: { topic: type.count }, timestamp: iso(SESSION_START) });
      if (seconds > 0) events.push({ type: 'track', event: 'Dwell Time', properties: { seconds: seconds / pages }, timestamp: iso(SESSION_START) });
    }
  }
  // A session with no page counted still loaded something.
  if (!events.some((event) => (event as IncomingEvent).type === 'page')) events.push({ type: 'page', timestamp: iso(SESSION_START) });
  return events;
};

const profileOf = (row: Row) => {
  const { events } = eventBatchSchema.parse({ events: eventsOf(row) });
  const { updates } = batchToUpdates(events as IncomingEvent[], CONTEXT);
  const state = newVisitorState();
  applyUpdates(state, { byDay: new Map() }, updates, SETTINGS, NOW);
  return snapshot(state);
};

const main = async () => {
  const dir = process.argv[2] ?? process.env.PSN_SHOPPERS_DIR ?? path.resolve(REPO_ROOT, '..', 'shared', 'data', 'online-shoppers');
  // The file's rows end in CRLF, its header in LF: csv-parse keeps the CR in the last column.
  const rows: Row[] = parse(fs.readFileSync(path.join(dir, 'online_shoppers_intention.csv')), { columns: true, skip_empty_lines: true });
  const entries: (ProfilePageEntry & { bought: boolean })[] = rows.map((row, index) => ({ visitorId: `s${index}`, profile: profileOf(row), bought: row.Revenue.trim() === 'TRUE' }));
  const pages = async function* () {
    for (let start = 0; start < entries.length; start += 1_000) yield entries.slice(start, start + 1_000);
  };
  /** A run of the job over the sessions; its conversion rate per cluster. */
  const cluster = async (options: { kMin?: number; kMax?: number }) => {
    const clusterOf = new Map<string, string>();
    const result = await runClustering({
      pages,
      assign: async (batch) => {
        for (const { visitorId, clusterId } of batch) clusterOf.set(visitorId, clusterId);
      },
      previous: null,
      now: NOW,
      options: { affinityHalfLifeSec: SETTINGS.affinityHalfLifeSec, ...options },
    });
    if (result.status !== 'fitted') throw new Error(result.reason);
    const { model } = result;
    const rates = model.ids.map((id, index) => {
      const members = entries.filter((entry) => clusterOf.get(entry.visitorId) === id);
      const bought = members.filter((entry) => entry.bought).length;
      return { id, size: members.length, rate: members.length > 0 ? bought / members.length : 0, description: model.descriptions[index] };
    });
    const highest = Math.max(...rates.map((entry) => entry.rate));
    const lowest = Math.min(...rates.map((entry) => entry.rate));
    return { model, rates, ratio: lowest > 0 ? highest / lowest : Infinity };
  };
  const started = Date.now();
  // The range the plugin runs with by default (config `clusters.kMin`, `clusters.kMax`).
  const { kMin, kMax } = parsePluginConfig({}).clusters;
  const { model, rates, ratio } = await cluster({ kMin, kMax });

  const buyers = entries.filter((entry) => entry.bought).length;
  console.log(`\nonline shoppers: ${entries.length.toLocaleString('en')} sessions, ${buyers.toLocaleString('en')} with revenue (${fixed((100 * buyers) / entries.length, 1)} %), from ${dir}`);
  console.log(`features (${model.features.length}): ${model.features.map((feature) => feature.name).join(', ')}`);
  console.log(`clustered in ${fixed((Date.now() - started) / 1000, 1)} s; k in ${kMin}..${kMax} (the plugin's default range), chosen k = ${model.k}\n`);
  console.log('  k   silhouette   inertia');
  for (const score of model.scores) console.log(`  ${String(score.k).padStart(2)}  ${fixed(score.silhouette, 3).padStart(10)}  ${fixed(score.inertia, 0).padStart(8)}${score.k === model.k ? '  <- chosen' : ''}`);

  console.log('\n  cluster   sessions   conversion   description');
  for (const { id, size, rate, description } of [...rates].sort((a, b) => b.rate - a.rate)) {
    console.log(`  ${id.padEnd(7)} ${size.toLocaleString('en').padStart(9)}   ${fixed(100 * rate, 1).padStart(8)} %   ${description}`);
  }
  console.log(`\n  max/min conversion-rate ratio: ${fixed(ratio, 1)}× (target ≥ 3×)`);

  // Why: the same job with k fixed, to see how conversion separates at each k.
  console.log('\n  with k fixed:  k   silhouette   max/min conversion   lowest-converting cluster');
  for (let k = 2; k <= 10; k++) {
    const fixedK = await cluster({ kMin: k, kMax: k });
    const lowest = [...fixedK.rates].sort((a, b) => a.rate - b.rate)[0];
    const silhouette = fixedK.model.scores[0].silhouette;
    console.log(`                ${String(k).padStart(2)}  ${fixed(silhouette, 3).padStart(10)}   ${fixed(fixedK.ratio, 1).padStart(12)}×        ${fixed(100 * lowest.rate, 1)} % of ${lowest.size.toLocaleString('en')}: ${lowest.description}`);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
