import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
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

/** One raw PING over TCP (an ioredis client that fails to connect lingers for seconds). */
const pingOnce = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

const waitForPing = async (port: number, deadline: number): Promise<void> => {
  while (!(await pingOnce(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * Starts a private `redis-server` (from PATH) on a free port with its own data directory, so tests
 * never touch a Redis the machine may already run. `args` are more server options.
 */
export const startRedis = async ({ args = [] }: { args?: string[] } = {}): Promise<PrivateRedis> => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...args],
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
