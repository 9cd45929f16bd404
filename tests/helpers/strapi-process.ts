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

export interface AppProcessOptions {
  redisUrl: string;
  databaseFile: string;
  pluginConfig?: Record<string, unknown>;
  /** Strapi's log level (default `error`); read what it logs with `output()`. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

/**
 * A second instance of the test app, in its own process (Strapi keeps one instance per process), on
 * the same database file and Redis as the first.
 */
export const startAppProcess = async (options: AppProcessOptions): Promise<AppProcess> => {
  const child = spawn(process.execPath, [path.join(__dirname, 'app-process.js')], {
    env: {
      ...process.env,
      DATABASE_CLIENT: 'sqlite',
      DATABASE_FILENAME: options.databaseFile,
      STRAPI_LOG_LEVEL: options.logLevel ?? 'error',
      STRAPI_TELEMETRY_DISABLED: 'true',
      PSN_REDIS_URL: options.redisUrl,
      PSN_CONFIG_JSON: JSON.stringify(options.pluginConfig ?? {}),
    },
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
