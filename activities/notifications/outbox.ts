/**
 * The notification outbox, the same for every subsystem: rows queued once per idempotency key in
 * the caller's transaction, claimed, delivered by email, webhook or page, and retried by Temporal.
 * What a message says lives beside it, per subsystem (ticket-messages.ts, lifecycle-messages.ts).
 */
import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import type { Mailer } from '../../common/mailer';
import type { RecipientRole } from '../../policies/index';
import type { ActivityMetrics } from '../metrics';

export interface NotificationDependencies {
  pool: Pool;
  /** Absent: emails are recorded in the outbox and logged, not sent (no SMTP_URL). */
  mailer?: Mailer;
  from: string;
  /** Shared secret for webhook signatures when a route names none. */
  webhookSecret?: string;
  log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
  fetchImpl?: typeof fetch;
  /** Per webhook call; the inline first attempt uses a short one. */
  webhookTimeoutMs?: number;
  /** How long this attempt holds the rows it claims (CLAIM_LEASE_MS unless shorter). */
  claimLeaseMs?: number;
  /** Counts each row's attempt and failure by channel (absent: not counted). */
  metrics?: Pick<ActivityMetrics, 'notificationAttempted'>;
}

export interface Route {
  channel: 'email' | 'webhook' | 'page';
  address: string;
  /** The routes row's policy id ('*' or a policy), whose secret signs a webhook; absent for a ticket's own contacts. */
  policyId?: string;
}

/** The routes table's addresses for a role under a policy: the policy's own routes replace the catch-all ('*') ones. */
export async function routedAddresses(client: PoolClient, role: RecipientRole, policyId: string): Promise<Route[]> {
  const { rows } = await client.query<{ policy_id: string; channel: Route['channel']; address: string }>(
    `SELECT policy_id, channel, address FROM notification_routes
      WHERE role = $1 AND policy_id IN ($2, '*') ORDER BY policy_id = '*', channel, address`,
    [role, policyId],
  );
  const specific = rows.filter((r) => r.policy_id !== '*');
  return (specific.length > 0 ? specific : rows).map((r) => ({ channel: r.channel, address: r.address, policyId: r.policy_id }));
}

export interface OutboxEntry {
  /** Once per key: a retried write queues nothing twice. */
  key: string;
  ticketId: string | null;
  workflowId: string;
  eventSeq: number;
  eventType: string;
  role: RecipientRole;
  /** Null: nobody to send to; the row is kept as `unrouted`. */
  route: Route | null;
  subject: string;
  body: Record<string, unknown>;
  occurredAt: string;
}

/**
 * Queues one outbox row and returns its id while it still awaits delivery: pending, or held by an
 * earlier attempt (a retried write) whose claim deliverNotifications waits out.
 */
