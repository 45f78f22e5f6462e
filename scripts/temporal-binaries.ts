/**
 * Finds the Temporal binaries Lifeline runs in development and tests, without internet.
 *
 * Each binary is resolved in this order (docs/architecture.md, "Real components"):
 *   1. an explicit path from the environment (TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH);
 *   2. a build cached in the per-user tool cache (LIFELINE_TOOL_CACHE, else ~/.cache/lifeline/tools);
 *   3. a build from a package registry: `go install` of the Temporal CLI, Maven Central for the
 *      Java time-skipping test server (plus a wrapper that `exec`s java);
 *   4. the SDK's own download (works only with internet access).
 *
 * The Temporal server on PostgreSQL (scripts/temporal-postgres.ts) is three things: the server,
 * its SQL schema tool, and the schema directory (postgresql/v12/{temporal,visibility}/versioned)
 * the tool applies. resolveTemporalServer() finds them in the same order, without step 4 (the SDK
 * downloads no such server):
 *   1. TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH and TEMPORAL_SCHEMA_DIR (all three);
 *   2. the tool cache's temporal-server-<version>/ (temporal-server, temporal-sql-tool, schema/);
 *   3. `go install` of go.temporal.io/server's cmd/server and cmd/tools/sql into a temporary
 *      directory, with a copy of the module's schema (the Go module cache can be cleaned), then
 *      published into the cache in one rename;
 *   otherwise a clear error. The Temporal UI server (github.com/temporalio/ui-server/v2, its
 *   assets embedded) is resolved the same way, with TEMPORAL_UI_SERVER_PATH, by
 *   resolveTemporalUiServer().
 */
