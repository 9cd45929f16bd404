import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

export interface PrivateRedis {
  url: string;
  port: number;
  /** A plain client for assertions on what the plugin wrote. */
  client: Redis;
  /** SIGSTOP: the server keeps its socket but stops answering (a hung Redis). */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const waitForPing = async (port: number, deadline: number): Promise<void> => {
  for (;;) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
};

/**
 * Starts a private `redis-server` (from PATH) on a free port with its own data directory, so tests
 * never touch a Redis the machine may already run.
 */
export const startRedis = async (): Promise<PrivateRedis> => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: 'ignore' }
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPing(port, Date.now() + 10_000);
  const client = new Redis({ port, host: '127.0.0.1' });
  let paused = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    client,
    pause() {
      child.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      child.kill('SIGCONT');
      paused = false;
    },
    async stop() {
      client.disconnect();
      if (paused) child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
