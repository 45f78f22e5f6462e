import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PID_FILE, type PidFile, type ProcessRecord } from '../../scripts/dev-orphans';

// Issue 14, defect 6: a SIGKILLed `npm run dev` left its Temporal dev server and PostgreSQL
// running on the ports; the next start connected to them. Now the next start stops them (by the
// PID file under the data directory), and a start that finds a port taken says which and stops.
const root = path.resolve(__dirname, '../..');

interface Dev {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnDev(env: NodeJS.ProcessEnv): Dev {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
    cwd: root,
    env,
    detached: true, // its own process group, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function startDev(env: NodeJS.ProcessEnv): Promise<Dev> {
  const dev = spawnDev(env);
  const deadline = Date.now() + 240_000;
  while (!dev.output().includes('press Ctrl-C to stop')) {
    if (dev.child.exitCode !== null) throw new Error(`npm run dev exited early (${dev.child.exitCode}):\n${dev.output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`npm run dev did not come up in 240 s:\n${dev.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return dev;
}

function exitWithin(dev: Dev, ms: number): Promise<number | null | 'timeout'> {
  return Promise.race([dev.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);
}

async function ctrlC(dev: Dev): Promise<number | null> {
  if (dev.child.exitCode !== null || dev.child.signalCode !== null) return dev.child.exitCode;
  process.kill(-dev.child.pid!, 'SIGINT');
  const code = await exitWithin(dev, 60_000);
  if (code !== 'timeout') return code;
  process.kill(-dev.child.pid!, 'SIGKILL');
  return dev.exited;
}

/** Still the recorded process: same start time (field 22 of /proc/<pid>/stat) and command line. */
function alive(record: ProcessRecord): boolean {
  try {
    const stat = readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').replace(/\0$/, '');
    return fields[0] !== 'Z' && fields[19] === record.startTime && cmdline === record.cmdline;
  } catch {
    return false;
  }
}

function ppid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Whether 127.0.0.1:port can be bound now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function healthz(api: string): Promise<number> {
  const res = await fetch(`${api}/healthz`, { signal: AbortSignal.timeout(10_000) });
  await res.text();
  return res.status;
}

const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('npm run dev after a SIGKILL', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-dev-orphans-'));
  chmodSync(dataDir, 0o755);
  const liveDataDir = path.join(dataDir, 'data');
  const pidFile = path.join(liveDataDir, PID_FILE);
  let env: NodeJS.ProcessEnv;
  const devs: Dev[] = [];
  const recorded: ProcessRecord[] = [];
  let blocker: net.Server | undefined;

  beforeAll(async () => {
    // Six different free ports below the kernel's ephemeral range (32768+), where the suites running
    // beside this one (dev.test.ts among them) take theirs: two dev stacks never share a port.
    const ports = new Set<number>();
    for (let i = 0; i < 200 && ports.size < 6; i++) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (!ports.has(port) && (await isFree(port))) ports.add(port);
    }
    const [api, temporal, ui, pg, metrics, sdkMetrics] = [...ports];
    env = { ...process.env, TZ: 'UTC', NODE_ENV: 'development', LOG_LEVEL: 'warn', LIFELINE_DATA_DIR: liveDataDir };
    delete env.TEMPORAL_ADDRESS;
    delete env.DATABASE_URL;
    delete env.LIFELINE_ADMIN_API_KEY;
    Object.assign(env, {
      PORT: String(api),
      DEV_TEMPORAL_PORT: String(temporal),
      DEV_TEMPORAL_UI_PORT: String(ui),
      DEV_POSTGRES_PORT: String(pg),
      WORKER_METRICS_PORT: String(metrics),
      WORKER_SDK_METRICS_PORT: String(sdkMetrics),
    });
  });

  afterAll(async () => {
    for (const dev of devs) await ctrlC(dev);
    // Whatever this test recorded and is still that very process (never a reused PID).
    for (const record of recorded) {
      if (!alive(record)) continue;
      process.kill(record.pid, 'SIGTERM');
      for (let i = 0; i < 150 && alive(record); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive(record)) process.kill(record.pid, 'SIGKILL');
    }
    await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops the orphans of a killed dev process, and refuses a port that is taken', async () => {
    const api = `http://127.0.0.1:${env.PORT}`;
    const first = await startDev(env);
    devs.push(first);
    const file = JSON.parse(readFileSync(pidFile, 'utf8')) as PidFile;
    expect(file.dev.pid).toBe(first.child.pid);
    expect(file.children.map((c) => c.role).sort()).toEqual(['PostgreSQL postmaster', 'Temporal dev server']);
    recorded.push(...file.children);
    for (const child of file.children) expect(ppid(child.pid)).toBe(first.child.pid);

    // SIGKILL the dev process alone (not its group): its servers live on as orphans.
    process.kill(first.child.pid!, 'SIGKILL');
    expect(await exitWithin(first, 10_000)).not.toBe('timeout');
    for (const child of file.children) {
      expect(alive(child)).toBe(true);
      expect(ppid(child.pid)).not.toBe(first.child.pid);
    }

    // The next start stops them, says so, and comes up on the same ports.
    const second = await startDev(env);
    devs.push(second);
    for (const child of file.children) {
      expect(second.output()).toContain(`stopping the ${child.role} (pid ${child.pid})`);
      expect(alive(child)).toBe(false);
    }
    expect(await healthz(api)).toBe(200);
    const now = JSON.parse(readFileSync(pidFile, 'utf8')) as PidFile;
    recorded.push(...now.children);
    expect(now.dev.pid).toBe(second.child.pid);

    // An orderly stop removes the PID file.
    expect(await ctrlC(second)).toBe(0);
    expect(existsSync(pidFile)).toBe(false);

    // Something else holds the API port: the start names it and exits non-zero, starting nothing.
    blocker = net.createServer();
    await new Promise<void>((resolve, reject) => blocker!.once('error', reject).listen(Number(env.PORT), '127.0.0.1', resolve));
    const third = spawnDev(env);
    devs.push(third);
    const code = await exitWithin(third, 60_000);
    expect(code).not.toBe('timeout');
    expect(code).not.toBe(0);
    expect(third.output()).toContain(`port ${env.PORT} (API) on 127.0.0.1 is already in use by pid ${process.pid}`);
    expect(third.output()).not.toContain('starting Temporal dev server');
    expect(existsSync(pidFile)).toBe(false);
  });
});
