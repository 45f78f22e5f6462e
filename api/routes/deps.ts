import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from '../../common/logger';

/** What every route factory is given: the Temporal client and task queue, the read model's pool, the logger. */
export interface RouteDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  logger: Logger;
}
