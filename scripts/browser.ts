/**
 * Finds the Chromium the console's browser tests drive (playwright-core launches it), without
 * internet, in the order the Temporal binaries are found (scripts/temporal-binaries.ts):
 *   1. an explicit path from the environment (CHROMIUM_PATH);
 *   2. a Chromium or Chrome on the PATH (chromium, chromium-browser, google-chrome);
 *   3. as root on Debian, `apt-get install -y chromium` from the distribution's package registry
 *      (after `apt-get update` when the package lists are stale; a minute or so);
 *   4. playwright's own download (`playwright-core install chromium`: needs internet access);
 *   otherwise a clear error naming what each step found.
 */
import { execFile } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type BrowserSource = 'environment' | 'path' | 'apt' | 'playwright-download';

export interface ResolvedBrowser {
  path: string;
  source: BrowserSource;
}

export type ProgressLog = (line: string) => void;

/** The names a Chromium or Chrome goes by on the PATH, in order of preference. */
export const BROWSER_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome'] as const;

/** What resolution does to the machine, injectable so the order can be tested with fake paths. */
export interface BrowserInstallers {
  isRoot(): boolean;
  isDebian(): Promise<boolean>;
  aptInstall(log: ProgressLog): Promise<void>;
  /** playwright's download; the path of the browser it fetched. */
  playwrightDownload(log: ProgressLog): Promise<string>;
}

const defaultLog: ProgressLog = (line) => process.stderr.write(`[lifeline:browser] ${line}\n`);

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The first of the browser commands on the PATH of `env`. */
export async function browserOnPath(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const command of BROWSER_COMMANDS) {
    for (const dir of dirs) {
      const file = path.join(dir, command);
      if (await isExecutable(file)) return file;
    }
  }
  return undefined;
}

const tail = (err: unknown) =>
  ((err as { stderr?: string }).stderr || (err as Error).message || String(err)).trim().split('\n').slice(-3).join(' / ');

export const systemInstallers: BrowserInstallers = {
  isRoot: () => process.getuid?.() === 0,
  isDebian: () =>
    isExecutable('/usr/bin/apt-get').then(
      async (apt) =>
        apt &&
        (await stat('/etc/debian_version').then(
          () => true,
          () => false,
        )),
    ),
  async aptInstall(log) {
    // Non-interactive: a package that asks a debconf question must not wait on a terminal.
    const options = { maxBuffer: 64 << 20, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    const install = () => execFileAsync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], options);
    try {
      await install();
    } catch (err) {
      // A fresh machine has no package lists yet.
      log(`apt-get install failed (${tail(err)}); running apt-get update, then installing again`);
      await execFileAsync('apt-get', ['update'], options);
      await install();
    }
  },
  async playwrightDownload() {
    await execFileAsync(process.execPath, [require.resolve('playwright-core/cli.js'), 'install', 'chromium'], { maxBuffer: 64 << 20 });
    const { chromium } = await import('playwright-core');
    return chromium.executablePath();
  },
};

export async function resolveChromium(
  env: NodeJS.ProcessEnv = process.env,
  log: ProgressLog = defaultLog,
  installers: BrowserInstallers = systemInstallers,
): Promise<ResolvedBrowser> {
  const explicit = env.CHROMIUM_PATH;
  if (explicit) {
    const file = path.resolve(explicit);
    if (!(await isExecutable(file))) throw new Error(`CHROMIUM_PATH=${explicit} is not an executable file`);
    log(`Chromium from CHROMIUM_PATH: ${file}`);
    return { path: file, source: 'environment' };
  }
  const found = await browserOnPath(env);
  if (found) {
    log(`Chromium on the PATH: ${found}`);
    return { path: found, source: 'path' };
  }
  const tried = [`CHROMIUM_PATH unset; none of ${BROWSER_COMMANDS.join(', ')} on the PATH`];
  if (installers.isRoot() && (await installers.isDebian())) {
    log('no Chromium on the PATH: apt-get install -y chromium (root on Debian; this can take a minute)');
    try {
      await installers.aptInstall(log);
      const installed = await browserOnPath(env);
      if (installed) {
        log(`Chromium installed by apt-get: ${installed}`);
        return { path: installed, source: 'apt' };
      }
      tried.push('apt-get installed chromium but no browser command appeared on the PATH');
    } catch (err) {
      tried.push(`apt-get install -y chromium failed: ${tail(err)}`);
    }
  } else {
    tried.push('not root on Debian, so no apt-get install');
  }
  log("falling back to playwright's own download of Chromium (needs internet access)");
  try {
    const downloaded = await installers.playwrightDownload(log);
    if (await isExecutable(downloaded)) return { path: downloaded, source: 'playwright-download' };
    tried.push(`playwright's download left no executable at ${downloaded}`);
  } catch (err) {
    tried.push(`playwright's download failed: ${tail(err)}`);
  }
  throw new Error(`no Chromium for the browser tests: ${tried.join('; ')}. Install one, or set CHROMIUM_PATH.`);
}
