/** Stored policy versions (docs/policies.md "Stored policies"): what the API writes and reads of them. */
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../../common/db';

export interface PolicyVersionRow {
  policy_id: string;
  version: number;
  document: unknown;
  reason: string;
  created_by: string | null;
  created_at: Date;
}

/** The policy was retired: it takes no new version (checked in the writing transaction, not from a cache). */
export class PolicyRetiredError extends Error {}

/** One writer at a time per policy, and a new store generation for the API processes to notice. */
async function lockPolicy(db: PoolClient, policyId: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`policy:${policyId}`]);
  await db.query("SELECT nextval('policy_store_generation')");
}

/** Stores a new version after the latest (or after `after`, the built-in's version, or a deleted policy's last); answers its number. */
export async function savePolicyVersion(
  pool: Pool,
  policyId: string,
  after: number,
  document: (version: number) => unknown,
  reason: string,
  by: string,
): Promise<number> {
  return withTransaction(pool, async (db) => {
    await lockPolicy(db, policyId);
    const { rows } = await db.query<{ version: number | null; deleted: number | null; retired: boolean }>(
      `SELECT (SELECT max(version) FROM policy_versions WHERE policy_id = $1) AS version,
              (SELECT last_version FROM policy_deletions WHERE policy_id = $1) AS deleted,
              EXISTS (SELECT 1 FROM policy_retirements WHERE policy_id = $1) AS retired`,
      [policyId],
    );
    if (rows[0].retired) throw new PolicyRetiredError(`Policy ${policyId} is retired; it takes no new versions.`);
    // Versions are dense and never reused, not even after a deletion.
    const version = Math.max(rows[0].version ?? 0, rows[0].deleted ?? 0, after) + 1;
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

/** The store's generation: it moves with every write (a sequence never goes back). */
export async function policyStoreMark(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ mark: string }>('SELECT last_value::text AS mark FROM policy_store_generation');
  return rows[0].mark;
}

export async function policyVersions(pool: Pool, policyId: string): Promise<PolicyVersionRow[]> {
  const { rows } = await pool.query<PolicyVersionRow>(
    'SELECT policy_id, version, document, reason, created_by, created_at FROM policy_versions WHERE policy_id = $1 ORDER BY version',
    [policyId],
  );
  return rows;
}

export async function retirePolicy(pool: Pool, policyId: string, reason: string, by: string): Promise<void> {
  await withTransaction(pool, async (db) => {
    await lockPolicy(db, policyId);
    await db.query(
      'INSERT INTO policy_retirements (policy_id, reason, retired_by) VALUES ($1, $2, $3) ON CONFLICT (policy_id) DO NOTHING',
      [policyId, reason, by],
    );
  });
}

/** What uses the policy (tickets, agreements, products with lifecycles): such a policy can only be retired. */
export async function policyUsers(pool: Pool, policyId: string): Promise<string[]> {
  const { rows } = await pool.query<{ tickets: boolean; contracts: boolean; products: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM tickets WHERE policy_id = $1) AS tickets,
            EXISTS (SELECT 1 FROM contracts WHERE policy_id = $1) AS contracts,
            EXISTS (SELECT 1 FROM products WHERE policy_id = $1) AS products`,
    [policyId],
  );
  return Object.entries(rows[0])
    .filter(([, used]) => used)
    .map(([what]) => (what === 'contracts' ? 'agreements' : what));
}

/** Deletes a stored policy and what was written for it alone (its notification routes; its local override emptied), leaving a tombstone of its last version. */
export async function deletePolicy(pool: Pool, policyId: string, by: string): Promise<void> {
  await withTransaction(pool, async (db) => {
    await lockPolicy(db, policyId);
    await db.query(
      `INSERT INTO policy_deletions (policy_id, last_version, deleted_by)
         SELECT $1, max(version), $2 FROM policy_versions WHERE policy_id = $1
       ON CONFLICT (policy_id) DO UPDATE SET last_version = GREATEST(policy_deletions.last_version, EXCLUDED.last_version),
         deleted_by = EXCLUDED.deleted_by, deleted_at = now()`,
      [policyId, by],
    );
    for (const table of ['policy_versions', 'policy_retirements', 'notification_routes']) {
      await db.query(`DELETE FROM ${table} WHERE policy_id = $1`, [policyId]);
    }
    // Emptied, not deleted: its version goes on, so a later override's fan-out never takes an id already used.
    await db.query("UPDATE policy_overrides SET override = '{}'::jsonb, version = version + 1, updated_at = now() WHERE policy_id = $1", [
      policyId,
    ]);
  });
}
