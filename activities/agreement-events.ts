/**
 * The contract workflow's persistence: its events, the agreement's read-model row (`contracts`), the
 * licences it covers, and the term reminders it sends, in one transaction. Idempotent like the other
 * event logs: (workflow_id, seq) is unique, one outbox row per (event, role, address).
 */
import { withTransaction, type Pool, type PoolClient } from '../common/db';
import type { AgreementEventRecord, AgreementState } from '../workflows/agreement/contract';
import { appendEvents } from './event-log';
import { queueTermReminder } from './notifications/agreement-messages';

export async function persistAgreementEvents(pool: Pool, events: AgreementEventRecord[]): Promise<{ deliveries: number[] }> {
  if (events.length === 0) return { deliveries: [] };
  return withTransaction(pool, async (client) => {
    await appendEvents(client, 'contract_events', 'contract_id', events, (e) => e.contractId);
    const last = events.reduce((a, b) => (b.seq > a.seq ? b : a));
    const snapshot = last.snapshot ?? events.find((e) => e.snapshot)?.snapshot;
    if (snapshot && (await upsertAgreement(client, last.seq, snapshot))) await upsertLicences(client, snapshot);
    const deliveries: number[] = [];
    for (const event of events) {
      if (event.notify && snapshot) deliveries.push(...(await queueTermReminder(client, event, snapshot)));
    }
    return { deliveries };
  });
}

/**
 * Moves the agreement's row to this state, only forward: a row the old PUT route wrote has
 * last_seq 0, so the workflow's first batch takes it over. True when the row moved.
 */
async function upsertAgreement(client: PoolClient, seq: number, s: AgreementState): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO contracts (contract_id, customer_id, policy_id, plan, starts_at, ends_at, options, override, version,
                            status, licences, snapshot, workflow_id, last_seq, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())
     ON CONFLICT (contract_id) DO UPDATE SET
       customer_id = EXCLUDED.customer_id, policy_id = EXCLUDED.policy_id, plan = EXCLUDED.plan,
       starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, options = EXCLUDED.options, override = EXCLUDED.override,
       version = EXCLUDED.version, status = EXCLUDED.status, licences = EXCLUDED.licences, snapshot = EXCLUDED.snapshot,
       workflow_id = EXCLUDED.workflow_id, last_seq = EXCLUDED.last_seq, updated_at = now()
     WHERE contracts.last_seq < EXCLUDED.last_seq`,
    [
      s.contractId,
      s.customerId,
      s.policyId,
      s.plan,
      s.periods[0].startsAt,
      s.periods.at(-1)!.endsAt ?? null,
      JSON.stringify(s.options),
      JSON.stringify(s.override),
      s.version,
      s.status,
      JSON.stringify(s.licences),
      JSON.stringify(s),
      s.workflowId,
      seq,
    ],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The agreement's licences in `licences`, so lifecycle notices reach their holder. A licence on file
 * for another customer is left alone; one the agreement no longer covers stays the customer's, without it.
 */
async function upsertLicences(client: PoolClient, s: AgreementState): Promise<void> {
  // One row per id: ON CONFLICT cannot touch a row twice in one statement (SQLSTATE 21000, retried for ever).
  const licences = [...new Map(s.licences.map((l) => [l.licenceId, l])).values()];
  await client.query(
    `INSERT INTO licences (licence_id, customer_id, contract_id, product, version, minor, contact_email, updated_at)
     SELECT l.licence_id, $1, $2, l.product, l.version, l.minor, $3, now()
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS l(licence_id, product, version, minor)
     ON CONFLICT (licence_id) DO UPDATE SET
       contract_id = EXCLUDED.contract_id, product = EXCLUDED.product, version = EXCLUDED.version, minor = EXCLUDED.minor,
       contact_email = COALESCE(licences.contact_email, EXCLUDED.contact_email), updated_at = now()
     WHERE licences.customer_id = EXCLUDED.customer_id`,
    [
      s.customerId,
      s.contractId,
      s.contactEmail ?? null,
      licences.map((l) => l.licenceId),
      licences.map((l) => l.product),
      licences.map((l) => l.major),
      licences.map((l) => l.minor ?? null),
    ],
  );
  await client.query(
    `UPDATE licences SET contract_id = NULL, updated_at = now() WHERE contract_id = $1 AND NOT (licence_id = ANY($2::text[]))`,
    [s.contractId, licences.map((l) => l.licenceId)],
  );
}
