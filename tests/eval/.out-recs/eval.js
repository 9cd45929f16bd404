"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// tests/eval/recommendations.eval.ts
var import_fs2 = __toESM(require("fs"));
var import_path2 = __toESM(require("path"));
var import_sync = require("csv-parse/sync");

// server/src/recommendations/item-ref.ts
var CONTENT_TYPE_PATTERN = /^[a-z][a-z0-9-]{0,30}::[a-z0-9][a-z0-9_-]{0,60}\.[a-z0-9][a-z0-9_-]{0,60}$/;
var DOCUMENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
var SEPARATOR = "/";
var isContentTypeUid = (value) => typeof value === "string" && CONTENT_TYPE_PATTERN.test(value);
var isDocumentId = (value) => typeof value === "string" && DOCUMENT_ID_PATTERN.test(value);
var itemKey = (ref) => {
  if (!isContentTypeUid(ref.contentType) || !isDocumentId(ref.documentId)) {
    throw new TypeError(`not an item: ${JSON.stringify(ref).slice(0, 200)}`);
  }
  return ref.contentType + SEPARATOR + ref.documentId;
};
var parseItemKey = (key) => {
  if (typeof key !== "string" || key.length > 256) return null;
  const at = key.indexOf(SEPARATOR);
  if (at < 0) return null;
  const contentType = key.slice(0, at);
  const documentId = key.slice(at + 1);
  return isContentTypeUid(contentType) && isDocumentId(documentId) ? { contentType, documentId } : null;
};
var itemRefOf = (contentType, documentId) => isContentTypeUid(contentType) && isDocumentId(documentId) ? { contentType, documentId } : null;

// server/src/recommendations/co-engagement.ts
var DAY = 86400;
var DEFAULT_CO_ENGAGEMENT_SETTINGS = {
  halfLifeSec: 30 * DAY,
  landmarkSec: Date.UTC(2026, 0, 1) / 1e3,
  historySize: 20,
  pairWindowSec: 30 * DAY,
  maxNeighbours: 100,
  maxItems: 5e4,
  retentionSec: 180 * DAY,
  shrinkage: 10
};
var MIN_HALF_LIFE_SEC = 7 * DAY;
var forwardWeight = (at, settings) => 2 ** ((at - settings.landmarkSec) / settings.halfLifeSec);
var decayedAt = (stored, now, settings) => stored / forwardWeight(now, settings);
var similarity = (coEngagement, engagementI, engagementJ, shrinkage) => {
  if (!(coEngagement > 0)) return 0;
  const ni = Math.max(engagementI, coEngagement);
  const nj = Math.max(engagementJ, coEngagement);
  return coEngagement / Math.sqrt(ni * nj) * (coEngagement / (coEngagement + shrinkage));
};
var SEGMENT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
var isSegmentSlug = (value) => typeof value === "string" && SEGMENT_PATTERN.test(value);
var MAX_SEGMENTS_PER_VISITOR = 32;
var isValidEngagement = (engagement) => Number.isFinite(engagement.weight) && engagement.weight > 0 && engagement.weight <= 100 && Number.isFinite(engagement.at) && parseItemKey(engagement.item) !== null;
var planEngagement = (previous, engagements, segments, settings) => {
  const known = /* @__PURE__ */ new Map();
  for (const entry of previous) if (parseItemKey(entry.item) && Number.isFinite(entry.at)) known.set(entry.item, entry.at);
  const validSegments = [...new Set(segments.filter(isSegmentSlug))].slice(0, MAX_SEGMENTS_PER_VISITOR);
  const byContentType = /* @__PURE__ */ new Map();
  const history = /* @__PURE__ */ new Map();
  const ordered = engagements.filter(isValidEngagement).sort((a, b) => a.at - b.at);
  for (const { item, weight, at } of ordered) {
    const ref = parseItemKey(item);
    const increments = incrementsOf(byContentType, ref.contentType);
    const increment = weight * forwardWeight(at, settings);
    addTo(increments.popularity, ref.documentId, increment);
    for (const segment of validSegments) addTo(mapOf(increments.segmentPopularity, segment), ref.documentId, increment);
    if (!known.has(item)) {
      for (const [other] of mostRecent(known, settings.historySize)) {
        const otherRef = parseItemKey(other);
        if (otherRef.contentType !== ref.contentType || Math.abs(at - known.get(other)) > settings.pairWindowSec) continue;
        addTo(mapOf(increments.neighbours, ref.documentId), otherRef.documentId, increment);
        addTo(mapOf(increments.neighbours, otherRef.documentId), ref.documentId, increment);
      }
    }
    const latest = Math.max(at, known.get(item) ?? -Infinity);
    known.set(item, latest);
    history.set(item, Math.max(latest, history.get(item) ?? -Infinity));
  }
  return { history: [...history].map(([item, at]) => ({ item, at })), byContentType };
};
var newestFirst = (entries) => [...entries].sort((a, b) => b.at - a.at || (a.item < b.item ? 1 : a.item > b.item ? -1 : 0));
var mostRecent = (known, limit) => newestFirst([...known].map(([item, at]) => ({ item, at }))).slice(0, limit).map(({ item, at }) => [item, at]);
var incrementsOf = (byContentType, contentType) => {
  let increments = byContentType.get(contentType);
  if (!increments) byContentType.set(contentType, increments = { popularity: /* @__PURE__ */ new Map(), segmentPopularity: /* @__PURE__ */ new Map(), neighbours: /* @__PURE__ */ new Map() });
  return increments;
};
var mapOf = (maps, key) => {
  let map = maps.get(key);
  if (!map) maps.set(key, map = /* @__PURE__ */ new Map());
  return map;
};
var addTo = (map, key, increment) => map.set(key, (map.get(key) ?? 0) + increment);
var normalizeNeighbours = (contentType, stored, limit, now, settings) => {
  const scale = forwardWeight(now, settings);
  return stored.neighbours.map(({ documentId, coEngagement, engagement }) => ({
    item: itemKey({ contentType, documentId }),
    score: similarity(coEngagement / scale, stored.engagement / scale, engagement / scale, settings.shrinkage)
  })).filter((neighbour) => neighbour.score > 0).sort((a, b) => b.score - a.score || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0)).slice(0, limit);
};
var neighboursToRead = (perItem, settings) => Math.min(settings.maxNeighbours, Math.max(4 * perItem, 50));

