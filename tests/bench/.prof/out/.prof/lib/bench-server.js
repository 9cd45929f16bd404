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

// tests/helpers/redis-server.ts
var import_child_process = require("child_process");
var import_fs = __toESM(require("fs"));
var import_net2 = __toESM(require("net"));
var import_os = __toESM(require("os"));
var import_path = __toESM(require("path"));
var import_ioredis = require("ioredis");

// tests/helpers/free-port.ts
var import_net = __toESM(require("net"));
var freePort = () => new Promise((resolve, reject) => {
  const server = import_net.default.createServer();
  server.unref();
  server.on("error", reject);
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

// tests/helpers/redis-server.ts
var pingOnce = (port) => new Promise((resolve) => {
  const socket = import_net2.default.connect(port, "127.0.0.1");
  socket.setTimeout(500);
  socket.once("connect", () => socket.write("PING\r\n"));
  socket.once("data", (data) => {
    socket.destroy();
    resolve(data.toString().startsWith("+PONG"));
  });
  socket.once("error", () => resolve(false));
  socket.once("timeout", () => {
    socket.destroy();
    resolve(false);
  });
});
var waitForPing = async (port, deadline) => {
  while (!await pingOnce(port)) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
var startRedis = async () => {
  const port = await freePort();
  const dir = import_fs.default.mkdtempSync(import_path.default.join(import_os.default.tmpdir(), "psn-redis-"));
  const child = (0, import_child_process.spawn)(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { stdio: "ignore" }
  );
  const exited = new Promise((resolve) => child.once("exit", () => resolve()));
  await waitForPing(port, Date.now() + 1e4);
  const client = new import_ioredis.Redis({ port, host: "127.0.0.1" });
  let paused = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    client,
    pause() {
      child.kill("SIGSTOP");
      paused = true;
    },
    resume() {
      child.kill("SIGCONT");
      paused = false;
    },
    async stop() {
      client.disconnect();
      if (paused) child.kill("SIGCONT");
      child.kill("SIGTERM");
      await exited;
      import_fs.default.rmSync(dir, { recursive: true, force: true });
    }
  };
};

// tests/helpers/strapi-app.ts
var import_fs3 = __toESM(require("fs"));
var import_os2 = __toESM(require("os"));
var import_path3 = __toESM(require("path"));

// tests/helpers/paths.ts
var import_fs2 = __toESM(require("fs"));
var import_path2 = __toESM(require("path"));
var findRoot = (from) => {
  let dir = from;
  while (!import_fs2.default.existsSync(import_path2.default.join(dir, "strapi-server.ts"))) {
    const parent = import_path2.default.dirname(dir);
    if (parent === dir) throw new Error("repository root not found");
    dir = parent;
  }
  return dir;
};
var REPO_ROOT = findRoot(__dirname);
var APP_DIR = import_path2.default.join(REPO_ROOT, "tests", "app");
var APP_DIST_DIR = import_path2.default.join(APP_DIR, "dist");

// tests/helpers/strapi-app.ts
var setEnv = (values) => {
  for (const [key, value] of Object.entries(values)) {
    if (value === void 0) delete process.env[key];
    else process.env[key] = value;
  }
};
var startTestApp = async (options) => {
  const tmp = import_fs3.default.mkdtempSync(import_path3.default.join(import_os2.default.tmpdir(), "psn-app-"));
  setEnv({
    DATABASE_CLIENT: "sqlite",
    DATABASE_FILENAME: options.databaseFile ?? import_path3.default.join(tmp, "data.db"),
    STRAPI_LOG_LEVEL: process.env.STRAPI_LOG_LEVEL ?? "error",
    STRAPI_TELEMETRY_DISABLED: "true",
    PSN_STORE: options.store,
    PSN_REDIS_URL: options.redisUrl,
    PSN_CONFIG_JSON: options.pluginConfig ? JSON.stringify(options.pluginConfig) : void 0
  });
  const { createStrapi } = require("@strapi/strapi");
  const strapi = createStrapi({
    appDir: APP_DIR,
    distDir: APP_DIST_DIR,
    autoReload: false,
    serveAdminPanel: options.serveAdminPanel ?? false
  });
  try {
    await strapi.load();
  } catch (error) {
    import_fs3.default.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  await strapi.server.mount();
  return {
    strapi,
    server: strapi.server.httpServer,
    async listen() {
      const port = await freePort();
      await new Promise((resolve) => strapi.server.httpServer.listen(port, "127.0.0.1", resolve));
      return `http://127.0.0.1:${port}`;
    },
    async stop() {
      await strapi.destroy();
      import_fs3.default.rmSync(tmp, { recursive: true, force: true });
    }
  };
};

// tests/bench/lib/resolution-setup.ts
var BENCH_SEGMENT = "bench-fans";
var BENCH_VISITOR = "bench-visitor-resolution";
var setupResolution = async (strapi) => {
  const plugin = strapi.plugin("personalization");
  await plugin.service("segments").create({ slug: BENCH_SEGMENT, name: "Bench fans", kind: "rule", priority: 0, enabled: true, rules: { fact: "pageviews", op: "gte", value: 1 } });
  const documentIds = [];
  for (let i = 0; i < 25; i++) {
    const article = await strapi.documents("api::article.article").create({
      data: { title: `Benchmark article ${i}`, topic: "Sci-Fi", cta: "Read more", summary: `Summary ${i}`, readingMinutes: i },
      locale: "en",
      status: "published"
    });
    await plugin.service("variants").create({
      contentType: "api::article.article",
      documentId: article.documentId,
      locale: "en",
      segment: BENCH_SEGMENT,
      priority: 0,
      enabled: true,
      fields: { cta: "Watch the demo", summary: `Personalized summary ${i}` }
    });
    documentIds.push(article.documentId);
  }
  await plugin.service("store").get().writeSegments(BENCH_VISITOR, [BENCH_SEGMENT], 86400);
  return { documentIds };
};
var countQueries = async (strapi, url, headers) => {
  let queries = 0;
  const onQuery = () => {
    queries += 1;
  };
  const connection = strapi.db.connection;
  connection.on("query", onQuery);
  try {
    const response = await fetch(url, { headers });
    await response.text();
  } finally {
    connection.off("query", onQuery);
  }
  return queries;
};

// tests/bench/lib/bench-server.ts
var main = async () => {
  const redis = await startRedis();
  const pluginConfig = JSON.parse(process.env.BENCH_PLUGIN_CONFIG ?? "{}");
  const app = await startTestApp({ redisUrl: redis.url, pluginConfig });
  const url = await app.listen();
  const extra = {};
  if (process.env.BENCH_SETUP === "resolution") {
    const { documentIds } = await setupResolution(app.strapi);
    const list = `${url}/api/articles?pagination[pageSize]=25`;
    await countQueries(app.strapi, list, { "x-visitor-id": BENCH_VISITOR });
    extra.documentIds = documentIds;
    extra.listQueries = {
      plain: await countQueries(app.strapi, `${list}&psn=off`, { "x-visitor-id": BENCH_VISITOR }),
      personalized: await countQueries(app.strapi, list, { "x-visitor-id": BENCH_VISITOR })
    };
  }
  process.stdout.write(`${JSON.stringify({ url, redisPort: redis.port, ...extra })}
`);
  process.on("message", async (message) => {
    if (message !== "stop") return;
    await app.stop();
    await redis.stop();
    process.exit(0);
  });
};
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
