/** The agreements read model as the API reads it: `contracts` rows the contract workflow writes, and the tickets under each. */
import type { Pool } from 'pg';
import type { AgreementLicence, AgreementState, AgreementStatus } from '../../workflows/agreement/contract';

export interface AgreementRow {
  contract_id: string;
  customer_id: string;
  policy_id: string;
  plan: string;
  starts_at: Date;
  ends_at: Date | null;
  options: Record<string, boolean>;
  override: Record<string, unknown>;
  version: number;
  /** Null for a row the old PUT route wrote that no workflow has taken over yet. */
  status: AgreementStatus | null;
  licences: AgreementLicence[];
  workflow_id: string | null;
  last_seq: number;
  updated_at: Date;
}

const COLUMNS = `contract_id, customer_id, policy_id, plan, starts_at, ends_at, options, override, version,
                 status, licences, workflow_id, last_seq, updated_at`;

/** One agreement: its row and the workflow's state after its last written batch (null before the workflow wrote it). */
export async function agreementById(
  pool: Pool,
  contractId: string,
): Promise<{ snapshot: AgreementState | null; row: AgreementRow } | undefined> {
  const { rows } = await pool.query<AgreementRow & { snapshot: AgreementState | null }>(
    `SELECT ${COLUMNS}, snapshot FROM contracts WHERE contract_id = $1`,
    [contractId],
  );
  if (!rows[0]) return undefined;
  const { snapshot, ...row } = rows[0];
  return { snapshot, row };
}

export interface AgreementTicketRow {
  ticket_id: string;
  status: string;
  severity: string;
  title: string;
  opened_at: Date;
  closed_at: Date | null;
  updated_at: Date;
}

/** The tickets opened under an agreement, newest first. */
export async function ticketsOfAgreement(pool: Pool, contractId: string, limit: number): Promise<AgreementTicketRow[]> {
  const { rows } = await pool.query<AgreementTicketRow>(
    `SELECT ticket_id, status, severity, title, opened_at, closed_at, updated_at FROM tickets
      WHERE contract_id = $1 ORDER BY opened_at DESC, ticket_id DESC LIMIT $2`,
    [contractId, limit],
  );
  return rows;
}

/** A customer's agreements (under one policy when given), oldest term first: for the plan rules and for choosing a ticket's agreement. */
export async function agreementsOfCustomer(
  pool: Pool,
  customerId: string,
  policyId?: string,
): Promise<Array<AgreementRow & { snapshot: AgreementState | null }>> {
  const { rows } = await pool.query<AgreementRow & { snapshot: AgreementState | null }>(
    `SELECT ${COLUMNS}, snapshot FROM contracts
      WHERE customer_id = $1 AND ($2::text IS NULL OR policy_id = $2)
      ORDER BY starts_at, contract_id`,
    [customerId, policyId ?? null],
  );
  return rows;
}

/** Who holds each of these licences now (the `licences` table), for refusing an agreement over another customer's licence. */
export async function licenceHolders(pool: Pool, licenceIds: string[]): Promise<Map<string, string>> {
  if (licenceIds.length === 0) return new Map();
  const { rows } = await pool.query<{ licence_id: string; customer_id: string }>(
    'SELECT licence_id, customer_id FROM licences WHERE licence_id = ANY($1::text[])',
    [licenceIds],
  );
  return new Map(rows.map((r) => [r.licence_id, r.customer_id]));
}
