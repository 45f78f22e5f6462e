import { Pool, type PoolConfig } from 'pg';

/** A PostgreSQL pool; timestamps always travel as UTC instants. */
export function createPool(
  connectionString: string,
  options: Partial<PoolConfig> = {},
  onIdleError: (err: Error) => void = (err) => process.stderr.write(`postgres: idle connection lost: ${err.message}\n`),
): Pool {
  const pool = new Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    options: '-c TimeZone=UTC',
    ...options,
  });
  // An idle client's error (server restart, failover) is emitted on the pool; unhandled it would
  // crash the process. The pool drops that client and opens a new one on next use.
  pool.on('error', onIdleError);
  return pool;
}

export type { Pool };
