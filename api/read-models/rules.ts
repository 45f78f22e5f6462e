/** The rules the API stores for running tickets: policy overrides and notification routes; what a ticket takes from its contract. */
import type { Pool } from 'pg';
import { withTransaction } from '../../common/db';

export interface PolicyOverrideRow {
  override: unknown;
  version: number;
  updated_at: Date;
  updated_by: string | null;
}

export async function policyOverride(pool: Pool, policyId: string): Promise<PolicyOverrideRow | undefined> {
  const { rows } = await pool.query<PolicyOverrideRow>(
    'SELECT override, version, updated_at, updated_by FROM policy_overrides WHERE policy_id = $1',
    [policyId],
  );
  return rows[0];
}

/** Stores a policy's override; returns its new version (1, then one more per change). */
export async function savePolicyOverride(pool: Pool, policyId: string, override: unknown, updatedBy: string): Promise<number> {
  const { rows } = await pool.query<{ version: number }>(
    `INSERT INTO policy_overrides (policy_id, override, version, updated_by) VALUES ($1, $2, 1, $3)
       ON CONFLICT (policy_id) DO UPDATE SET override = EXCLUDED.override, version = policy_overrides.version + 1,
         updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING version`,
    [policyId, JSON.stringify(override), updatedBy],
  );
  return rows[0].version;
}

/** What a ticket opened under a contract takes from it: its customer, policy, plan and options. */
export async function contractTerms(
  pool: Pool,
  contractId: string,
): Promise<{ customer_id: string; policy_id: string; plan: string; options: Record<string, boolean> } | undefined> {
  const { rows } = await pool.query<{ customer_id: string; policy_id: string; plan: string; options: Record<string, boolean> }>(
    'SELECT customer_id, policy_id, plan, options FROM contracts WHERE contract_id = $1',
    [contractId],
  );
  return rows[0];
}

export interface NotificationRoute {
  policyId: string;
  role: string;
  channel: string;
  address: string;
  secret?: string;
}

/** Every route, secrets left out: only whether each is signed. */
export async function notificationRoutes(
  pool: Pool,
): Promise<Array<{ policyId: string; role: string; channel: string; address: string; signed: boolean }>> {
  const { rows } = await pool.query(
    'SELECT policy_id, role, channel, address, secret IS NOT NULL AS signed FROM notification_routes ORDER BY policy_id, role, channel, address',
  );
  return rows.map((r) => ({ policyId: r.policy_id, role: r.role, channel: r.channel, address: r.address, signed: r.signed }));
}

/** Replaces every route at once: a reader never sees half of the new set. */
export async function replaceNotificationRoutes(pool: Pool, routes: NotificationRoute[]): Promise<void> {
  await withTransaction(pool, async (db) => {
    await db.query('DELETE FROM notification_routes');
    for (const r of routes) {
      await db.query(
        'INSERT INTO notification_routes (policy_id, role, channel, address, secret) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [r.policyId, r.role, r.channel, r.address, r.secret ?? null],
      );
    }
  });
}
