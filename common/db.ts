import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { config, type Config } from './config';

/**
 * How long the pool waits for PostgreSQL, so no caller waits for an outage to end:
 * - `connectionTimeoutMillis`: for a connection, opened or taken from a busy pool;
 * - `statement_timeout`: the server cancels a statement that runs longer (SQLSTATE 57014);
 * - `query_timeout`: the client gives up a query that has no answer a second after that (a dead
 *   network or server, which cannot cancel anything), and the pool drops that connection;
 * - TCP keepalive on every connection, so a socket whose peer is gone is noticed while idle.
 */
export function poolBounds(cfg: Pick<Config, 'DATABASE_CONNECT_TIMEOUT_MS' | 'DATABASE_QUERY_TIMEOUT_MS'>): Partial<PoolConfig> {
  return {
    connectionTimeoutMillis: cfg.DATABASE_CONNECT_TIMEOUT_MS,
    statement_timeout: cfg.DATABASE_QUERY_TIMEOUT_MS,
    query_timeout: cfg.DATABASE_QUERY_TIMEOUT_MS + 1_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/** A PostgreSQL pool; timestamps always travel as UTC instants. Bounds default to the configuration's (poolBounds). */
export function createPool(
  connectionString: string,
  options: Partial<PoolConfig> = {},
  onIdleError: (err: Error) => void = (err) => process.stderr.write(`postgres: idle connection lost: ${err.message}\n`),
): Pool {
  const pool = new Pool({
    connectionString,
    max: 10,
    idleTimeoutMillis: 30_000,
    options: '-c TimeZone=UTC',
    ...poolBounds(config()),
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
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that failed or stopped answering is dropped, not rolled back (the server rolls
    // back a transaction whose connection is gone) and not handed to the next caller.
    if (isDatabaseUnavailable(err)) broken = err as Error;
    else await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Socket errors that mean the server cannot be reached or went away. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/**
 * SQLSTATEs of a server that is unavailable or did not answer in time: connection exceptions (08…),
 * admin or crash shutdown (57P01, 57P02), starting up (57P03), statement timeout (57014), too many
 * connections (53300).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Query read timeout/i,
  /Connection terminated/i,
  /Connection timeout/i,
  /not queryable/i,
];

/**
 * Whether an error means PostgreSQL cannot be reached or did not answer in time (a retry later may
 * succeed), as opposed to a refusal of the statement itself. Follows `cause` and AggregateError.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') {
    if (UNREACHABLE_CODES.has(e.code)) return true;
    if (/^[0-9A-Z]{5}$/.test(e.code) && (e.code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(e.code))) return true;
  }
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

export type { Pool, PoolClient };