// server/src/recommendations/item-engagement.ts
var DEFAULT_ENGAGEMENT_WEIGHTS = { view: 1, play: 2, add: 3 };
var ENGAGEMENT_EVENTS = {
  "Entry Viewed": "view",
  "Product Viewed": "view",
  "Video Played": "play",
  "Video Playback Started": "play",
  "Product Added": "add",
  "Product Added to Wishlist": "add",
  "Added to List": "add"
};
var engagementKindOf = (event) => {
  if (event.type === "page" || event.type === "screen") return "view";
  if (event.type !== "track" || typeof event.event !== "string") return null;
  return Object.prototype.hasOwnProperty.call(ENGAGEMENT_EVENTS, event.event) ? ENGAGEMENT_EVENTS[event.event] : null;
};
var itemEngagementOf = (event, weights = DEFAULT_ENGAGEMENT_WEIGHTS) => {
  const kind = engagementKindOf(event);
  if (!kind) return null;
  const weight = weights[kind];
  if (!(weight > 0) || !Number.isFinite(weight)) return null;
  const item = itemRefOf(event.properties?.contentType, event.properties?.documentId);
  return item ? { item, weight } : null;
};

// server/src/recommendations/recommend.ts
var DEFAULT_RECENCY_FACTOR = 0.75;
var MAX_RECOMMENDATIONS = 100;
var recommend = (input) => {
  const limit = Math.max(0, Math.min(Math.floor(input.limit), MAX_RECOMMENDATIONS));
  const taken = /* @__PURE__ */ new Map();
  const excluded = new Set(input.exclude);
  const take = (ranked, reason) => {
    for (const { item, score } of ranked) {
      if (taken.size >= limit) return;
      if (taken.has(item) || excluded.has(item)) continue;
      const ref = parseItemKey(item);
      if (!ref || input.contentType !== void 0 && ref.contentType !== input.contentType) continue;
      taken.set(item, { item, documentId: ref.documentId, reason, score });
    }
  };
  if (input.strategy === "cf-v1") take(coEngagementScores(input), "co-engagement");
  if (input.strategy !== "popular-v1") take(topicScores(input), "topic");
  take([...input.popular], "popular");
  return [...taken.values()];
};
var byScore = (a, b) => b.score - a.score || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0);
var coEngagementScores = (input) => {
  const factor = input.recencyFactor ?? DEFAULT_RECENCY_FACTOR;
  const scores = /* @__PURE__ */ new Map();
  let weight = 1;
  const seen = /* @__PURE__ */ new Set();
  for (const { item } of input.history) {
    if (seen.has(item)) continue;
    seen.add(item);
    for (const neighbour of input.neighbours[item] ?? []) {
      if (neighbour.score > 0) scores.set(neighbour.item, (scores.get(neighbour.item) ?? 0) + weight * neighbour.score);
    }
    weight *= factor;
  }
  return [...scores].map(([item, score]) => ({ item, score })).sort(byScore);
};
var topicScores = (input) => {
  let total = 0;
  for (const value of Object.values(input.topicAffinities)) if (value > 0) total += value;
  if (total === 0) return [];
  const scored = [];
  for (const [item, topics] of Object.entries(input.candidateTopics)) {
    if (topics.length === 0) continue;
    let sum = 0;
    for (const topic of new Set(topics)) {
      const affinity = Object.prototype.hasOwnProperty.call(input.topicAffinities, topic) ? input.topicAffinities[topic] : 0;
      if (affinity > 0) sum += affinity / total;
    }
    if (sum > 0) scored.push({ item, score: sum / Math.sqrt(new Set(topics).size) });
  }
  return scored.sort(byScore);
};

