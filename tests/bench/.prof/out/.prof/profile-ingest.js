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

// tests/bench/lib/harness.ts
var import_child_process = require("child_process");
var import_path = __toESM(require("path"));
var import_autocannon = __toESM(require("autocannon"));
var startBenchServer = async (pluginConfig = {}, setup) => {
  const nodeOptions = process.env.BENCH_SERVER_NODE_OPTIONS?.split(" ") ?? [];
  const child = (0, import_child_process.spawn)(process.execPath, [...nodeOptions, import_path.default.join(__dirname, "lib", "bench-server.js")], {
    env: { ...process.env, BENCH_PLUGIN_CONFIG: JSON.stringify(pluginConfig), BENCH_SETUP: setup ?? "", STRAPI_LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "inherit", "ipc"]
  });
  const ready = await new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((candidate) => candidate.startsWith("{"));
      if (line) resolve(JSON.parse(line));
    });
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    ...ready,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.send("stop");
    })
  };
};
var load = async (options) => {
  const result = await (0, import_autocannon.default)({ connections: 32, pipelining: 1, ...options });
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts
  };
};

// tests/helpers/events.ts
var BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

// server/src/segments/templates.ts
var SEGMENT_TEMPLATES = {
  "new-visitors": {
    slug: "new-visitors",
    name: "New Visitors",
    description: "In their first session.",
    kind: "rule",
    priority: 10,
    enabled: true,
    rules: { fact: "sessions", op: "lte", value: 1 }
  },
  "returning-engaged": {
    slug: "returning-engaged",
    name: "Returning Engaged",
    description: "Three or more sessions in the last 30 days, back within a week, and real reading: five minutes on pages or ten page views.",
    kind: "rule",
    priority: 20,
    enabled: true,
    rules: {
      all: [
        { fact: "sessions", op: "gte", value: 3, window: "30d" },
        { fact: "daysSinceLastSeen", op: "lte", value: 7 },
        { any: [{ fact: "dwell.total", op: "gte", value: 300 }, { fact: "pageviews", op: "gte", value: 10 }] }
      ]
    }
  },
  "technical-content-enthusiasts": {
    slug: "technical-content-enthusiasts",
    name: "Technical Content Enthusiasts",
    description: "At least a third of their interest goes to technical topics, over three or more page views.",
    kind: "rule",
    priority: 30,
    enabled: true,
    rules: {
      all: [
        { any: [{ fact: "topics.Technology", op: "gte", value: 0.33 }, { fact: "topics.Engineering", op: "gte", value: 0.33 }] },
        { fact: "pageviews", op: "gte", value: 3 }
      ]
    }
  },
  "occasional-buyers": {
    slug: "occasional-buyers",
    name: "Occasional Buyers",
    description: "One to three orders in all, none in the last 7 days.",
    kind: "rule",
    priority: 40,
    enabled: true,
    rules: {
      all: [
        { fact: "events.Order Completed", op: "between", value: [1, 3] },
        { fact: "events.Order Completed", op: "eq", value: 0, window: "7d" }
      ]
    }
  },
  "cart-abandoners": {
    slug: "cart-abandoners",
    name: "Cart Abandoners",
    description: "Added to cart in the last 7 days without ordering since.",
    kind: "rule",
    priority: 50,
    enabled: true,
    rules: {
      all: [
        { fact: "events.Product Added", op: "gte", value: 1, window: "7d" },
        { fact: "events.Order Completed", op: "eq", value: 0, window: "7d" }
      ]
    }
  },
  "most-engaged": {
    slug: "most-engaged",
    name: "Most Engaged (top 10 %)",
    description: "The top tenth of all visitors by engagement (sessions, page views, dwell time, events).",
    kind: "rule",
    priority: 15,
    enabled: true,
    rules: { fact: "engagement.percentile", op: "gte", value: 90 }
  }
};

