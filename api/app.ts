import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import helmet from 'helmet';
import { config, publicBaseUrl, type Config } from '../common/config';
import { allow, ApiKeyStore, authenticate } from './auth';
import { consoleRoutes, type ConsoleSettings } from './console';
import { inputGuard } from './input-guard';
import { taskQueueBacklog } from './task-queue-backlog';
import { createMetrics } from './metrics';
import { methodNotAllowed } from './method-not-allowed';
import { unresolvedWriteFailures } from './read-models/write-failures';
import { openTicketCounts } from './read-models/open-tickets';
import { buildOpenApiDocument } from './openapi';
import { policyJsonSchema } from '../policies/json-schema';
import { errorHandler, notFoundHandler, problems } from './problem';
import { lifecycleRoutes } from './routes/lifecycle';
import { PolicyStore } from './policy-store';
import { policyPreviewRoutes } from './routes/policy-preview';
import { policyVersionRoutes } from './routes/policy-versions';
import { policyRoutes } from './routes/policies';
import { rateLimiters, type RateLimitSettings } from './rate-limits';
import { publishedRoutes } from './routes/published';
import { queueRoutes } from './routes/queue';
import { quoteRoutes } from './routes/quotes';
import { fanOutWith, ruleRoutes } from './routes/rules';
import type { RouteDeps } from './routes/deps';
import { reportRoutes } from './routes/reports';
import { ticketRoutes } from './routes/tickets';
import { whatIfRoutes } from './routes/what-if';
import { ApiKeyIdParamSchema, CreateApiKeyRequestSchema } from './schemas';
import { parse } from './validate';

/** How the API meets the outside: its public base URL, which proxies it believes, its rate limits. */
export interface HttpSettings {
  /** The base of every link the API publishes (never the request's Host or X-Forwarded-Proto). */
  publicBaseUrl: string;
  /** Express's `trust proxy`: false (the socket's peer is the client), a hop count, or the proxies. */
  trustProxy: false | number | string[];
  rateLimits: RateLimitSettings;
  /** The most a request waits on Temporal in all, then 503 (TEMPORAL_REQUEST_TIMEOUT_MS; default 15 s). */
  temporalRequestTimeoutMs?: number;
}

/**
 * Every Temporal call a request makes shares one deadline: with Temporal down the client's retries
 * would otherwise hold the request about 20 s and end in a 500; now it ends in a 503 at the bound.
 */
function temporalDeadline(client: Client, ms: number): RequestHandler {
  return (_req, res, next) => {
    void client.withDeadline(
      Date.now() + ms,
      () =>
        new Promise<void>((resolve) => {
          res.once('close', resolve);
          next();
        }),
    );
  };
}

export function httpSettings(cfg: Config): HttpSettings {
  return {
    publicBaseUrl: publicBaseUrl(cfg),
    trustProxy: cfg.TRUST_PROXY,
    temporalRequestTimeoutMs: cfg.TEMPORAL_REQUEST_TIMEOUT_MS,
    rateLimits: {
      windowSeconds: cfg.RATE_LIMIT_WINDOW_SECONDS,
      perAddress: cfg.RATE_LIMIT_PER_ADDRESS,
      perKey: cfg.RATE_LIMIT_PER_KEY,
      authFailures: cfg.RATE_LIMIT_AUTH_FAILURES,
    },
  };
}

export interface AppDependencies extends RouteDeps {
  version?: string;
  /** The console's Temporal UI links; defaults to the process's configuration. */
  console?: ConsoleSettings;
  /** Defaults to the process's configuration. */
  http?: HttpSettings;
}

async function check(probe: () => Promise<unknown>, timeoutMs = 3_000): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

// Scripts only from files (the CSP allows no inline script); no validator badge (it would send the document's URL away).
const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lifeline API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/lifeline-init.js"></script>
</body></html>`;
const docsInit = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', validatorUrl: null });\n`;

/**
 * Security headers (helmet's defaults: CSP with scripts from this origin only, nosniff, frame and
 * referrer policies, …). Over plain HTTP (no https public base URL) neither HSTS nor
 * upgrade-insecure-requests, which would break the docs page on http://127.0.0.1.
 */
function securityHeaders(publicBase: string): RequestHandler {
  const https = publicBase.startsWith('https:');
  return helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
    strictTransportSecurity: https,
  });
}

