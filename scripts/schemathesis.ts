/**
 * Finds the schemathesis CLI that test/fuzz/schemathesis.test.ts runs against the API, like
 * temporal-binaries.ts finds the Temporal binaries (docs/architecture.md, "Real components"):
 *   1. an explicit path from the environment (SCHEMATHESIS_PATH, any schemathesis executable);
 *   2. a virtualenv cached in the per-user tool cache (LIFELINE_TOOL_CACHE, else ~/.cache/lifeline/tools),
 *      next to the Temporal binaries: schemathesis-<version>/schemathesis;
 *   3. a build from PyPI: `python3 -m venv` and `pip install schemathesis==<version>`, its dependencies
 *      pinned by a constraints file (a minute at most, once).
 *
 * A virtualenv's own scripts name its directory in their `#!` line, so it cannot be moved once built;
 * the venv's python can. The build is made in a temporary directory beside the cache entry and renamed
 * into place when complete (a half-built venv is never picked up), and it is run through a wrapper,
 * `schemathesis-<version>/schemathesis`, that `exec`s the venv's python on schemathesis's CLI.
 */
import { execFile } from 'node:child_process';
import { access, chmod, constants, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { publish, toolCacheDir, type ProgressLog } from './temporal-binaries';

const execFileAsync = promisify(execFile);

/** Pinned: its checks and report formats are what the fuzz test reads. */
export const SCHEMATHESIS_VERSION = '4.32.5';
/**
 * Its dependencies as pip resolved them for 4.32.5 (2026-12), pinned too (a pip constraints file),
 * so a build next year runs the same generator. Change them with SCHEMATHESIS_VERSION.
 */
export const SCHEMATHESIS_CONSTRAINTS = [
  'anyio==4.16.0',
  'certifi==2026.10.19.post1',
  'charset-normalizer==3.5.3',
  'click==8.5.1',
  'graphql-core==3.3.2',
  'harfile==0.6.0',
  'hypothesis==6.170.17',
  'hypothesis-graphql==0.13.5',
  'idna==3.20',
  'iniconfig==2.3.1',
  'jsonschema_rs==0.60.3',
  'markdown-it-py==4.3.0',
  'MarkupSafe==3.0.4',
  'mdurl==0.1.2',
  'packaging==26.4',
  'pluggy==1.7.0',
  'Pygments==2.21.0',
  'pyrate-limiter==4.5.1',
  'pytest==9.2.0',
  'PyYAML==6.0.4',
  'requests==2.34.2',
  'rich==15.0.0',
  'sortedcontainers==2.4.0',
  'typing_extensions==4.16.0',
  'urllib3==2.8.0',
  'Werkzeug==3.1.9',
];

export type SchemathesisSource = 'environment' | 'tool-cache' | 'registry-build';

export interface ResolvedSchemathesis {
  /** An executable taking schemathesis's own arguments (`run …`). */
  path: string;
  source: SchemathesisSource;
}

const defaultLog: ProgressLog = (line) => process.stderr.write(`[lifeline:tools] ${line}\n`);

export function cachedSchemathesisDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(toolCacheDir(env), `schemathesis-${SCHEMATHESIS_VERSION}`);
}

export function cachedSchemathesisPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cachedSchemathesisDir(env), 'schemathesis');
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The wrapper `exec`s the venv's python, so a signal sent to it reaches schemathesis itself. */
export function schemathesisWrapper(): string {
  return `#!/bin/sh
# schemathesis ${SCHEMATHESIS_VERSION} from PyPI, in a virtualenv built by Lifeline (scripts/schemathesis.ts).
dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec "$dir/venv/bin/python" -c 'import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis(prog_name="schemathesis"))' "$@"
`;
}

async function build(env: NodeJS.ProcessEnv, log: ProgressLog): Promise<string> {
  const targetDir = cachedSchemathesisDir(env);
  await mkdir(path.dirname(targetDir), { recursive: true });
  const buildDir = await mkdtemp(`${targetDir}.build-`);
  const venv = path.join(buildDir, 'venv');
  const python = env.LIFELINE_PYTHON || 'python3';
  const started = Date.now();
  try {
    log(`creating a virtualenv for schemathesis ${SCHEMATHESIS_VERSION}: ${python} -m venv ${venv}`);
    await execFileAsync(python, ['-m', 'venv', venv], { env, maxBuffer: 16 * 1024 * 1024 });
    const constraints = path.join(buildDir, 'constraints.txt');
    await writeFile(constraints, `${SCHEMATHESIS_CONSTRAINTS.join('\n')}\n`);
    log(`installing schemathesis==${SCHEMATHESIS_VERSION} and its pinned dependencies from PyPI with pip (a minute at most, once)...`);
    await execFileAsync(
      path.join(venv, 'bin', 'python'),
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-input',
        '-c',
        constraints,
        `schemathesis==${SCHEMATHESIS_VERSION}`,
      ],
      { env: { ...env, PIP_NO_INPUT: '1' }, maxBuffer: 64 * 1024 * 1024 },
    );
    const wrapper = path.join(buildDir, 'schemathesis');
    await writeFile(wrapper, schemathesisWrapper());
    await chmod(wrapper, 0o755);
    const { stdout } = await execFileAsync(wrapper, ['--version'], { env });
    if (!stdout.includes(SCHEMATHESIS_VERSION)) throw new Error(`the new virtualenv reports ${stdout.trim()}, not ${SCHEMATHESIS_VERSION}`);
    await publish(buildDir, targetDir);
  } catch (err) {
    await rm(buildDir, { recursive: true, force: true });
    throw err;
  }
  const target = cachedSchemathesisPath(env);
  log(`built schemathesis ${SCHEMATHESIS_VERSION} in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return target;
}

function describeFailure(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim().split('\n').slice(-5).join('\n    ');
}

/** Concurrent callers (two `npm test` runs) may both build; the first rename wins and the other's build is dropped. */
export async function resolveSchemathesis(
  env: NodeJS.ProcessEnv = process.env,
  log: ProgressLog = defaultLog,
): Promise<ResolvedSchemathesis> {
  const explicit = env.SCHEMATHESIS_PATH;
  if (explicit) {
    const file = path.resolve(explicit);
    if (!(await isExecutable(file))) throw new Error(`SCHEMATHESIS_PATH=${explicit} is not an executable file`);
    return { path: file, source: 'environment' };
  }
  const cached = cachedSchemathesisPath(env);
  const hasWrapper = await isExecutable(cached);
  if (hasWrapper && (await isExecutable(path.join(path.dirname(cached), 'venv', 'bin', 'python')))) {
    return { path: cached, source: 'tool-cache' };
  }
  if (hasWrapper) {
    // Builds are published whole, so only a hand-edited cache gets here; it would block the new build's rename.
    log(`${path.dirname(cached)} has no virtualenv: removing it to build again`);
    await rm(path.dirname(cached), { recursive: true, force: true });
  }
  try {
    return { path: await build(env, log), source: 'registry-build' };
  } catch (err) {
    throw new Error(
      `Could not build schemathesis ${SCHEMATHESIS_VERSION}. Supply it in one of two ways:\n` +
        `  1. set SCHEMATHESIS_PATH to a schemathesis ${SCHEMATHESIS_VERSION} executable you already have;\n` +
        `  2. install Python 3 with venv and pip (and reach PyPI) so Lifeline can build it into ${cachedSchemathesisDir(env)}.\n` +
        `Cause: ${describeFailure(err)}`,
    );
  }
}