// tests/bench/lib/fifty-segments.ts
var GENRES = ["Drama", "Comedy", "Action", "Thriller", "Sci-Fi", "Romance", "Adventure", "Crime", "Fantasy", "Animation"];
var fiftySegments = () => {
  const segments = Object.values(SEGMENT_TEMPLATES).map(
    ({ slug, name, rules, priority }) => ({ slug, name, rules, priority })
  );
  for (let i = 0; segments.length < 50; i++) {
    const genre = GENRES[i % GENRES.length];
    const shapes = [
      { all: [{ fact: `topics.${genre}`, op: "gte", value: 0.2 + i % 3 * 0.1 }, { fact: "pageviews", op: "gte", value: 3 }] },
      { fact: "events.CTA Clicked", op: "gte", value: 1 + i % 4, window: `${7 * (1 + i % 4)}d` },
      { any: [{ fact: "utm.source", op: "in", value: ["newsletter", "google"] }, { fact: "referrer.host", op: "contains", value: "google" }] },
      { all: [{ fact: "device.type", op: "eq", value: i % 2 ? "mobile" : "desktop" }, { fact: "sessions", op: "gte", value: 2, window: "30d" }] },
      { all: [{ fact: "category.video", op: "gte", value: 1 + i % 3 }, { not: { fact: "daysSinceLastSeen", op: "gt", value: 14 } }] }
    ];
    segments.push({ slug: `bench-${i}`, name: `Bench ${i}`, rules: shapes[i % shapes.length], priority: i });
  }
  return segments;
};

// tests/bench/.prof/profile-ingest.ts
var TOPICS = ["Drama", "Comedy", "Action", "Sci-Fi", "Thriller", "Animation"];
var counter = 0;
var template = (() => {
  const events = Array.from({ length: 20 }, (_, i) => {
    const kind = i % 5;
    const base = { messageId: `@ID@-${i}`, context: { page: { url: "https://example.com/movies/42", path: "/movies/42", referrer: "https://www.google.com/" } } };
    if (kind === 0) return { ...base, type: "page", properties: { topic: TOPICS[i % TOPICS.length] } };
    if (kind === 1) return { ...base, type: "track", event: "CTA Clicked", category: "cta", action: "click", label: "hero" };
    if (kind === 2) return { ...base, type: "track", event: "Scroll Depth", properties: { depth: 50, previous: 25 } };
    if (kind === 3) return { ...base, type: "track", event: "Dwell Time", properties: { seconds: 12 } };
    return { ...base, type: "track", event: "Video Playback Started", category: "video", action: "play" };
  });
  return JSON.stringify({ anonymousId: "bench-visitor-@VISITOR@", events }).split(/@ID@|@VISITOR@/);
})();
var batchBody = () => {
  const id = counter++;
  let body = template[0];
  for (let part = 1; part < template.length; part++) body += (part === 1 ? String(id % 5e3) : `p-${process.pid}-${id}`) + template[part];
  return body;
};
var headers = { "content-type": "application/json", "user-agent": BROWSER_UA };
(async () => {
  const segments = process.env.SEGMENTS ? { segments: fiftySegments() } : {};
  const server = await startBenchServer({ ingest: { perIpPerMinute: 1e6, perVisitorPerMinute: 1e6 }, ...segments });
  const path2 = process.env.ROUTE ?? "/api/personalization/events";
  const r = await load({ url: `${server.url}${path2}`, duration: Number(process.env.SECONDS ?? 15), requests: [{ method: process.env.GET ? "GET" : "POST", headers, setupRequest: (req) => process.env.GET ? req : { ...req, body: batchBody() } }] });
  console.log(JSON.stringify(r));
  if (process.env.STATS) {
    const { Redis } = await import("ioredis");
    const client = new Redis({ port: server.redisPort });
    const stats = await client.info("commandstats");
    console.log(stats.split("\n").filter((l) => l.startsWith("cmdstat")).map((l) => l.replace(/,rejected_calls.*$/, "")).join("\n"));
    console.log((await client.info("cpu")).split("\n").filter((l) => l.startsWith("used_cpu")).join(" "));
    client.disconnect();
  }
  await server.stop();
})();