export async function enqueueNotification(client: PoolClient, e: OutboxEntry): Promise<number | undefined> {
  const { rows } = await client.query<{ id: string; status: string }>(
    `INSERT INTO notifications (idempotency_key, ticket_id, workflow_id, event_seq, event_type, role, channel, address,
                                subject, body, status, occurred_at, route_policy_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
     RETURNING id, status`,
    [
      e.key,
      e.ticketId,
      e.workflowId,
      e.eventSeq,
      e.eventType,
      e.role,
      e.route?.channel ?? 'none',
      e.route?.address ?? null,
      e.subject,
      JSON.stringify(e.body),
      e.route ? 'pending' : 'unrouted',
      e.occurredAt,
      e.route?.policyId ?? null,
    ],
  );
  return rows[0].status === 'pending' || rows[0].status === 'sending' ? Number(rows[0].id) : undefined;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the scheme Stripe-style receivers verify. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

interface OutboxRow {
  id: string;
  idempotency_key: string;
  channel: 'email' | 'webhook' | 'page';
  address: string;
  subject: string;
  body: Record<string, unknown>;
  status: string;
  secret: string | null;
}

/** Claims the rows first, for `leaseMs`: a retry that overlaps a slow earlier attempt skips what that attempt holds. */
async function claimNotifications(pool: Pool, ids: number[], leaseMs: number): Promise<OutboxRow[]> {
  const { rows } = await pool.query<OutboxRow>(
    `UPDATE notifications n SET status = 'sending', claimed_at = now(), lease_until = now() + $2 * interval '1 millisecond'
      WHERE n.id = ANY($1::bigint[])
        AND (n.status = 'pending' OR (n.status = 'sending' AND ${LEASE_END} < now()))
      RETURNING n.id, n.idempotency_key, n.channel, n.address, n.subject, n.body, n.status,
        (SELECT r.secret FROM notification_routes r
          WHERE r.policy_id = n.route_policy_id AND r.role = n.role AND r.channel = n.channel AND r.address = n.address) AS secret`,
    [ids, leaseMs],
  );
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

async function markDelivered(pool: Pool, id: string, status: 'sent' | 'recorded'): Promise<void> {
  await pool.query(
    `UPDATE notifications SET status = $2, sent_at = now(), claimed_at = NULL, lease_until = NULL, attempts = attempts + 1, last_error = NULL WHERE id = $1`,
    [id, status],
  );
}

/** Hands a failed row back as pending, with its error, for Temporal's next attempt. */
async function markForRetry(pool: Pool, id: string, message: string): Promise<void> {
  await pool.query(
    `UPDATE notifications SET status = 'pending', claimed_at = NULL, lease_until = NULL, attempts = attempts + 1, last_error = $2 WHERE id = $1`,
    [id, message.slice(0, 1000)],
  );
}

/** How long a delivery activity holds its rows: longer than an attempt may run (the activity's 5-minute start-to-close). */
export const CLAIM_LEASE_MS = 6 * 60_000;

/** The first attempt, inside the persistence local activity: 3 s per webhook, so its lease is short. */
export const INLINE_TIMEOUT_MS = 3_000;
export const inlineLeaseMs = (rows: number) => 30_000 + rows * 2 * INLINE_TIMEOUT_MS;

/** When a claim ends, in SQL; a row claimed before migration 010 holds for CLAIM_LEASE_MS. */
const LEASE_END = `COALESCE(n.lease_until, n.claimed_at + ${CLAIM_LEASE_MS} * interval '1 millisecond')`;

/** Rows another attempt still holds (it may have died mid-send), and when the first of their leases ends. */
async function heldRows(pool: Pool, ids: number[]): Promise<{ n: number; leaseEndsInMs: number }> {
  const held = await pool.query<{ n: number; ends_in_ms: number | null }>(
    `SELECT count(*)::int AS n, (extract(epoch FROM min(${LEASE_END}) - now()) * 1000)::float8 AS ends_in_ms
       FROM notifications n WHERE id = ANY($1::bigint[]) AND status = 'sending'`,
    [ids],
  );
  return { n: held.rows[0].n, leaseEndsInMs: Math.max(0, held.rows[0].ends_in_ms ?? 0) };
}

/**
 * Sends queued notifications once each: a row already sent (or recorded) is skipped, so a retried
 * activity does not send twice. A failure leaves its row pending and fails the activity, which
 * Temporal retries with backoff; the rows that did go out are not sent again.
 */
export async function deliverNotifications(
  deps: NotificationDependencies,
  input: { ids: number[]; at: string },
): Promise<{ sent: number; recorded: number }> {
  const rows = await claimNotifications(deps.pool, input.ids, deps.claimLeaseMs ?? CLAIM_LEASE_MS);
  let sent = 0;
  let recorded = 0;
  const failures: string[] = [];
  for (const row of rows) {
    try {
      const status = await deliverOne(deps, row);
      await markDelivered(deps.pool, row.id, status);
      deps.metrics?.notificationAttempted(row.channel, 'delivered');
      if (status === 'sent') sent += 1;
      else recorded += 1;
    } catch (err) {
      const message = (err as Error).message;
      deps.metrics?.notificationAttempted(row.channel, 'failed');
      failures.push(`${row.channel} ${row.address}: ${message}`);
      await markForRetry(deps.pool, row.id, message);
      deps.log('warn', 'notification not delivered; Temporal will retry', {
        id: row.id,
        channel: row.channel,
        address: row.address,
        err: message,
      });
    }
  }
  const held = await heldRows(deps.pool, input.ids);
  if (held.n > 0) failures.push(`${held.n} held by another delivery attempt`);
  if (failures.length === 0) return { sent, recorded };
  const message = `${failures.length} notification(s) not delivered: ${failures.join('; ')}`;
  // Only rows another attempt holds (one that died mid-send): try again as its lease ends, not on the backoff's schedule.
  if (held.n === failures.length) throw ApplicationFailure.create({ message, nextRetryDelay: held.leaseEndsInMs + 1_000 });
  throw new Error(message);
}

/** One row on its channel; an email without SMTP is `recorded`, not sent. */
async function deliverOne(deps: NotificationDependencies, row: OutboxRow): Promise<'sent' | 'recorded'> {
  if (row.channel !== 'email') {
    await postWebhook(deps, row);
    return 'sent';
  }
  if (!deps.mailer) {
    // No SMTP configured: the outbox row and this log line are the record.
    deps.log('info', 'email recorded (SMTP_URL not set)', { to: row.address, subject: row.subject });
    return 'recorded';
  }
  await deps.mailer.send({
    from: deps.from,
    to: row.address,
    subject: row.subject,
    text: `${row.subject}\n\n${JSON.stringify(row.body, null, 2)}\n`,
    headers: { 'X-Lifeline-Idempotency-Key': row.idempotency_key },
  });
  return 'sent';
}

async function postWebhook(deps: NotificationDependencies, row: OutboxRow): Promise<void> {
  const body = JSON.stringify({ ...row.body, ...(row.channel === 'page' ? { urgent: true } : {}) });
  const secret = row.secret ?? deps.webhookSecret;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': row.idempotency_key,
    'user-agent': 'Lifeline-Notifier',
  };
  if (secret) headers['lifeline-signature'] = signWebhook(secret, Math.floor(Date.now() / 1000), body);
  const response = await (deps.fetchImpl ?? fetch)(row.address, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(deps.webhookTimeoutMs ?? 10_000),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}

/**
 * The first attempt, made by the persistence local activity right after the rows are committed:
 * most notifications go out without an activity of their own in the ticket's history. What fails
 * here stays pending and is handed to deliverNotifications, which Temporal retries.
 */
export async function deliverInline(deps: NotificationDependencies, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  try {
    await deliverNotifications(
      { ...deps, webhookTimeoutMs: INLINE_TIMEOUT_MS, claimLeaseMs: inlineLeaseMs(ids.length) },
      { ids, at: new Date().toISOString() },
    );
    return [];
  } catch {
    const { rows } = await deps.pool.query<{ id: string }>(
      `SELECT id FROM notifications WHERE id = ANY($1::bigint[]) AND status IN ('pending', 'sending') ORDER BY id`,
      [ids],
    );
    return rows.map((r) => Number(r.id));
  }
}
