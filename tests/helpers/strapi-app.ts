import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { freePort } from './free-port';
import { APP_DIR, APP_DIST_DIR } from './paths';

export interface TestAppOptions {
  /** Redis URL for the plugin; omit with `store: 'memory'`. */
  redisUrl?: string;
  store?: 'memory';
  /** Merged over the plugin config (PSN_CONFIG_JSON). */
  pluginConfig?: Record<string, unknown>;
  /** An SQLite file to use (and keep), so that a second boot finds the first one's data. */
  databaseFile?: string;
  /** Another database instead of SQLite: `startPostgres().env`. */
  databaseEnv?: Record<string, string>;
  /** Serve the admin panel built by `npm test` (tests/app/dist/build), for browser tests of the admin. */
  serveAdminPanel?: boolean;
}

export interface TestApp {
  strapi: Core.Strapi;
  /** The HTTP server to hand to supertest. */
  server: Core.Strapi['server']['httpServer'];
  /** Listens on a free port of 127.0.0.1 (for a browser); resolves to the base URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Sets these variables (undefined: unset) and returns what puts them back as they were. Strapi reads
 * its configuration from the environment at boot; left behind, one suite's plugin config would reach
 * every later suite and every child process spawned with this environment (a dead Redis Cluster's
 * nodes once reached the Content-Type Builder test's `strapi develop`, whose restart then hung).
 */
const setEnv = (values: Record<string, string | undefined>): (() => void) => {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (entries: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  return () => apply(previous);
};

/**
 * Boots the test app (tests/app, compiled by `npm test` into tests/app/dist) in this process with
 * its own SQLite file, without the admin panel unless asked, and mounts its routes for supertest.
 */
export const startTestApp = async (options: TestAppOptions): Promise<TestApp> => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-app-'));
  const restoreEnv = setEnv({
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: options.databaseFile ?? path.join(tmp, 'data.db'),
    STRAPI_LOG_LEVEL: process.env.STRAPI_LOG_LEVEL ?? 'error',
    STRAPI_TELEMETRY_DISABLED: 'true',
    PSN_STORE: options.store,
    PSN_REDIS_URL: options.redisUrl,
    PSN_CONFIG_JSON: options.pluginConfig ? JSON.stringify(options.pluginConfig) : undefined,
    ...options.databaseEnv,
  });
  // Required lazily so that jest's module registry gives every suite a fresh Strapi.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = createStrapi({
    appDir: APP_DIR,
    distDir: APP_DIST_DIR,
    autoReload: false,
    serveAdminPanel: options.serveAdminPanel ?? false,
  });
  try {
    await strapi.load();
  } catch (error) {
    restoreEnv();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  await strapi.server.mount();
  return {
    strapi,
    server: strapi.server.httpServer,
    async listen() {
      const port = await freePort();
      await new Promise<void>((resolve) => strapi.server.httpServer.listen(port, '127.0.0.1', resolve));
      return `http://127.0.0.1:${port}`;
    },
    async stop() {
      await strapi.destroy();
      restoreEnv();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
};
