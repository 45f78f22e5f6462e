/**
 * What the issue-14 benchmarks (breach-lag, openings, scale, ticket-list) share: bounded waits that
 * stop on Ctrl-C or the run's limit, percentiles, the git state of a run, their section of
 * RESULTS.md, and the runner that stops everything a benchmark started, in reverse order.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DefaultLogger, Runtime } from '@temporalio/worker';

const ROOT = path.resolve(__dirname, '..');

let aborted = false;
/** Ctrl-C or the run's time limit: every wait from now on throws Aborted. */
export const isAborted = () => aborted;

export class Aborted extends Error {
  constructor() {
    super('interrupted');
  }
}

export const delay = (ms: number) =>
  aborted ? Promise.reject(new Aborted()) : new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function stats(values: number[]): Stats {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  // Nearest rank.
  const pct = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN);
  return {
    n: s.length,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: s.at(-1) ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
  };
}

export const fmtMs = (ms: number) => (Number.isNaN(ms) ? '—' : Math.abs(ms) < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
export const ratio = (a: number, b: number, digits = 2) => (Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(digits)}×` : '—');
export const fmtN = (n: number) => n.toLocaleString('en-US');

/** Starts `n` things `everyMs` apart (not waiting for one before the next); returns when all started. */
export async function paced<T>(n: number, everyMs: number, startOne: (i: number) => Promise<T>): Promise<T[]> {
  const t0 = Date.now();
  const all: Promise<T>[] = [];
  for (let i = 0; i < n; i++) {
    await delay(t0 + i * everyMs - Date.now());
    all.push(startOne(i));
  }
  return Promise.all(all);
}

/** Runs `fn` over `items`, at most `width` at a time. */
export async function eachLimited<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** The commit a run measured, marked when the folders it exercises had uncommitted changes. */
export function gitDescription(measured: string[]): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', ...measured], { cwd: ROOT, encoding: 'utf8' });
    const folders = [
      ...new Set(
        dirty
          .split('\n')
          .filter(Boolean)
          .map((l) => l.slice(3).split('/')[0]),
      ),
    ];
    return dirty.trim() ? `commit ${head} plus uncommitted changes in ${folders.join(', ')}/` : `commit ${head}`;
  } catch {
    return 'unknown commit';
  }
}

/** Replaces the benchmark's own section (`## bench/<name>` to the next `## `) of RESULTS.md, or appends it. */
export function writeSection(name: string, section: string): void {
  const file = path.join(__dirname, 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const mine = new RegExp(`^## bench/${name}[^\\n]*\\n(?:(?!## )[^\\n]*\\n?)*`, 'm');
  const text = `${section.trimEnd()}\n`;
  writeFileSync(
    file,
    mine.test(previous) ? previous.replace(mine, (old) => (old.endsWith('\n\n') ? `${text}\n` : text)) : `${previous.trimEnd()}\n\n${text}`,
  );
}

/** What a benchmark started, with how to stop it; stopped in reverse order whatever happens. */
export type Stops = Array<[string, () => Promise<unknown>]>;

/**
 * Runs a benchmark as a process: refuses bad sizes (exit 2), stops on Ctrl-C or after `runLimitMs`
 * (exit 130), stops everything it started (each stop bounded to a minute), then exits.
 */
export function runBench(options: {
  log: (line: string) => void;
  runLimitMs: number;
  /** Why the sizes cannot run, if they cannot. */
  invalid?: () => string | undefined;
  bench: (stops: Stops, runStarted: number) => Promise<void>;
}): void {
  const { log, runLimitMs } = options;
  const main = async (): Promise<number> => {
    process.env.TZ = 'UTC';
    const invalid = options.invalid?.();
    if (invalid) {
      log(invalid);
      return 2;
    }
    const runStarted = performance.now();
    Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
    const onSignal = () => {
      if (!aborted) log('interrupted: stopping everything');
      aborted = true;
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const watchdog = setTimeout(() => {
      log(`the run passed ${Math.round(runLimitMs / 60_000)} min: stopping`);
      aborted = true;
    }, runLimitMs);
    watchdog.unref();
    const stops: Stops = [];
    let code = 0;
    try {
      await options.bench(stops, runStarted);
    } catch (err) {
      code = aborted || err instanceof Aborted ? 130 : 1;
      process.exitCode = code; // a stop may say more when the run failed
      log(code === 130 ? 'interrupted; nothing written' : `failed: ${(err as Error).stack ?? String(err)}`);
    } finally {
      for (const [what, stop] of stops.reverse()) {
        await withTimeout(Promise.resolve().then(stop), 60_000, `stopping ${what}`).catch((err: Error) =>
          log(`while stopping ${what}: ${err.message}`),
        );
      }
      clearTimeout(watchdog);
    }
    return code;
  };
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      log(err.stack ?? err.message);
      process.exit(1);
    },
  );
}
