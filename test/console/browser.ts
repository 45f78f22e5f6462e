/** A real headless Chromium for the console tests: the one scripts/test.ts resolved (CHROMIUM_PATH), a fresh profile, stopped afterwards. */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Without the background-networking flags Chromium calls Google, which this closed network refuses. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'console');

export interface ConsoleBrowser {
  /** A fresh page (its own sessionStorage) at the given viewport. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) {
    throw new Error(
      `no Chromium for the browser tests: ${process.env.LIFELINE_CHROMIUM_UNAVAILABLE ?? 'CHROMIUM_PATH is unset (run through npm test)'}`,
    );
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'lifeline-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    async page(viewport) {
      // A new page of one persistent profile shares sessionStorage per tab only: each page is its own session.
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async screenshot(page, name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
