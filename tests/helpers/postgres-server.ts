import { spawn, spawnSync, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface PrivatePostgres {
  port: number;
  database: string;
  /** What the test app's config/database.ts reads to use this server instead of SQLite. */
  env: Record<string, string>;
  /** A connection for assertions on what the plugin wrote (opened on first use). */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  stop(): Promise<void>;
}

/** Debian installs the server binaries per major version, off PATH; the newest one is taken. */
export const postgresBinDir = (): string | null => {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
};

/**
 * PostgreSQL refuses to run as root: as root (CI, containers) the server runs as the `postgres` user
 * the Debian package creates, through setpriv, which execs, so signals reach the server itself.
 */
const asServerUser = (command: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]]
    : [command, args];

const connect = async (port: number, database: string, deadline: number): Promise<Client> => {
  for (;;) {
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};

/**
 * Starts a private PostgreSQL from the Debian package's binaries (initdb, then the server in the
 * foreground) on a free port with its data in a temporary directory, and creates one database. It
 * never touches a PostgreSQL the machine may already run. Durability is off (fsync, synchronous
 * commit): the data is thrown away with the directory.
 */
export const startPostgres = async ({ database = 'personalization' } = {}): Promise<PrivatePostgres> => {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-pg-'));
  if (process.getuid?.() === 0) fs.chownSync(dir, Number(spawnSync('id', ['-u', 'postgres']).stdout), Number(spawnSync('id', ['-g', 'postgres']).stdout));
  const dataDir = path.join(dir, 'data');

  const [initCommand, initArgs] = asServerUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr.slice(0, 2000)}`);

  const [command, args] = asServerUser(path.join(bin, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off', '-c', 'max_connections=200',
  ]);
  const child: ChildProcess = spawn(command, args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const admin = await connect(port, 'postgres', Date.now() + 30_000);
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();

  let client: Client | null = null;
  return {
    port,
    database,
    env: {
      DATABASE_CLIENT: 'postgres',
      DATABASE_HOST: '127.0.0.1',
      DATABASE_PORT: String(port),
      DATABASE_NAME: database,
      DATABASE_USERNAME: 'postgres',
      DATABASE_PASSWORD: '',
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      client ??= await connect(port, database, Date.now() + 10_000);
      return (await client.query(sql, params)).rows as Row[];
    },
    async stop() {
      await client?.end().catch(() => undefined);
      child.kill('SIGINT'); // fast shutdown: aborts open transactions, closes connections
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
