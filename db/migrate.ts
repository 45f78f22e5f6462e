import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool, QueryConfig } from 'pg';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

// Any fixed 64-bit number: serialises concurrent runners (API and worker starting together).
const MIGRATION_LOCK = 7_411_935_002;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies db/migrations/*.sql in name order, each inside its own transaction, recording each in
 * schema_migrations. Safe to run twice, and from several processes at once (advisory lock).
 */
/** How long one migration, or the wait for another process's, may take (pg reads `query_timeout` per query; its types omit it). */
const MIGRATION_BOUND_MS = 30 * 60_000;
const longQuery = (text: string, values?: unknown[]): QueryConfig => ({ text, values, query_timeout: MIGRATION_BOUND_MS }) as QueryConfig;

export async function migrate(pool: Pool, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d+_[\w-]+\.sql$/.test(f)).sort();
  const client = await pool.connect();
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  try {
    // A migration (or the wait for another process's) may take longer than a request may: no statement bound here.
    await client.query('SET statement_timeout = 0');
    await client.query(longQuery('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]));
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) {
        result.alreadyApplied.push(file);
        continue;
      }
      const sql = await readFile(path.join(dir, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(longQuery(sql));
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      result.applied.push(file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.query('RESET statement_timeout').catch(() => undefined);
    client.release();
  }
  return result;
}
