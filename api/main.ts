/** The API process: `npm run api` (or node dist/api/main.js in the container). */
import type { Server } from 'node:http';
import { configOrExit } from '../common/config';
import { createPool } from '../common/db';
import { createLogger } from '../common/logger';
import { connectClient } from '../common/temporal';
import { migrate } from '../db/migrate';
import { ApiKeyStore } from './auth';
import { createApp } from './app';

async function main(): Promise<void> {
  const cfg = configOrExit();
  const logger = createLogger(cfg.LOG_LEVEL, 'lifeline-api');
  if (!cfg.DATABASE_URL) {
    logger.fatal('DATABASE_URL is not set: the API needs PostgreSQL (npm run dev starts an embedded one)');
    process.exit(78);
  }
  const pool = createPool(cfg.DATABASE_URL, { max: cfg.DATABASE_POOL_MAX });
  await migrate(pool);
  if (cfg.LIFELINE_ADMIN_API_KEY) await new ApiKeyStore(pool).ensureAdminKey(cfg.LIFELINE_ADMIN_API_KEY);
  const client = await connectClient(cfg);
  const app = createApp({ client, pool, taskQueue: cfg.TEMPORAL_TASK_QUEUE, logger });
  const server: Server = app.listen(cfg.PORT, cfg.HOST, () => logger.info({ url: `http://${cfg.HOST}:${cfg.PORT}` }, 'API listening'));
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
