/**
 * Finds the Temporal binaries Lifeline runs in development and tests, without internet.
 *
 * Each binary is resolved in this order (docs/architecture.md, "Real components"):
 *   1. an explicit path from the environment (TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH);
 *   2. a build cached in the per-user tool cache (LIFELINE_TOOL_CACHE, else ~/.cache/lifeline/tools);
 *   3. a build from a package registry: `go install` of the Temporal CLI, Maven Central for the
 *      Java time-skipping test server (plus a wrapper that `exec`s java);
 *   4. the SDK's own download (works only with internet access).
 */
import { execFile } from 'node:child_process';
import { access, chmod, constants, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';

const execFileAsync = promisify(execFile);

/** Temporal CLI 1.5.1 is the last tag that `go install` accepts; it embeds server 1.29.1 and UI 2.42.1. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
/** 1.36+ reports continueAsNewSuggested; 1.38.0 is the newest release on Maven Central as of 2026-11. */
export const TEST_SERVER_VERSION = '1.38.0';
const SLF4J_VERSION = '2.0.17';

export type BinarySource = 'environment' | 'tool-cache' | 'registry-build' | 'sdk-download';

export interface ResolvedBinary {
  /** What @temporalio/testing is handed as `server.executable`. */
  executable: EphemeralServerExecutable;
  source: BinarySource;
  /** Absolute path when the binary is on this machine. */
  path?: string;
}

export type ProgressLog = (line: string) => void;

const defaultLog: ProgressLog = (line) => process.stderr.write(`[lifeline:tools] ${line}\n`);

export function toolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIFELINE_TOOL_CACHE) return path.resolve(env.LIFELINE_TOOL_CACHE);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'lifeline', 'tools');
}

export function cachedCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(toolCacheDir(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

export function cachedTestServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(toolCacheDir(env), `temporal-test-server-${TEST_SERVER_VERSION}`, 'temporal-test-server');
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function onPath(command: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await execFileAsync('/bin/sh', ['-c', `command -v ${command}`], { env });
    return true;
  } catch {
    return false;
  }
}

async function fromEnvironment(variable: string, env: NodeJS.ProcessEnv): Promise<ResolvedBinary | undefined> {
  const explicit = env[variable];
  if (!explicit) return undefined;
  const file = path.resolve(explicit);
  if (!(await isExecutable(file))) {
    throw new Error(`${variable}=${explicit} is not an executable file`);
  }
  return { executable: { type: 'existing-path', path: file }, source: 'environment', path: file };
}

function existing(file: string, source: BinarySource): ResolvedBinary {
  return { executable: { type: 'existing-path', path: file }, source, path: file };
}

/** Moves a finished build into the cache in one step, so a half-built tool is never picked up. */
export async function publish(buildDir: string, targetDir: string): Promise<void> {
  await mkdir(path.dirname(targetDir), { recursive: true });
  try {
    await rename(buildDir, targetDir);
  } catch (err) {
    // Another process published the same build first: keep theirs.
    if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') {
      await rm(buildDir, { recursive: true, force: true });
      return;
    }
    throw err;
  }
}

async function buildCli(env: NodeJS.ProcessEnv, log: ProgressLog): Promise<string> {
  const target = cachedCliPath(env);
  const targetDir = path.dirname(target);
  await mkdir(path.dirname(targetDir), { recursive: true });
  const buildDir = await mkdtemp(`${targetDir}.build-`);
  const started = Date.now();
  log(`building Temporal CLI v${TEMPORAL_CLI_VERSION} with go install (takes a few minutes on first run)...`);
  try {
    await execFileAsync('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
      env: { ...env, GOBIN: buildDir, GOFLAGS: `${env.GOFLAGS ?? ''} -trimpath`.trim() },
      maxBuffer: 64 * 1024 * 1024,
    });
    await publish(buildDir, targetDir);
  } catch (err) {
    await rm(buildDir, { recursive: true, force: true });
    throw err;
  }
  log(`built Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return target;
}

function testServerPom(): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.lifeline</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>${SLF4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/**
 * The SDK spawns `<path> <port>` and SIGKILLs that process on teardown, so the wrapper must
 * `exec` java (a shell left in between keeps the JVM alive and teardown hangs). The JIT and
 * class-data flags let the JVM answer within the SDK's 5-second start-up window on 2 cores.
 */
export function testServerWrapper(): string {
  return `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_VERSION}, built by Lifeline (scripts/temporal-binaries.ts).