// server/src/store/store-usage-error.ts
var StoreUsageError = class extends Error {
};

// server/src/store/keys.ts
var VISITOR_ID_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;
var isValidVisitorId = (value) => typeof value === "string" && VISITOR_ID_PATTERN.test(value);
var coEngagementHistoryKey = (prefix, visitorId) => {
  if (!isValidVisitorId(visitorId)) throw new StoreUsageError(`invalid visitor id ${JSON.stringify(visitorId)}`);
  return `${prefix}{v:${visitorId}}:ch`;
};

// server/src/recommendations/co-engagement-batch.ts
var visitorEntries = (batch, now) => {
  const byVisitor = /* @__PURE__ */ new Map();
  for (const { visitorId, segments, items } of batch) {
    if (!isValidVisitorId(visitorId)) continue;
    const valid = items.map((item) => ({ ...item, at: Math.min(item.at, now) })).filter(isValidEngagement);
    if (valid.length === 0) continue;
    const entry = byVisitor.get(visitorId);
    if (entry) {
      entry.items.push(...valid);
      entry.segments = segments;
    } else {
      byVisitor.set(visitorId, { visitorId, segments, items: valid, history: [] });
    }
  }
  for (const entry of byVisitor.values()) {
    const latest = /* @__PURE__ */ new Map();
    for (const { item, at } of entry.items) latest.set(item, Math.max(at, latest.get(item) ?? -Infinity));
    entry.history = [...latest].map(([item, at]) => ({ item, at }));
  }
  return [...byVisitor.values()];
};
var planBatch = (entries, previousOf, settings) => {
  const total = /* @__PURE__ */ new Map();
  for (const entry of entries) {
    const plan = planEngagement(previousOf(entry.visitorId), entry.items, entry.segments, settings);
    for (const [contentType, increments] of plan.byContentType) {
      const into = total.get(contentType);
      if (!into) {
        total.set(contentType, increments);
        continue;
      }
      addAll(into.popularity, increments.popularity);
      for (const [segment, counts] of increments.segmentPopularity) addAll(mapOf(into.segmentPopularity, segment), counts);
      for (const [documentId, counts] of increments.neighbours) addAll(mapOf(into.neighbours, documentId), counts);
    }
  }
  return total;
};
var addAll = (into, from) => {
  for (const [key, value] of from) addTo(into, key, value);
};

// server/src/recommendations/store/co-engagement-store.ts
var READ_LIMITS = { items: 100, perItem: 100, popular: 1e3, history: 100 };
var clampCount = (value, max) => Number.isFinite(value) ? Math.max(0, Math.min(Math.floor(value), max)) : 0;