import { execFile } from 'node:child_process';
import { access, chmod, constants, cp, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
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
/** The server the CLI above embeds, so both modes run the same Temporal. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
/** The UI the CLI above embeds. */
export const TEMPORAL_UI_SERVER_VERSION = '2.42.1';

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

/** The Temporal server on PostgreSQL: the server, its SQL tool and the PostgreSQL v12 schema directory. */
export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** Holds temporal/versioned and visibility/versioned (the module's schema/postgresql/v12). */
  schemaDir: string;
  source: Exclude<BinarySource, 'sdk-download'>;
}

const SERVER_MODULE = 'go.temporal.io/server';
const UI_SERVER_MODULE = 'github.com/temporalio/ui-server/v2';
const SERVER_ENV = ['TEMPORAL_SERVER_PATH', 'TEMPORAL_SQL_TOOL_PATH', 'TEMPORAL_SCHEMA_DIR'] as const;

export function cachedTemporalServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(toolCacheDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function serverLayout(dir: string, source: TemporalServerBinaries['source']): TemporalServerBinaries {
  return {
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    schemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
    source,
  };
}

async function hasSchema(dir: string): Promise<boolean> {
  try {
    return (
      (await stat(path.join(dir, 'temporal', 'versioned'))).isDirectory() &&
      (await stat(path.join(dir, 'visibility', 'versioned'))).isDirectory()
    );
  } catch {
    return false;
  }
}

async function serverFromEnvironment(env: NodeJS.ProcessEnv): Promise<TemporalServerBinaries | undefined> {
  const set = SERVER_ENV.filter((v) => env[v]);
  if (set.length === 0) return undefined;
  if (set.length < SERVER_ENV.length) {
    throw new Error(`${set.join(' and ')} set without ${SERVER_ENV.filter((v) => !env[v]).join(' and ')}: set all three or none`);
  }
  for (const variable of ['TEMPORAL_SERVER_PATH', 'TEMPORAL_SQL_TOOL_PATH'] as const) {
    if (!(await isExecutable(path.resolve(env[variable]!)))) throw new Error(`${variable}=${env[variable]} is not an executable file`);
  }
  const schemaDir = path.resolve(env.TEMPORAL_SCHEMA_DIR!);
  if (!(await hasSchema(schemaDir))) {
    throw new Error(`TEMPORAL_SCHEMA_DIR=${env.TEMPORAL_SCHEMA_DIR} holds no temporal/versioned and visibility/versioned`);
  }
  return {
    server: path.resolve(env.TEMPORAL_SERVER_PATH!),
    sqlTool: path.resolve(env.TEMPORAL_SQL_TOOL_PATH!),
    schemaDir,
    source: 'environment',
  };
}

async function cachedServer(env: NodeJS.ProcessEnv): Promise<TemporalServerBinaries | undefined> {
  const layout = serverLayout(cachedTemporalServerDir(env), 'tool-cache');
  const complete = (await isExecutable(layout.server)) && (await isExecutable(layout.sqlTool)) && (await hasSchema(layout.schemaDir));
  return complete ? layout : undefined;
}

/** `go install` into a fresh directory next to the cache entry; the caller publishes or removes it. */
async function goInstall(packages: string[], buildDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  await execFileAsync('go', ['install', ...packages], {
    env: { ...env, GOBIN: buildDir, GOFLAGS: `${env.GOFLAGS ?? ''} -trimpath`.trim() },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Where `go install` left a module's source (read-only, in the module cache). */
async function moduleDir(module: string, version: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await execFileAsync('go', ['list', '-m', '-json', `${module}@v${version}`], { env, cwd: os.tmpdir() });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go list -m ${module}@v${version} named no source directory`);
  return dir;
}

async function buildTemporalServer(env: NodeJS.ProcessEnv, log: ProgressLog): Promise<TemporalServerBinaries> {
  const targetDir = cachedTemporalServerDir(env);
  await mkdir(path.dirname(targetDir), { recursive: true });
  const buildDir = await mkdtemp(`${targetDir}.build-`);
  const started = Date.now();
  const version = `v${TEMPORAL_SERVER_VERSION}`;
  log(
    `building Temporal server ${version} and its SQL tool with go install ${SERVER_MODULE}/cmd/server ${SERVER_MODULE}/cmd/tools/sql (5 to 10 minutes on 2 cores, once)...`,
  );
  try {
    await goInstall([`${SERVER_MODULE}/cmd/server@${version}`, `${SERVER_MODULE}/cmd/tools/sql@${version}`], buildDir, env);
    await rename(path.join(buildDir, 'server'), path.join(buildDir, 'temporal-server'));
    await rename(path.join(buildDir, 'sql'), path.join(buildDir, 'temporal-sql-tool'));
    const source = path.join(await moduleDir(SERVER_MODULE, TEMPORAL_SERVER_VERSION, env), 'schema', 'postgresql', 'v12');
    const copy = path.join(buildDir, 'schema', 'postgresql', 'v12');
    await cp(source, copy, { recursive: true });
    await execFileAsync('chmod', ['-R', 'u+w', path.join(buildDir, 'schema')]); // the module cache's copy is read-only
    await publish(buildDir, targetDir);
  } catch (err) {
    await rm(buildDir, { recursive: true, force: true });
    throw err;
  }
  log(`built Temporal server ${version} in ${Math.round((Date.now() - started) / 1000)} s: ${targetDir}`);
  return serverLayout(targetDir, 'registry-build');
}

function noServerError(env: NodeJS.ProcessEnv, reason: string): Error {
  return new Error(
    `Could not find or build the Temporal server ${TEMPORAL_SERVER_VERSION} (PostgreSQL mode): ${reason}\n` +
      `  Supply it in one of two ways (there is no SDK download of this server):\n` +
      `  1. set TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH and TEMPORAL_SCHEMA_DIR (a schema/postgresql/v12 directory);\n` +
      `  2. install Go so Lifeline can build them into ${cachedTemporalServerDir(env)} (go install ${SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}).`,
  );
}

/** The Temporal server, SQL tool and schema, in the order at the top of this file. */
export async function resolveTemporalServer(
  env: NodeJS.ProcessEnv = process.env,
  log: ProgressLog = defaultLog,
): Promise<TemporalServerBinaries> {
  const explicit = await serverFromEnvironment(env);
  if (explicit) return explicit;
  const cached = await cachedServer(env);
  if (cached) return cached;
  if (!(await onPath('go', env))) throw noServerError(env, 'go is not on PATH');
  try {
    return await buildTemporalServer(env, log);
  } catch (err) {
    throw noServerError(env, `go install failed:\n    ${describeFailure(err)}`);
  }
}

export function cachedUiServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(toolCacheDir(env), `temporal-ui-server-${TEMPORAL_UI_SERVER_VERSION}`, 'temporal-ui-server');
}

async function buildUiServer(env: NodeJS.ProcessEnv, log: ProgressLog): Promise<string> {
  const target = cachedUiServerPath(env);
  const targetDir = path.dirname(target);
  await mkdir(path.dirname(targetDir), { recursive: true });
  const buildDir = await mkdtemp(`${targetDir}.build-`);
  const started = Date.now();
  log(`building Temporal UI server v${TEMPORAL_UI_SERVER_VERSION} with go install ${UI_SERVER_MODULE}/cmd/server (once)...`);
  try {
    await goInstall([`${UI_SERVER_MODULE}/cmd/server@v${TEMPORAL_UI_SERVER_VERSION}`], buildDir, env);
    await rename(path.join(buildDir, 'server'), path.join(buildDir, 'temporal-ui-server'));
    await publish(buildDir, targetDir);
  } catch (err) {
    await rm(buildDir, { recursive: true, force: true });
    throw err;
  }
  log(`built Temporal UI server in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return target;
}

/** The Temporal UI server for the PostgreSQL mode: TEMPORAL_UI_SERVER_PATH, the cache, or a go install. */
export async function resolveTemporalUiServer(env: NodeJS.ProcessEnv = process.env, log: ProgressLog = defaultLog): Promise<string> {
  const explicit = await fromEnvironment('TEMPORAL_UI_SERVER_PATH', env);
  if (explicit) return explicit.path!;
  const cached = cachedUiServerPath(env);
  if (await isExecutable(cached)) return cached;
  if (!(await onPath('go', env)))
    throw new Error(`cannot build the Temporal UI server: go is not on PATH (or set TEMPORAL_UI_SERVER_PATH)`);
  try {
    return await buildUiServer(env, log);
  } catch (err) {
    throw new Error(`could not build the Temporal UI server v${TEMPORAL_UI_SERVER_VERSION}:\n    ${describeFailure(err)}`);
  }
}
