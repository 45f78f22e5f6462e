import { Pool, type PoolConfig } from 'pg';

/** A PostgreSQL pool; timestamps always travel as UTC instants. */
export function createPool(connectionString: string, options: Partial<PoolConfig> = {}): Pool {
  return new Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    options: '-c TimeZone=UTC',
    ...options,
  });
}

export type { Pool };
