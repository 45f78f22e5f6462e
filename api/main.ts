/** The API process: `npm run api` (or node dist/api/main.js in the container). */
import type { Server } from 'node:http';
import { configOrExit, publicBaseUrl } from '../common/config';
import { createPool } from '../common/db';
import { createLogger } from '../common/logger';
import { connectClient } from '../common/temporal';
import { migrate } from '../db/migrate';
import { ApiKeyStore, devBootstrapKey, devKeyRefusal } from './auth';
import { createApp, httpSettings } from './app';

/** Stops the process before it serves anything: the message on stderr, exit 78 (EX_CONFIG). */
function refuse(message: string): never {
  process.stderr.write(`api refused to start: ${message}\n`);
  process.exit(78);
}

async function main(): Promise<void> {
  const cfg = configOrExit();
  const logger = createLogger(cfg.LOG_LEVEL, 'lifeline-api');
  if (!cfg.DATABASE_URL) refuse('DATABASE_URL is not set: the API needs PostgreSQL (npm run dev starts an embedded one)');
  if (cfg.NODE_ENV === 'production' && !cfg.PUBLIC_BASE_URL) {
    refuse('PUBLIC_BASE_URL is not set: in production the published feed links need the URL clients reach the API at');
  }
  let adminKey: string | undefined;
  try {
    adminKey = devBootstrapKey(cfg, false);
  } catch (err) {
    refuse((err as Error).message);
  }
  const pool = createPool(cfg.DATABASE_URL, { max: cfg.DATABASE_POOL_MAX });
  await migrate(pool);
  const refusal = await devKeyRefusal(cfg, pool);
  if (refusal) {
    await pool.end();
    refuse(refusal);
  }
  if (adminKey && (await new ApiKeyStore(pool).ensureAdminKey(adminKey)) === 'revoked') {
    logger.warn('LIFELINE_ADMIN_API_KEY names a revoked key; it stays revoked (choose a new key to bootstrap an admin)');
  }
  const client = await connectClient(cfg);
  const app = createApp({ client, pool, taskQueue: cfg.TEMPORAL_TASK_QUEUE, logger, http: httpSettings(cfg) });
  const server: Server = app.listen(cfg.PORT, cfg.HOST, () =>
    logger.info({ url: `http://${cfg.HOST}:${cfg.PORT}`, publicBaseUrl: publicBaseUrl(cfg) }, 'API listening'),
  );
  const stop = () => {
    logger.info('shutting down');
    server.close(() => {
      void Promise.all([client.connection.close(), pool.end()]).finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`api failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
