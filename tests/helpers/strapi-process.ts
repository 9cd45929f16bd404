import { spawn } from 'child_process';
import path from 'path';

export interface AppProcess {
  url: string;
  stop(): Promise<void>;
  /** SIGKILL: a crash, with nothing cleaned up. */
  kill(): Promise<void>;
}

/** spawn() would pass an undefined value on as the string "undefined". */
const withoutUndefined = (env: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));

export interface AppProcessOptions {
  redisUrl?: string;
  /** The SQLite file the first instance uses. */
  databaseFile?: string;
  /** Another database instead of SQLite: `startPostgres().env`. */
  databaseEnv?: Record<string, string>;
  pluginConfig?: Record<string, unknown>;
}

/**
 * A second instance of the test app, in its own process (Strapi keeps one instance per process), on
 * the same database and Redis as the first.
 */
export const startAppProcess = async (options: AppProcessOptions): Promise<AppProcess> => {
  const child = spawn(process.execPath, [path.join(__dirname, 'app-process.js')], {
    env: withoutUndefined({
      ...process.env,
      DATABASE_CLIENT: 'sqlite',
      DATABASE_FILENAME: options.databaseFile,
      STRAPI_LOG_LEVEL: 'error',
      STRAPI_TELEMETRY_DISABLED: 'true',
      PSN_REDIS_URL: options.redisUrl,
      PSN_CONFIG_JSON: JSON.stringify(options.pluginConfig ?? {}),
      ...options.databaseEnv,
    }),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the second app instance exited with ${code}`)));
  });
  return {
    url,
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
};
