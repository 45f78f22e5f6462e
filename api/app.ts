import path from 'node:path';
import express, { type Express } from 'express';
import { allow, ApiKeyStore, authenticate } from './auth';
import { inputGuard } from './input-guard';
import { createMetrics } from './metrics';
import { unresolvedWriteFailures } from './read-models/write-failures';
import { buildOpenApiDocument } from './openapi';
import { errorHandler, notFoundHandler, problems } from './problem';
import { lifecycleRoutes } from './routes/lifecycle';
import { policyRoutes } from './routes/policies';
import { publishedRoutes } from './routes/published';
import { ruleRoutes } from './routes/rules';
import type { RouteDeps } from './routes/deps';
import { ticketRoutes } from './routes/tickets';
import { ApiKeyIdParamSchema, CreateApiKeyRequestSchema } from './schemas';
import { parse } from './validate';

export interface AppDependencies extends RouteDeps {
  version?: string;
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

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lifeline API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });</script>
</body></html>`;

/** The Express app, without listening: tests mount it on an ephemeral port. */
export function createApp({ client, pool, taskQueue, logger, version = '0.1.0' }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const metrics = createMetrics({ unresolvedWriteFailures: () => unresolvedWriteFailures(pool) });
  const keys = new ApiKeyStore(pool);
  const openApiDocument = buildOpenApiDocument(version);

  app.use(metrics.middleware);
  app.use(inputGuard()); // paths, queries and bodies PostgreSQL cannot store, before any route (api/input-guard.ts)

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'up' });
  });
  app.get('/readyz', async (_req, res) => {
    const [temporal, postgres] = await Promise.all([
      check(() => client.connection.workflowService.getSystemInfo({})),
      check(() => pool.query('SELECT 1')),
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
  app.get(['/docs', '/docs/'], (_req, res) => {
    res.type('html').send(docsPage);
  });
  app.use('/docs', express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }));

  const v1 = express.Router();
  v1.use(authenticate(keys));
  // Bodies are parsed only for authenticated callers.
  v1.use(express.json({ limit: '256kb', type: ['application/json', 'application/*+json'] }));
  v1.use((req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) {
      return next(problems.unsupportedMediaType('Send the request body as application/json.'));
    }
    next();
  });
  const routeDeps: RouteDeps = { client, pool, taskQueue, logger };
  v1.use('/tickets', ticketRoutes(routeDeps));
  v1.use(policyRoutes());
  v1.use(ruleRoutes(routeDeps));
  v1.use(lifecycleRoutes(routeDeps));
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
  app.use('/v1', v1);

  app.use(publishedRoutes(routeDeps));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
