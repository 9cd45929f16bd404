import { spawn } from 'child_process';
import path from 'path';

export interface AppProcess {
  url: string;
  stop(): Promise<void>;
  /** SIGTERM: a graceful stop, as an orchestrator sends it (Strapi destroys itself, then exits). */
  terminate(): Promise<void>;
  /** SIGKILL: a crash, with nothing cleaned up. */
  kill(): Promise<void>;
  /** What the process has written to its standard output so far (Strapi's log). */
  output(): string;
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
  /** Strapi's log level (default `error`); read what it logs with `output()`. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
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
      STRAPI_LOG_LEVEL: options.logLevel ?? 'error',
      STRAPI_TELEMETRY_DISABLED: 'true',
      PSN_REDIS_URL: options.redisUrl,
      PSN_CONFIG_JSON: JSON.stringify(options.pluginConfig ?? {}),
      ...options.databaseEnv,
    }),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"url"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the second app instance exited with ${code}`)));
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const signal = (name: NodeJS.Signals) => (): Promise<void> =>
    new Promise((resolve) => {
      if (exited()) return resolve();
      child.once('exit', () => resolve());
      child.kill(name);
    });
  return {
    url,
    output: () => output,
    kill: signal('SIGKILL'),
    terminate: signal('SIGTERM'),
    stop: () =>
      new Promise((resolve) => {
        if (exited()) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
};
