import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { problems } from './problem';

/** Where scripts/build-console.ts writes the console: dist/console beside the sources, or beside the compiled API. */
export function consoleBundleDir(): string {
  const candidates = [path.resolve(__dirname, '..', 'dist', 'console'), path.resolve(__dirname, '..', 'console')];
  return candidates.find((dir) => existsSync(path.join(dir, 'main.js'))) ?? candidates[0];
}

/** The console's page routes: each answers index.html, whose script reads the path. */
const PAGES = ['/', '/sign-in', '/queue', '/products', '/reports', '/tickets/:ticketId'];

export interface ConsoleSettings {
  temporalUiUrl: string;
  temporalNamespace: string;
  bundleDir?: string;
}

/** GET /console/…: the built bundle, its pages, and its config.json; a clear 503 when it was never built. */
export function consoleRoutes(settings: ConsoleSettings): Router {
  const dir = settings.bundleDir ?? consoleBundleDir();
  const router = express.Router();
  router.get('/config.json', (_req, res) => {
    res.json({ temporalUiUrl: settings.temporalUiUrl, temporalNamespace: settings.temporalNamespace, pollSeconds: 15 });
  });
  router.use((_req, _res, next) => {
    // Checked on each request: a build while the API runs is picked up without a restart.
    if (!existsSync(path.join(dir, 'index.html'))) {
      return next(problems.unavailable(`The console is not built (${dir} is missing): run "node --import tsx scripts/build-console.ts".`));
    }
    next();
  });
  router.get(PAGES, (_req, res) => {
    res.sendFile(path.join(dir, 'index.html'));
  });
  router.use(express.static(dir, { index: false, fallthrough: true }));
  return router;
}
