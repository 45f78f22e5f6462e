/** api/console.ts on its own: the built bundle at /console, its page routes, and a clear 503 when it was never built. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { consoleRoutes } from '../../api/console';
import { errorHandler } from '../../api/problem';
import { createLogger } from '../../common/logger';

describe('the console bundle, served', () => {
  let dir: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-console-'));
    const app = express();
    app.use('/console', consoleRoutes({ temporalUiUrl: 'http://127.0.0.1:8233', temporalNamespace: 'default', bundleDir: dir }));
    app.use(errorHandler(createLogger('silent')));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 problem+json saying to build it while the bundle is missing, never a blank page', async () => {
    const res = await fetch(`${url}/console/queue`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(
      /^The console is not built \(.*\): run "node --import tsx scripts\/build-console.ts"\.$/,
    );
    // The Temporal UI base the ticket page links to is there regardless.
    expect(await (await fetch(`${url}/console/config.json`)).json()).toEqual({
      temporalUiUrl: 'http://127.0.0.1:8233',
      temporalNamespace: 'default',
      pollSeconds: 15,
    });
  });

  it('serves index.html for each page route and the bundle files as they are, once built', async () => {
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(path.join(dir, 'main.js'), 'export {};\n');
    for (const page of [
      '/console',
      '/console/',
      '/console/queue',
      '/console/products',
      '/console/reports',
      '/console/sign-in',
      '/console/tickets/TKT-0123456789ABCDEF',
    ]) {
      const res = await fetch(`${url}${page}`);
      expect([page, res.status, await res.text()]).toEqual([page, 200, '<!doctype html><title>console</title>']);
    }
    const js = await fetch(`${url}/console/main.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${url}/console/nowhere.js`)).status).toBe(404);
  });
});
