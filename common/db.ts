import { Pool, type PoolClient, type PoolConfig } from 'pg';

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

/** Runs `work` in one transaction on one client: committed if it returns, rolled back if it throws. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export type { Pool, PoolClient };