// server/src/recommendations/store/memory-co-engagement-store.ts
var MemoryCoEngagementStore = class {
  kind = "memory";
  settings;
  histories = /* @__PURE__ */ new Map();
  /** `<contentType>` -> `<segment or ''>` -> popularity. */
  popularity = /* @__PURE__ */ new Map();
  /** `<contentType>` -> documentId -> neighbours. */
  neighbourSets = /* @__PURE__ */ new Map();
  constructor(settings = {}) {
    this.settings = { ...DEFAULT_CO_ENGAGEMENT_SETTINGS, ...settings };
  }
  async record(batch, now) {
    const entries = visitorEntries(batch, now);
    const previous = /* @__PURE__ */ new Map();
    for (const entry of entries) {
      const history = this.histories.get(entry.visitorId) ?? /* @__PURE__ */ new Map();
      previous.set(entry.visitorId, [...history].map(([item, at]) => ({ item, at })));
      for (const { item, at } of entry.history) history.set(item, Math.max(at, history.get(item) ?? -Infinity));
      trim(history, this.settings.historySize);
      this.histories.set(entry.visitorId, history);
    }
    const increments = planBatch(entries, (visitorId) => previous.get(visitorId) ?? [], this.settings);
    for (const [contentType, { popularity, segmentPopularity, neighbours }] of increments) {
      const sets = mapOf(this.popularity, contentType);
      incrementAndTrim(mapOf(sets, ""), popularity, this.settings.maxItems);
      for (const [segment, counts] of segmentPopularity) incrementAndTrim(mapOf(sets, segment), counts, this.settings.maxItems);
      const itemSets = mapOf(this.neighbourSets, contentType);
      for (const [documentId, counts] of neighbours) incrementAndTrim(mapOf(itemSets, documentId), counts, this.settings.maxNeighbours);
    }
  }
  async neighbours(items, perItem, now) {
    const limit = clampCount(perItem, READ_LIMITS.perItem);
    const toRead = neighboursToRead(limit, this.settings);
    const result = {};
    for (const item of [...new Set(items)].slice(0, READ_LIMITS.items)) {
      const ref = parseItemKey(item);
      if (!ref) continue;
      const popularity = this.popularity.get(ref.contentType)?.get("");
      const top = byRank(this.neighbourSets.get(ref.contentType)?.get(ref.documentId) ?? /* @__PURE__ */ new Map()).slice(0, toRead);
      result[item] = normalizeNeighbours(
        ref.contentType,
        {
          engagement: popularity?.get(ref.documentId) ?? 0,
          neighbours: top.map(([documentId, coEngagement]) => ({ documentId, coEngagement, engagement: popularity?.get(documentId) ?? 0 }))
        },
        limit,
        now,
        this.settings
      );
    }
    return result;
  }
  async popular(contentType, segment, limit, now) {
    if (!isContentTypeUid(contentType) || segment !== null && !isSegmentSlug(segment)) return [];
    const set = this.popularity.get(contentType)?.get(segment ?? "") ?? /* @__PURE__ */ new Map();
    return byRank(set).slice(0, clampCount(limit, READ_LIMITS.popular)).map(([documentId, stored]) => ({ item: itemKey({ contentType, documentId }), score: decayedAt(stored, now, this.settings) }));
  }
  async history(visitorId, limit) {
    coEngagementHistoryKey("", visitorId);
    const history = this.histories.get(visitorId) ?? /* @__PURE__ */ new Map();
    return newestFirst([...history].map(([item, at]) => ({ item, at }))).slice(0, clampCount(limit, READ_LIMITS.history));
  }
  async eraseVisitor(visitorId) {
    coEngagementHistoryKey("", visitorId);
    this.histories.delete(visitorId);
  }
  /** Sizes, for tests: histories kept, and the largest neighbour and popularity sets. */
  sizes() {
    const largest = (sets) => Math.max(0, ...[...sets].flatMap((byKey) => [...byKey.values()].map((set) => set.size)));
    return { histories: this.histories.size, maxNeighbours: largest(this.neighbourSets.values()), maxPopularity: largest(this.popularity.values()) };
  }
};
var byRank = (set) => [...set].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
var trim = (set, bound) => {
  if (set.size <= bound) return;
  if (set.size - bound > 4) {
    for (const [member] of byRank(set).slice(bound)) set.delete(member);
    return;
  }
  while (set.size > bound) {
    let lowest;
    for (const entry of set) if (!lowest || entry[1] < lowest[1] || entry[1] === lowest[1] && entry[0] < lowest[0]) lowest = entry;
    set.delete(lowest[0]);
  }
};
var incrementAndTrim = (set, increments, bound) => {
  for (const [member, increment] of increments) set.set(member, (set.get(member) ?? 0) + increment);
  trim(set, bound);
};

