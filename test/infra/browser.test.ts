/** scripts/browser.ts: the order Chromium is resolved in, with fake browsers on a fake PATH (nothing is installed). */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveChromium, type BrowserInstallers } from '../../scripts/browser';

describe('resolving the Chromium of the browser tests', () => {
  let scratch: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  const fakeBrowser = async (dir: string, name: string) => {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, name);
    await writeFile(file, '#!/bin/sh\necho fake\n');
    await chmod(file, 0o755);
    return file;
  };
  /** Installers that record what was asked of them; apt "installs" by writing a fake chromium. */
  const installers = (over: Partial<BrowserInstallers> & { aptDir?: string }) => {
    const asked: string[] = [];
    const steps: BrowserInstallers = {
      isRoot: () => true,
      isDebian: async () => true,
      aptInstall: async () => {
        asked.push('apt');
        if (over.aptDir) await fakeBrowser(over.aptDir, 'chromium');
        else throw new Error('E: Unable to locate package chromium');
      },
      playwrightDownload: async () => {
        asked.push('playwright');
        throw new Error('getaddrinfo ENOTFOUND cdn.playwright.dev');
      },
      ...over,
    };
    return { asked, steps };
  };

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'lifeline-browser-'));
    lines.length = 0;
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('takes CHROMIUM_PATH first, over a browser on the PATH, and refuses one that is not executable', async () => {
    const explicit = await fakeBrowser(path.join(scratch, 'explicit'), 'my-chrome');
    await fakeBrowser(path.join(scratch, 'bin'), 'chromium');
    const { asked, steps } = installers({});
    const env = { CHROMIUM_PATH: explicit, PATH: path.join(scratch, 'bin') };
    expect(await resolveChromium(env, log, steps)).toEqual({ path: explicit, source: 'environment' });
    await expect(resolveChromium({ CHROMIUM_PATH: path.join(scratch, 'nope') }, log, steps)).rejects.toThrow(
      /CHROMIUM_PATH=.*nope is not an executable file/,
    );
    expect(asked).toEqual([]);
  });

  it('then a browser command on the PATH, chromium before chromium-browser before google-chrome', async () => {
    const a = path.join(scratch, 'a');
    const b = path.join(scratch, 'b');
    await fakeBrowser(a, 'google-chrome');
    const chromiumBrowser = await fakeBrowser(b, 'chromium-browser');
    const { asked, steps } = installers({});
    expect(await resolveChromium({ PATH: `${a}${path.delimiter}${b}` }, log, steps)).toEqual({ path: chromiumBrowser, source: 'path' });
    expect(asked).toEqual([]);
    expect(lines).toContain(`Chromium on the PATH: ${chromiumBrowser}`);
  });

  it('then, as root on Debian, apt-get install -y chromium, saying so', async () => {
    const bin = path.join(scratch, 'usr-bin');
    const { asked, steps } = installers({ aptDir: bin });
    expect(await resolveChromium({ PATH: bin }, log, steps)).toEqual({ path: path.join(bin, 'chromium'), source: 'apt' });
    expect(asked).toEqual(['apt']);
    expect(lines).toContain('no Chromium on the PATH: apt-get install -y chromium (root on Debian; this can take a minute)');
  });

  it("falls back to playwright's download and, when everything fails, says what each step found", async () => {
    const { asked, steps } = installers({});
    const err = await resolveChromium({ PATH: path.join(scratch, 'empty') }, log, steps).catch((e: Error) => e);
    expect(asked).toEqual(['apt', 'playwright']);
    expect((err as Error).message).toMatch(/none of chromium, chromium-browser, google-chrome on the PATH/);
    expect((err as Error).message).toMatch(/apt-get install -y chromium failed: E: Unable to locate package chromium/);
    expect((err as Error).message).toMatch(/playwright's download failed: getaddrinfo ENOTFOUND/);
  });

  it('skips apt-get when not root', async () => {
    const { asked, steps } = installers({
      isRoot: () => false,
      playwrightDownload: async () => fakeBrowser(path.join(scratch, 'pw'), 'chrome'),
    });
    expect(await resolveChromium({ PATH: '' }, log, steps)).toEqual({
      path: path.join(scratch, 'pw', 'chrome'),
      source: 'playwright-download',
    });
    expect(asked).toEqual([]);
  });
});