# Arguments are passed unchanged: the SDK gives only the port and unlocks time skipping itself.
dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
exec "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xms64m -cp "$dir/lib/*" io.temporal.testserver.TestServer "$@"
`;
}

async function buildTestServer(env: NodeJS.ProcessEnv, log: ProgressLog): Promise<string> {
  const target = cachedTestServerPath(env);
  const targetDir = path.dirname(target);
  await mkdir(path.dirname(targetDir), { recursive: true });
  const buildDir = await mkdtemp(`${targetDir}.build-`);
  const started = Date.now();
  log(`fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} and its dependencies with Maven...`);
  try {
    await writeFile(path.join(buildDir, 'pom.xml'), testServerPom());
    await execFileAsync(
      'mvn',
      ['-B', '-q', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${path.join(buildDir, 'lib')}`],
      { cwd: buildDir, env, maxBuffer: 64 * 1024 * 1024 },
    );
    const wrapper = path.join(buildDir, 'temporal-test-server');
    await writeFile(wrapper, testServerWrapper());
    await chmod(wrapper, 0o755);
    await publish(buildDir, targetDir);
  } catch (err) {
    await rm(buildDir, { recursive: true, force: true });
    throw err;
  }
  log(`built time-skipping test server in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return target;
}

function describeFailure(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  const detail = (e.stderr || e.message || String(err)).trim().split('\n').slice(-5).join('\n    ');
  return detail;
}

interface Recipe {
  name: string;
  envVariable: string;
  cached: (env: NodeJS.ProcessEnv) => string;
  tools: string[];
  build: (env: NodeJS.ProcessEnv, log: ProgressLog) => Promise<string>;
}

const recipes = {
  cli: {
    name: `Temporal CLI (dev server) v${TEMPORAL_CLI_VERSION}`,
    envVariable: 'TEMPORAL_CLI_PATH',
    cached: cachedCliPath,
    tools: ['go'],
    build: buildCli,
  },
  testServer: {
    name: `Temporal time-skipping test server ${TEST_SERVER_VERSION}`,
    envVariable: 'TEMPORAL_TEST_SERVER_PATH',
    cached: cachedTestServerPath,
    tools: ['mvn', 'java'],
    build: buildTestServer,
  },
} satisfies Record<string, Recipe>;

async function resolve(recipe: Recipe, env: NodeJS.ProcessEnv, log: ProgressLog): Promise<ResolvedBinary> {
  const explicit = await fromEnvironment(recipe.envVariable, env);
  if (explicit) return explicit;
  const cached = recipe.cached(env);
  if (await isExecutable(cached)) return existing(cached, 'tool-cache');
  const missing: string[] = [];
  for (const tool of recipe.tools) if (!(await onPath(tool, env))) missing.push(tool);
  if (missing.length === 0) {
    try {
      return existing(await recipe.build(env, log), 'registry-build');
    } catch (err) {
      log(`could not build the ${recipe.name}:\n    ${describeFailure(err)}`);
    }
  } else {
    log(`cannot build the ${recipe.name}: ${missing.join(' and ')} not on PATH`);
  }
  log(`falling back to the Temporal SDK's own download of the ${recipe.name} (needs internet access)`);
  return { executable: { type: 'cached-download' }, source: 'sdk-download' };
}

export function resolveTemporalCli(env: NodeJS.ProcessEnv = process.env, log: ProgressLog = defaultLog) {
  return resolve(recipes.cli, env, log);
}

export function resolveTestServer(env: NodeJS.ProcessEnv = process.env, log: ProgressLog = defaultLog) {
  return resolve(recipes.testServer, env, log);
}

/** The one clear error shown when no way of obtaining a binary worked. */
export function missingBinaryError(which: 'cli' | 'testServer', cause: unknown): Error {
  const recipe = recipes[which];
  return new Error(
    `Could not start the ${recipe.name}. Supply it in one of three ways:\n` +
      `  1. set ${recipe.envVariable} to an executable you already have;\n` +
      `  2. install ${recipe.tools.join(' and ')} so Lifeline can build it into ${path.dirname(recipe.cached(process.env))};\n` +
      `  3. allow internet access so the Temporal SDK can download it.\n` +
      `Cause: ${describeFailure(cause)}`,
  );
}