/** Authenticated answers are never stored by a cache: they depend on the key and change under it. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** The authenticated API under /v1: keys, limits, JSON bodies, then each subsystem's routes. */
function v1Routes(deps: RouteDeps, keys: ApiKeyStore, limits: ReturnType<typeof rateLimiters>): express.Router {
  const v1 = express.Router();
  v1.use(noStore);
  v1.use(limits.authFailureGate);
  v1.use(authenticate(keys));
  v1.use(limits.countAuthFailure);
  v1.use(limits.perKey);
  // Bodies are parsed only for authenticated callers.
  v1.use(express.json({ limit: '256kb', type: ['application/json', 'application/*+json'] }));
  v1.use((req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) {
      return next(problems.unsupportedMediaType('Send the request body as application/json.'));
    }
    next();
  });
  // Stored policies (docs/policies.md "Stored policies") are known here before any route reads one.
  const policyStore = new PolicyStore(deps.pool, deps.logger);
  v1.use(policyStore.middleware());
  v1.use('/tickets', ticketRoutes(deps));
  v1.use(whatIfRoutes(deps));
  v1.use(queueRoutes(deps));
  v1.use('/reports', reportRoutes(deps));
  v1.use(policyPreviewRoutes(deps));
  v1.use(policyVersionRoutes(deps, policyStore, fanOutWith(deps)));
  v1.use(policyRoutes());
  v1.use('/quotes', quoteRoutes());
  v1.use(ruleRoutes(deps));
  v1.use(lifecycleRoutes(deps));
  v1.post('/api-keys', allow('admin'), async (req, res) => {
    const body = parse(CreateApiKeyRequestSchema, req.body, 'request body');
    const { key, principal } = await keys.create(body);
    res.status(201).json({ id: principal.keyId, key, name: principal.name, role: principal.role, customerId: principal.customerId });
  });
  v1.delete('/api-keys/:keyId', allow('admin'), async (req, res) => {
    const { keyId } = parse(ApiKeyIdParamSchema, req.params, 'path');
    if (!(await keys.revoke(keyId))) throw problems.notFound(`No active API key ${keyId}.`);
    res.status(204).end();
  });
  return v1;
}

/** The Express app, without listening: tests mount it on an ephemeral port. */
export function createApp({
  client,
  pool,
  taskQueue,
  logger,
  version = '0.1.0',
  http = httpSettings(config()),
  console: consoleSettings = { temporalUiUrl: config().TEMPORAL_UI_URL, temporalNamespace: config().TEMPORAL_NAMESPACE },
}: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', http.trustProxy);
  const metrics = createMetrics({
    unresolvedWriteFailures: () => unresolvedWriteFailures(pool),
    taskQueueBacklog: () => taskQueueBacklog(client, taskQueue),
    openTickets: () => openTicketCounts(pool),
  });
  const keys = new ApiKeyStore(pool);
  const openApiDocument = buildOpenApiDocument(version);
  const policySchemaDocument = policyJsonSchema();
  const limits = rateLimiters(http.rateLimits, logger);

  // Order: metrics see every answer (429s too), every answer has the security headers, then the per-address limit.
  app.use(metrics.middleware);
  app.use(securityHeaders(http.publicBaseUrl));
  app.use(limits.perAddress);
  app.use(temporalDeadline(client, http.temporalRequestTimeoutMs ?? 15_000));
  app.use(inputGuard()); // paths, queries and bodies PostgreSQL cannot store, before any route (api/input-guard.ts)

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'up' });
  });
  app.get('/readyz', async (_req, res) => {
    // PostgreSQL within the bound a request waits for a connection (DATABASE_CONNECT_TIMEOUT_MS), so
    // /readyz says 503 exactly when requests would.
    const pgBound = pool.options.connectionTimeoutMillis || 2_000;
    const [temporal, postgres] = await Promise.all([
      check(() => client.connection.workflowService.getSystemInfo({})),
      // query_timeout (pg's per-query read timeout, absent from its types): a stuck probe gives its connection back.
      check(() => pool.query({ text: 'SELECT 1', query_timeout: pgBound } as { text: string }), pgBound),
    ]);
    const ready = temporal.ok && postgres.ok;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: { temporal, postgres } });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  // The JSON Schema of a policy document, for editors (docs/policy.schema.json is the same).
  app.get('/schemas/policy.json', (_req, res) => {
    res.json(policySchemaDocument);
  });
  app.get(['/docs', '/docs/'], (_req, res) => {
    res.type('html').send(docsPage);
  });
  app.get('/docs/lifeline-init.js', (_req, res) => {
    res.type('text/javascript').send(docsInit);
  });
  app.use('/docs', express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }));

  // The support console: static files built by scripts/build-console.ts, the API's own origin.
  app.use('/console', consoleRoutes(consoleSettings));

  const routeDeps: RouteDeps = { client, pool, taskQueue, logger };
  app.use('/v1', v1Routes(routeDeps, keys, limits));

  app.use(publishedRoutes(routeDeps, http.publicBaseUrl));
  app.use(methodNotAllowed(openApiDocument as { paths?: Record<string, Record<string, unknown>> }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
