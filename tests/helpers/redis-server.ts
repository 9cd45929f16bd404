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
  /** The server's data directory (its AOF, if any, lives here and survives `kill`/`restart`). */
  dir: string;
  /** A plain client for assertions on what the plugin wrote (it reconnects after a restart). */
  client: Redis;
  /** SIGSTOP: the server keeps its socket but stops answering (a hung Redis). */
  pause(): void;
  resume(): void;
  /** SIGKILL: a crash; nothing is flushed, the port closes. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, from the same directory and options (after `kill`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** More server options, after the defaults (so they win): `['--maxmemory-policy', 'allkeys-lru']`. */
  args?: string[];
  /** Append-only file with this fsync policy (default: no persistence at all). */
  appendfsync?: 'always' | 'everysec' | 'no';
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
 * never touch a Redis the machine may already run. `DEBUG` is allowed from local clients (fault
 * tests use `DEBUG SLEEP`).
 */
export const startRedis = async ({ args = [], appendfsync }: RedisOptions = {}): Promise<PrivateRedis> => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-redis-'));
  const persistence = appendfsync ? ['--appendonly', 'yes', '--appendfsync', appendfsync] : ['--appendonly', 'no'];
  const argv = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--enable-debug-command', 'local', ...persistence, ...args];
  let child: ChildProcess;
  let exited: Promise<void>;
  let paused = false;
  const spawnServer = async () => {
    child = spawn('redis-server', argv, { stdio: 'ignore' });
    const current = child;
    exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    await waitForPing(port, Date.now() + 10_000);
  };
  const running = () => child.exitCode === null && child.signalCode === null;
  await spawnServer();
  const client = new Redis({ port, host: '127.0.0.1' });
  // The assertion client outlives kills: its reconnect errors are expected, not failures.
  client.on('error', () => {});
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    client,
    pause() {
      child.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      child.kill('SIGCONT');
      paused = false;
    },
    async kill() {
      if (!running()) return;
      child.kill('SIGKILL');
      paused = false;
      await exited;
    },
    async restart() {
      if (running()) throw new Error('redis-server is still running: kill it first');
      await spawnServer();
    },
    async stop() {
      client.disconnect();
      if (running()) {
        if (paused) child.kill('SIGCONT');
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
