/**
 * The API's edges against a hostile caller (issue 11): the development admin key (defect 4), feed
 * links and proxies (11), security headers, caching and rate limits (12), and an OpenAPI document
 * that cannot drift from the routes the app serves (13).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createApp, type HttpSettings } from '../../api/app';
import { ApiKeyStore, devBootstrapKey, devKeyRefusal, hashApiKey } from '../../api/auth';
import { rateLimitsOff } from '../../api/rate-limits';
import { DEV_ADMIN_API_KEY } from '../../common/config';
import { createLogger } from '../../common/logger';
import { freePort } from '../../scripts/ports';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const root = path.resolve(__dirname, '../..');

/** A request with exactly these headers (fetch will not send a Host of our choosing). */
function raw(
  base: string,
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const url = new URL(pathname, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs a node entry point (tsx) with an environment, until it exits or `ms` pass. */
function run(entry: string, env: NodeJS.ProcessEnv, ms = 60_000): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

describe('hardening', () => {
  let ll: RunningLifeline;
  const servers: Server[] = [];

  /** Another API on the same Temporal and database, with other HTTP settings. */
  async function serve(http: Partial<HttpSettings>): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const app = createApp({
      client: ll.env.client,
      pool: ll.db.pool,
      taskQueue: ll.taskQueue,
      logger: createLogger('silent'),
      http: { publicBaseUrl: url, trustProxy: false, rateLimits: rateLimitsOff, ...http },
    });
    server.on('request', app);
    return url;
  }

  async function newKey(role: 'engineer' | 'manager' | 'admin' = 'engineer'): Promise<string> {
    const r = await call(ll.url, 'POST', '/v1/api-keys', { key: ll.adminKey, body: { name: `k-${role}`, role } });
    expect(r.status).toBe(201);
    return r.body.key;
  }

  beforeAll(async () => {
    ll = await startLifeline();
  });

  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
    await ll?.stop();
  });

  describe('defect 4: the development admin key lives only in the embedded development database', () => {
    let other: TestDatabase;
    const base = (): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: other.url,
        TEMPORAL_ADDRESS: ll.env.address,
        TEMPORAL_TASK_QUEUE: `${ll.taskQueue}-prod`,
        PUBLIC_BASE_URL: 'https://lifeline.example.com',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: '0',
      };
      delete env.LIFELINE_ADMIN_API_KEY;
      return env;
    };

    beforeAll(async () => {
      other = await createTestDatabase();
    });
    afterAll(async () => {
      await other?.drop();
    });

    it('the bootstrap never un-revokes a revoked key', async () => {
      const store = new ApiKeyStore(ll.db.pool);
      const key = `bootstrap-${Date.now()}-0123456789`;
      const first = await store.ensureAdminKey(key);
      expect((await call(ll.url, 'GET', '/v1/policies', { key })).status).toBe(200);
      const { id } = (await ll.db.pool.query<{ id: string }>('SELECT id FROM api_keys WHERE key_hash = $1', [hashApiKey(key)])).rows[0];
      expect((await call(ll.url, 'DELETE', `/v1/api-keys/${id}`, { key: ll.adminKey })).status).toBe(204);
      const again = await store.ensureAdminKey(key);
      expect((await call(ll.url, 'GET', '/v1/policies', { key })).status).toBe(401);
      // The caller is told, to say so.
      expect([first, again]).toEqual(['created', 'revoked']);
      expect(await store.ensureAdminKey(ll.adminKey)).toBe('exists');
    });

    it('npm run dev chooses the development key only for the embedded database it started', () => {
      expect(devBootstrapKey({ NODE_ENV: 'development' }, true)).toBe(DEV_ADMIN_API_KEY);
      expect(devBootstrapKey({ NODE_ENV: 'development' }, false)).toBeUndefined();
      expect(devBootstrapKey({ NODE_ENV: 'production' }, true)).toBeUndefined();
      expect(devBootstrapKey({ NODE_ENV: 'development', LIFELINE_ADMIN_API_KEY: 'my-own-key-0123456789' }, false)).toBe(
        'my-own-key-0123456789',
      );
      expect(() => devBootstrapKey({ NODE_ENV: 'development', LIFELINE_ADMIN_API_KEY: DEV_ADMIN_API_KEY }, false)).toThrow(
        /only ever put into the embedded database/,
      );
    });

    it('npm run dev against a DATABASE_URL of your own writes no development key there', async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-dev-db-'));
      try {
        const env: NodeJS.ProcessEnv = {
          ...base(),
          NODE_ENV: 'development',
          PORT: String(await freePort()),
          LIFELINE_DATA_DIR: dataDir,
        };
        delete env.PUBLIC_BASE_URL;
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
          cwd: root,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout!.on('data', (d) => (output += d));
        child.stderr!.on('data', (d) => (output += d));
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        let waiting = true;
        let deadline: NodeJS.Timeout | undefined;
        const up = await Promise.race([
          (async () => {
            while (waiting && !output.includes('press Ctrl-C to stop')) await new Promise((r) => setTimeout(r, 200));
            return true;
          })(),
          exited.then(() => false),
          new Promise<false>((r) => (deadline = setTimeout(() => r(false), 180_000))),
        ]);
        waiting = false;
        clearTimeout(deadline);
        expect({ up, output: up ? '' : output.slice(-3000) }).toEqual({ up: true, output: '' });
        expect(output).toContain('no admin key written');
        expect(output).not.toContain(`admin key    ${DEV_ADMIN_API_KEY}`);
        const stored = await other.pool.query('SELECT 1 FROM api_keys WHERE key_hash = $1', [hashApiKey(DEV_ADMIN_API_KEY)]);
        expect(stored.rowCount).toBe(0);
        expect((await call(`http://127.0.0.1:${env.PORT}`, 'GET', '/v1/policies', { key: DEV_ADMIN_API_KEY })).status).toBe(401);
        process.kill(-child.pid!, 'SIGINT');
        const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
        expect(await exited).toBe(0);
        clearTimeout(timer);

        // Told to put the development key there, it refuses to start.
        const refused = await run('scripts/dev.ts', { ...env, LIFELINE_ADMIN_API_KEY: DEV_ADMIN_API_KEY });
        expect(refused.code).not.toBe(0);
        expect(refused.output).toMatch(/development key \(lifeline-dev-admin-key\), which is only ever put into the embedded database/);
        expect((await other.pool.query('SELECT 1 FROM api_keys WHERE key_hash = $1', [hashApiKey(DEV_ADMIN_API_KEY)])).rowCount).toBe(0);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('a production API or worker refuses to run while the development key is active in its database', async () => {
      // As if `npm run dev` had once written it here.
      await new ApiKeyStore(other.pool).ensureAdminKey(DEV_ADMIN_API_KEY, 'dev');
      for (const entry of ['api/main.ts', 'worker/main.ts']) {
        const r = await run(entry, base(), 45_000);
        expect({ entry, timedOut: r.timedOut, code: r.code }).toEqual({ entry, timedOut: false, code: 78 });
        expect(r.output).toMatch(
          /refused to start: the well-known development admin key \(lifeline-dev-admin-key\) is active in this database/,
        );
      }
      expect(await devKeyRefusal({ NODE_ENV: 'production' }, other.pool)).toMatch(/active in this database/);
      expect(await devKeyRefusal({ NODE_ENV: 'development' }, other.pool)).toBeUndefined();
      // Nothing un-revoked it, and a revoked development key lets production start past the check.
      await other.pool.query('UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1', [hashApiKey(DEV_ADMIN_API_KEY)]);
      expect(await devKeyRefusal({ NODE_ENV: 'production' }, other.pool)).toBeUndefined();
    });

    it('a production API refuses the development key as LIFELINE_ADMIN_API_KEY, and needs PUBLIC_BASE_URL', async () => {
      const devKey = await run('api/main.ts', { ...base(), LIFELINE_ADMIN_API_KEY: DEV_ADMIN_API_KEY }, 45_000);
      expect(devKey.code).toBe(78);
      expect(devKey.output).toMatch(/LIFELINE_ADMIN_API_KEY: is the well-known development key/);
      const env = base();
      delete env.PUBLIC_BASE_URL;
      const noBase = await run('api/main.ts', env, 45_000);
      expect(noBase.code).toBe(78);
      expect(noBase.output).toMatch(/PUBLIC_BASE_URL is not set/);
      expect((await other.pool.query('SELECT revoked_at FROM api_keys WHERE key_hash = $1', [hashApiKey(DEV_ADMIN_API_KEY)])).rows).toEqual(
        [{ revoked_at: expect.any(Date) }],
      );
    });
  });

  describe('defect 11: feed links from the configured base URL; proxies trusted only when told', () => {
    beforeAll(async () => {
      const manager = await newKey('manager');
      const r = await call(ll.url, 'PUT', '/v1/products/hardened', {
        key: manager,
        body: { name: 'Hardened', policyId: 'infotecs', zone: 'UTC' },
      });
      expect(r.status).toBe(201);
    });

    it('never echoes Host or X-Forwarded-Proto into the public, cached links', async () => {
      const hostile = { host: 'evil.example', 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'evil.example' };
      for (const base of [ll.url, await serve({ publicBaseUrl: 'https://lifeline.example.com/support', trustProxy: ['loopback'] })]) {
        const r = await raw(base, '/api/v1/products/hardened', hostile);
        expect(r.status).toBe(200);
        expect(r.headers['cache-control']).toBe('public, max-age=300');
        const expected = base === ll.url ? ll.url : 'https://lifeline.example.com/support';
        const body = JSON.parse(r.body);
        expect(body.result.links.html).toBe(`${expected}/api/v1/products/hardened`);
        expect(body.result.lifeline.calendar).toBe(`${expected}/api/v1/products/hardened/calendar.ics`);
        expect(r.body).not.toMatch(/evil|javascript/);
      }
    });

    it('takes the client address from X-Forwarded-For only from a configured proxy', async () => {
      const limits = { ...rateLimitsOff, perAddress: 3 };
      const direct = await serve({ rateLimits: limits });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await raw(direct, '/healthz', { 'x-forwarded-for': `203.0.113.${i}` })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);

      const proxied = await serve({ rateLimits: limits, trustProxy: ['loopback'] });
      const each = [];
      for (let i = 0; i < 4; i++) each.push((await raw(proxied, '/healthz', { 'x-forwarded-for': `203.0.113.${i}` })).status);
      expect(each).toEqual([200, 200, 200, 200]);
    });

    it('accepts only an http(s) product link (400 naming /link)', async () => {
      const manager = await newKey('manager');
      for (const link of [
        'javascript:alert(document.cookie)',
        'data:text/html,<script>alert(1)</script>',
        'file:///etc/passwd',
        'ftp://x.example/',
      ]) {
        const r = await call(ll.url, 'PUT', '/v1/products/linked', { key: manager, body: { name: 'Linked', policyId: 'infotecs', link } });
        expect({ link, status: r.status }).toEqual({ link, status: 400 });
        expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/link' })]));
      }
      const ok = await call(ll.url, 'PUT', '/v1/products/linked', {
        key: manager,
        body: { name: 'Linked', policyId: 'infotecs', link: 'https://vendor.example/linked' },
      });
      expect(ok.status).toBe(201);
      // A row stored before the check is not published as a link.
      await ll.db.pool.query(`UPDATE products SET link = 'javascript:alert(1)' WHERE product = 'linked'`);
      const feed = await call(ll.url, 'GET', '/api/v1/products/linked');
      expect(feed.body.result.links.html).toBe(`${ll.url}/api/v1/products/linked`);
    });
  });

  describe('defect 12: security headers, no-store, rate limits', () => {
    it('sends security headers on every answer, HSTS only behind an https base URL', async () => {
      const engineer = await newKey();
      for (const [p, key] of [
        ['/healthz', undefined],
        ['/v1/policies', engineer],
        ['/v1/nope', engineer],
        ['/api/v1/products/hardened', undefined],
        ['/docs', undefined],
      ] as const) {
        const r = await call(ll.url, 'GET', p, { key });
        expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'/);
        expect(r.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(r.headers.get('referrer-policy')).toBe('no-referrer');
        expect(r.headers.get('strict-transport-security')).toBeNull();
        expect(r.headers.get('x-powered-by')).toBeNull();
      }
      const https = await serve({ publicBaseUrl: 'https://lifeline.example.com' });
      const r = await call(https, 'GET', '/healthz');
      expect(r.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(r.headers.get('content-security-policy')).toMatch(/upgrade-insecure-requests/);
    });

    it('marks authenticated answers no-store; the public feed keeps its five-minute cache', async () => {
      const engineer = await newKey();
      for (const [method, p, key] of [
        ['GET', '/v1/policies', engineer],
        ['GET', '/v1/tickets', engineer],
        ['GET', '/v1/policies', undefined],
        ['GET', '/v1/policies', 'not-a-key'],
        ['POST', '/v1/api-keys', engineer],
      ] as const) {
        const r = await call(ll.url, method, p, { key, body: method === 'POST' ? {} : undefined });
        expect({ p, key: Boolean(key), cache: r.headers.get('cache-control') }).toEqual({ p, key: Boolean(key), cache: 'no-store' });
      }
      const feed = await call(ll.url, 'GET', '/api/hardened.json');
      expect(feed.headers.get('cache-control')).toBe('public, max-age=300');
      expect(feed.headers.get('access-control-allow-origin')).toBe('*');
      expect(feed.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    });

    it('limits requests per API key: 429 problem+json with Retry-After; another key goes on', async () => {
      const limited = await serve({ rateLimits: { ...rateLimitsOff, perKey: 3, windowSeconds: 120 } });
      const [a, b] = [await newKey(), await newKey()];
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(limited, 'GET', '/v1/policies', { key: a })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const r = await call(limited, 'GET', '/v1/policies', { key: a });
      expect(r.status).toBe(429);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ type: '/problems/too-many-requests', status: 429, title: 'Too many requests' });
      expect(r.body.detail).toMatch(/More than 3 requests with this API key in 120 s/);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(120);
      expect(r.headers.get('ratelimit')).toMatch(/"per-key"; r=0; t=\d+/);
      expect((await call(limited, 'GET', '/v1/policies', { key: b })).status).toBe(200);
    });

    it('limits requests per client address, on every route', async () => {
      const limited = await serve({ rateLimits: { ...rateLimitsOff, perAddress: 2 } });
      expect((await call(limited, 'GET', '/api/hardened.json')).status).toBe(200);
      expect((await call(limited, 'GET', '/healthz')).status).toBe(200);
      const r = await call(limited, 'GET', '/api/hardened.json');
      expect(r.status).toBe(429);
      expect(r.body).toMatchObject({ type: '/problems/too-many-requests', status: 429 });
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('refuses every key from an address that sent too many unknown keys', async () => {
      const limited = await serve({ rateLimits: { ...rateLimitsOff, authFailures: 3 } });
      const good = await newKey();
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(limited, 'GET', '/v1/policies', { key: `wrong-${i}` })).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const blocked = await call(limited, 'GET', '/v1/policies', { key: good });
      expect(blocked.status).toBe(429);
      expect(blocked.body.detail).toMatch(/refused API keys from this address/);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Valid keys are never counted: a burst of them from a fresh address passes.
      const fresh = await serve({ rateLimits: { ...rateLimitsOff, authFailures: 3 } });
      const burst = await Promise.all(Array.from({ length: 20 }, () => call(fresh, 'GET', '/v1/policies', { key: good })));
      expect(burst.map((x) => x.status)).toEqual(Array(20).fill(200));
    });

    it('serves the docs page under the CSP: no inline script, every script and style from this origin', async () => {
      const page = await call(ll.url, 'GET', '/docs');
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, inline] of scripts) {
        expect(inline.trim()).toBe('');
        expect(attrs).toMatch(/src="\/docs\//);
      }
      const assets = [...page.body.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/lifeline-init.js']));
      for (const asset of assets) {
        const r = await fetch(`${ll.url}${asset}`);
        expect({ asset, status: r.status }).toEqual({ asset, status: 200 });
        expect(r.headers.get('content-type')).toMatch(asset.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/);
        const text = await r.text();
        if (asset.endsWith('lifeline-init.js')) expect(text).toMatch(/SwaggerUIBundle\(\{ url: '\/openapi.json'.*validatorUrl: null/);
      }
    });
  });

  describe('defect 13: the OpenAPI document is the routes the app serves', () => {
    /** Every method and path the Express app routes, as OpenAPI spells them ({param}). */
    function served(app: Express): Set<string> {
      const routes = new Set<string>();
      type Layer = {
        route?: { path: string | string[]; methods: Record<string, boolean> };
        handle?: { stack?: Layer[] };
        rawPath?: unknown;
      };
      const walk = (stack: Layer[], prefix: string) => {
        for (const layer of stack) {
          if (layer.route) {
            for (const p of ([] as string[]).concat(layer.route.path)) {
              const full = (prefix + p).replace(/\/+$/, '') || '/';
              const openapi = full.replace(/:(\w+)/g, '{$1}');
              for (const [method, on] of Object.entries(layer.route.methods))
                if (on && method !== '_all') routes.add(`${method} ${openapi}`);
            }
          } else if (layer.handle?.stack) {
            const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
            walk(layer.handle.stack, prefix + mount);
          }
        }
      };
      walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
      return routes;
    }

    // The docs UI and the console are for people: their pages and files (the console's config.json too) are not API operations.
    const undocumented = (route: string) => /^get \/(docs|console)(\/|$)/.test(route);

    it('documents every route the app serves, and nothing it does not', async () => {
      const app = createApp({
        client: ll.env.client,
        pool: ll.db.pool,
        taskQueue: ll.taskQueue,
        logger: createLogger('silent'),
        http: { publicBaseUrl: ll.url, trustProxy: false, rateLimits: rateLimitsOff },
      });
      const routes = [...served(app)].filter((r) => !undocumented(r)).sort();
      expect(routes.length).toBeGreaterThan(40);
      const doc = (await call(ll.url, 'GET', '/openapi.json')).body;
      const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
        .flatMap(([p, ops]) =>
          Object.keys(ops)
            .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
            .map((m) => `${m} ${p}`),
        )
        .sort();
      expect({ missingFromDocument: routes.filter((r) => !documented.includes(r)) }).toEqual({ missingFromDocument: [] });
      expect({ documentedNotServed: documented.filter((r) => !routes.includes(r)) }).toEqual({ documentedNotServed: [] });
    });

    it('documents the problems each route can answer, and /healthz with its own schema', async () => {
      const doc = (await call(ll.url, 'GET', '/openapi.json')).body;
      const schemaOf = (r: { content?: Record<string, { schema?: { $ref?: string } }> }) => Object.values(r.content ?? {})[0]?.schema;
      expect(schemaOf(doc.paths['/healthz'].get.responses['200'])).toEqual({ $ref: '#/components/schemas/Health' });
      expect(doc.components.schemas.Health).toMatchObject({
        properties: { status: { type: 'string', enum: ['up'] } },
        required: ['status'],
      });

      for (const [p, ops] of Object.entries(
        doc.paths as Record<string, Record<string, { responses: Record<string, any>; requestBody?: unknown }>>,
      )) {
        for (const [method, op] of Object.entries(ops)) {
          const statuses = Object.keys(op.responses).map(Number);
          const where = `${method} ${p}`;
          expect({ where, has: [429, 500].every((s) => statuses.includes(s)) }).toEqual({ where, has: true });
          expect(op.responses['429'].headers['Retry-After']).toBeDefined();
          if (p.startsWith('/v1/')) {
            expect({ where, statuses: [400, 401, 413, 415, 503].filter((s) => !statuses.includes(s)) }).toEqual({ where, statuses: [] });
          }
          if (p.startsWith('/api/'))
            expect({ where, statuses: [400, 404, 503].filter((s) => !statuses.includes(s)) }).toEqual({ where, statuses: [] });
          for (const s of statuses.filter((x) => x >= 400 && !(p === '/readyz' && x === 503))) {
            expect({ where, s, type: Object.keys(op.responses[String(s)].content ?? {}) }).toEqual({
              where,
              s,
              type: ['application/problem+json'],
            });
          }
        }
      }
      for (const [p, method, extra] of [
        ['/v1/tickets', 'post', [403, 422]],
        ['/v1/tickets/{ticketId}/close', 'post', [403, 404, 409]],
        ['/v1/products/{product}', 'put', [403, 409]],
        ['/v1/products/{product}/versions', 'post', [403, 404, 409]],
        ['/v1/contracts/{contractId}', 'get', [403, 404]],
        ['/v1/policies/{policyId}/override', 'get', [403, 404]],
        ['/v1/notification-routes', 'get', [403]],
      ] as const) {
        const statuses = Object.keys(doc.paths[p][method].responses).map(Number);
        expect({ p, method, missing: extra.filter((s) => !statuses.includes(s)) }).toEqual({ p, method, missing: [] });
      }
    });
  });
});
