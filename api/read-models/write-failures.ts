/** Writes the database refused for good (activities/write-failures.ts), as the alert metric counts them. */
import type { Pool } from '../../common/db';

export async function unresolvedWriteFailures(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM write_failures WHERE resolved_at IS NULL');
  return Number(rows[0].n);
}
