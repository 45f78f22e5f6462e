/** Stored policy versions (docs/policies.md "Stored policies"): what the API writes and reads of them. */
import type { Pool } from 'pg';
import { withTransaction } from '../../common/db';

export interface PolicyVersionRow {
  policy_id: string;
  version: number;
  document: unknown;
  reason: string;
  created_by: string | null;
  created_at: Date;
}

/** Stores a new version after the latest (or after `after`, the built-in's version); answers its number. */
export async function savePolicyVersion(
  pool: Pool,
  policyId: string,
  after: number,
  document: (version: number) => unknown,
  reason: string,
  by: string,
): Promise<number> {
  return withTransaction(pool, async (db) => {
    // One writer at a time per policy: versions are dense and never reused.
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`policy:${policyId}`]);
    const { rows } = await db.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM policy_versions WHERE policy_id = $1',
      [policyId],
    );
    const version = Math.max(rows[0].version ?? 0, after) + 1;
    await db.query('INSERT INTO policy_versions (policy_id, version, document, reason, created_by) VALUES ($1, $2, $3, $4, $5)', [
      policyId,
      version,
      JSON.stringify(document(version)),
      reason,
      by,
    ]);
    return version;
  });
}

/** The latest version of every stored policy, and whether it is retired: what a process publishes. */
export async function latestPolicyVersions(pool: Pool): Promise<Array<{ document: unknown; version: number; retired: boolean }>> {
  const { rows } = await pool.query<{ document: unknown; version: number; retired: boolean }>(
    `SELECT DISTINCT ON (v.policy_id) v.document, v.version, (r.policy_id IS NOT NULL) AS retired
       FROM policy_versions v LEFT JOIN policy_retirements r ON r.policy_id = v.policy_id
      ORDER BY v.policy_id, v.version DESC`,
  );
  return rows;
}

export async function retiredPolicyIds(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ policy_id: string }>('SELECT policy_id FROM policy_retirements ORDER BY policy_id');
  return rows.map((r) => r.policy_id);
}

/** A cheap fingerprint of the store: it changes with every new version or retirement. */
export async function policyStoreMark(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ mark: string }>(
    `SELECT (SELECT count(*) FROM policy_versions)::text || ':' || (SELECT count(*) FROM policy_retirements)::text AS mark`,
  );
  return rows[0].mark;
}

export async function policyVersions(pool: Pool, policyId: string): Promise<PolicyVersionRow[]> {
  const { rows } = await pool.query<PolicyVersionRow>(
    'SELECT policy_id, version, document, reason, created_by, created_at FROM policy_versions WHERE policy_id = $1 ORDER BY version',
    [policyId],
  );
  return rows;
}

export async function retirePolicy(pool: Pool, policyId: string, reason: string, by: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    'INSERT INTO policy_retirements (policy_id, reason, retired_by) VALUES ($1, $2, $3) ON CONFLICT (policy_id) DO NOTHING',
    [policyId, reason, by],
  );
  return (rowCount ?? 0) > 0;
}

/** Whether anything references the policy: a ticket or an agreement (such a policy can only be retired). */
export async function policyInUse(pool: Pool, policyId: string): Promise<boolean> {
  const { rows } = await pool.query<{ used: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM tickets WHERE policy_id = $1) OR EXISTS (SELECT 1 FROM contracts WHERE policy_id = $1) AS used`,
    [policyId],
  );
  return rows[0].used;
}

export async function deletePolicy(pool: Pool, policyId: string): Promise<void> {
  await withTransaction(pool, async (db) => {
    await db.query('DELETE FROM policy_versions WHERE policy_id = $1', [policyId]);
    await db.query('DELETE FROM policy_retirements WHERE policy_id = $1', [policyId]);
  });
}