// tests/helpers/paths.ts
var import_fs = __toESM(require("fs"));
var import_path = __toESM(require("path"));
var findRoot = (from) => {
  let dir = from;
  while (!import_fs.default.existsSync(import_path.default.join(dir, "strapi-server.ts"))) {
    const parent = import_path.default.dirname(dir);
    if (parent === dir) throw new Error("repository root not found");
    dir = parent;
  }
  return dir;
};
var REPO_ROOT = findRoot(__dirname);
var APP_DIR = import_path.default.join(REPO_ROOT, "tests", "app");
var APP_DIST_DIR = import_path.default.join(APP_DIR, "dist");

// tests/eval/recommendations.eval.ts
var CONTENT_TYPE = "api::movie.movie";
var K = 10;
var HOLDOUT = Number(process.env.PSN_EVAL_HOLDOUT ?? 5);
var MIN_TRAINING = 5;
var HISTORY_READ = DEFAULT_CO_ENGAGEMENT_SETTINGS.historySize;
var NEIGHBOURS_PER_ITEM = 50;
var CANDIDATES = 1e3;
var BOOTSTRAP_SAMPLES = 2e3;
var dataDir = () => {
  const stated = process.env.PSN_MOVIELENS_DIR ?? process.argv[2];
  if (stated) return import_path2.default.resolve(stated);
  return import_path2.default.join(process.env.PSN_DATA_DIR ? import_path2.default.resolve(process.env.PSN_DATA_DIR) : import_path2.default.join(REPO_ROOT, "..", "shared", "data"), "ml-latest-small");
};
var loadMovieLens = (dir) => {
  if (import_fs2.default.existsSync(import_path2.default.join(dir, "ratings.csv"))) {
    const rows = (0, import_sync.parse)(import_fs2.default.readFileSync(import_path2.default.join(dir, "ratings.csv")), { columns: true });
    const movies = (0, import_sync.parse)(import_fs2.default.readFileSync(import_path2.default.join(dir, "movies.csv")), { columns: true });
    return {
      ratings: rows.map((row) => ({ user: row.userId, movie: row.movieId, at: Number(row.timestamp) })),
      genres: new Map(movies.map((movie) => [movie.movieId, movie.genres === "(no genres listed)" ? [] : movie.genres.split("|")])),
      format: "ratings.csv"
    };
  }
  if (import_fs2.default.existsSync(import_path2.default.join(dir, "u.data"))) {
    const ratings = import_fs2.default.readFileSync(import_path2.default.join(dir, "u.data"), "utf8").split("\n").filter(Boolean).map((line) => {
      const [user, movie, , at] = line.split("	");
      return { user, movie, at: Number(at) };
    });
    const genreNames = import_fs2.default.existsSync(import_path2.default.join(dir, "u.genre")) ? import_fs2.default.readFileSync(import_path2.default.join(dir, "u.genre"), "latin1").split("\n").filter(Boolean).map((line) => line.split("|")[0]) : [];
    const genres = /* @__PURE__ */ new Map();
    if (import_fs2.default.existsSync(import_path2.default.join(dir, "u.item"))) {
      for (const line of import_fs2.default.readFileSync(import_path2.default.join(dir, "u.item"), "latin1").split("\n").filter(Boolean)) {
        const fields = line.split("|");
        const flags = fields.slice(-19);
        genres.set(fields[0], flags.flatMap((flag, i) => flag === "1" ? [genreNames[i] ?? `genre-${i}`] : []));
      }
    }
    return { ratings, genres, format: "u.data" };
  }
  throw new Error(`${dir} holds neither ratings.csv nor u.data`);
};
var seeded = (seed) => () => {
  seed = seed * 16807 % 2147483647;
  return (seed - 1) / 2147483646;
};
var dcgWeights = Array.from({ length: K }, (_, i) => 1 / Math.log2(i + 2));
var idealDcg = (relevant) => dcgWeights.slice(0, Math.min(relevant, K)).reduce((sum, w) => sum + w, 0);
var scoreOf = (recommended, heldOut) => {
  let dcg = 0;
  let hit = 0;
  recommended.slice(0, K).forEach((item, i) => {
    if (heldOut.has(item)) {
      hit = 1;
      dcg += dcgWeights[i];
    }
  });
  return { hit, ndcg: dcg / idealDcg(heldOut.size) };
};
var cf = (recencyFactor) => (c) => recommend({ strategy: "cf-v1", contentType: CONTENT_TYPE, history: c.history, neighbours: c.neighbours, popular: c.popular, topicAffinities: c.affinities, candidateTopics: c.candidateTopics, exclude: c.exclude, limit: K, recencyFactor }).map((r) => r.item);
var VARIANTS = [
  { name: "cf-v1", serve: cf(DEFAULT_RECENCY_FACTOR) },
  {
    name: "topic-v1",
    serve: (c) => recommend({ strategy: "topic-v1", contentType: CONTENT_TYPE, history: c.history, neighbours: {}, popular: c.popular, topicAffinities: c.affinities, candidateTopics: c.candidateTopics, exclude: c.exclude, limit: K }).map((r) => r.item)
  },
  {
    name: "popular-v1",
    serve: (c) => recommend({ strategy: "popular-v1", contentType: CONTENT_TYPE, history: [], neighbours: {}, popular: c.popular, topicAffinities: {}, candidateTopics: {}, exclude: c.exclude, limit: K }).map((r) => r.item)
  },
  {
    name: "popular, all-time counts",
    serve: (c) => recommend({ strategy: "popular-v1", contentType: CONTENT_TYPE, history: [], neighbours: {}, popular: c.allTime, topicAffinities: {}, candidateTopics: {}, exclude: c.exclude, limit: K }).map((r) => r.item)
  },
  {
    name: "random",
    serve: (c) => {
      const excluded = new Set(c.exclude);
      const picked = /* @__PURE__ */ new Set();
      const pool = c.catalogue.filter((item) => !excluded.has(item));
      while (picked.size < Math.min(K, pool.length)) picked.add(pool[Math.floor(c.random() * pool.length)]);
      return [...picked];
    }
  }
];
var replay = async (ratings, genres, settings, variants) => {
  const store = new MemoryCoEngagementStore(settings);
  const byUser = /* @__PURE__ */ new Map();
  for (const rating of ratings) {
    const list = byUser.get(rating.user);
    if (list) list.push(rating);
    else byUser.set(rating.user, [rating]);
  }
  const heldOut = /* @__PURE__ */ new Map();
  const heldOutRatings = /* @__PURE__ */ new Set();
  for (const [user, list] of byUser) {
    if (list.length < HOLDOUT + MIN_TRAINING) continue;
    const last = list.slice(-HOLDOUT);
    for (const rating of last) heldOutRatings.add(rating);
    heldOut.set(user, new Set(last.map((rating) => itemKey({ contentType: CONTENT_TYPE, documentId: rating.movie }))));
  }
  const seen = /* @__PURE__ */ new Map();
  const genreCounts = /* @__PURE__ */ new Map();
  const allTime = /* @__PURE__ */ new Map();
  const catalogue = [];
  const served = /* @__PURE__ */ new Set();
  const scores = new Map(variants.map((variant) => [variant.name, []]));
  const random = seeded(42);
  const visitorOf = (user) => `movielens-${user}`;
  for (const rating of ratings) {
    if (heldOutRatings.has(rating)) {
      if (served.has(rating.user)) continue;
      served.add(rating.user);
      const now = rating.at;
      const exclude = seen.get(rating.user) ?? [];
      const history = await store.history(visitorOf(rating.user), HISTORY_READ);
      const neighbours = await store.neighbours(history.map((entry) => entry.item), NEIGHBOURS_PER_ITEM, now);
      const popular = await store.popular(CONTENT_TYPE, null, Math.max(CANDIDATES, K + exclude.length), now);
      const candidateTopics = {};
      for (const { item: item2 } of popular.slice(0, CANDIDATES)) candidateTopics[item2] = genres.get(item2.slice(CONTENT_TYPE.length + 1)) ?? [];
      const context = {
        history,
        neighbours,
        popular,
        allTime: [...allTime].sort((a, b) => b[1] - a[1]).slice(0, K + exclude.length).map(([item2, score]) => ({ item: item2, score })),
        affinities: genreCounts.get(rating.user) ?? {},
        candidateTopics,
        exclude,
        random,
        catalogue
      };
      for (const variant of variants) scores.get(variant.name).push(scoreOf(variant.serve(context), heldOut.get(rating.user)));
      continue;
    }
    const engagement = itemEngagementOf({ type: "track", event: "Entry Viewed", properties: { contentType: CONTENT_TYPE, documentId: rating.movie } });
    if (!engagement) continue;
    const item = itemKey(engagement.item);
    await store.record([{ visitorId: visitorOf(rating.user), segments: [], items: [{ item, weight: engagement.weight, at: rating.at }] }], rating.at);
    const list = seen.get(rating.user);
    if (list) list.push(item);
    else seen.set(rating.user, [item]);
    const counts = genreCounts.get(rating.user) ?? {};
    for (const genre of genres.get(rating.movie) ?? []) counts[genre] = (counts[genre] ?? 0) + 1;
    genreCounts.set(rating.user, counts);
    if (!allTime.has(item)) catalogue.push(item);
    allTime.set(item, (allTime.get(item) ?? 0) + 1);
  }
  return { scores, users: served.size };
};
var mean = (values) => values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
var bootstrapRatio = (a, b) => {
  const random = seeded(7);
  const ratios = [];
  for (let sample = 0; sample < BOOTSTRAP_SAMPLES; sample++) {
    let sumA = 0;
    let sumB = 0;
    for (let i = 0; i < a.length; i++) {
      const j = Math.floor(random() * a.length);
      sumA += a[j];
      sumB += b[j];
    }
    ratios.push(sumA / sumB);
  }
  ratios.sort((x, y) => x - y);
  return [ratios[Math.floor(0.025 * BOOTSTRAP_SAMPLES)], ratios[Math.floor(0.975 * BOOTSTRAP_SAMPLES)]];
};
var pad = (value, width) => value.padEnd(width);
var fixed = (value, digits = 3) => value.toFixed(digits);
var main = async () => {
  const dir = dataDir();
  const started = Date.now();
  const { ratings, genres, format } = loadMovieLens(dir);
  ratings.sort((a, b) => a.at - b.at || Number(a.user) - Number(b.user) || (a.movie < b.movie ? -1 : a.movie > b.movie ? 1 : 0));
  const settings = JSON.parse(process.env.PSN_EVAL_SETTINGS ?? "{}");
  const { scores, users } = await replay(ratings, genres, settings, VARIANTS);
  console.log(`  ${dir} (${format}): ${ratings.length} ratings, ${users} users served, last ${HOLDOUT} of each held out, temporal replay`);
  console.log(`  settings: ${JSON.stringify({ ...DEFAULT_CO_ENGAGEMENT_SETTINGS, ...settings, recencyFactor: DEFAULT_RECENCY_FACTOR })}`);
  console.log("");
  console.log(`  | ${pad("strategy", 26)} | HitRate@10 | NDCG@10 |`);
  console.log(`  |${"-".repeat(28)}|------------|---------|`);
  for (const variant of VARIANTS) {
    const list = scores.get(variant.name);
    console.log(`  | ${pad(variant.name, 26)} | ${pad(fixed(mean(list.map((s) => s.hit))), 10)} | ${pad(fixed(mean(list.map((s) => s.ndcg))), 7)} |`);
  }
  const hits = (name) => scores.get(name).map((s) => s.hit);
  console.log("");
  for (const baseline of ["popular-v1", "popular, all-time counts"]) {
    const ratio = mean(hits("cf-v1")) / mean(hits(baseline));
    const [low, high] = bootstrapRatio(hits("cf-v1"), hits(baseline));
    console.log(`  HitRate@10 cf-v1 / ${baseline}: ${fixed(ratio, 2)} (95 % paired bootstrap over users: ${fixed(low, 2)}\u2013${fixed(high, 2)}); target \u2265 2`);
  }
  if (process.env.PSN_EVAL_SWEEP === "1") {
    const factors = [0.5, 0.7, 0.75, 0.8, 0.9, 1];
    console.log("\n  cf-v1 HitRate@10 by shrinkage (rows) and recency factor (columns)");
    console.log(`  | shrinkage | ${factors.map((f) => pad(String(f), 5)).join(" | ")} |`);
    for (const shrinkage of [0, 2, 5, 10, 20, 50]) {
      const sweep = await replay(ratings, genres, { ...settings, shrinkage }, factors.map((factor) => ({ name: String(factor), serve: cf(factor) })));
      console.log(`  | ${pad(String(shrinkage), 9)} | ${factors.map((f) => pad(fixed(mean(sweep.scores.get(String(f)).map((s) => s.hit))), 5)).join(" | ")} |`);
    }
  }
  console.log(`
  ${((Date.now() - started) / 1e3).toFixed(1)} s`);
};
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
