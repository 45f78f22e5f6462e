/**
 * What every fault must leave true, read from PostgreSQL, the API and the webhook receiver: no event
 * lost (each ticket's sequence is 1…n without a gap, the read model at n), none duplicated (each
 * warning, breach and escalation once), every notification delivered, once per idempotency key.
 */
import { Client } from 'pg';
import type { FaultStack } from './stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TicketFacts {
  ticketId: string;
  seqs: number[];
  types: string[];
  lastSeq: number;
  breachedInReadModel: boolean;
}

export interface NotificationFacts {
  key: string;
  ticketId: string;
  eventType: string;
  channel: string;
  status: string;
}

async function query<T>(stack: FaultStack, sql: string, params: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function ticketFacts(stack: FaultStack, ticketIds: string[]): Promise<TicketFacts[]> {
  const events = await query<{ ticket_id: string; seq: number; type: string }>(
    stack,
    'SELECT ticket_id, seq, type FROM ticket_events WHERE ticket_id = ANY($1) ORDER BY ticket_id, seq',
    [ticketIds],
  );
  const rows = await query<{ ticket_id: string; last_seq: number; breached: boolean }>(
    stack,
    'SELECT ticket_id, last_seq, breached FROM tickets WHERE ticket_id = ANY($1)',
    [ticketIds],
  );
  return ticketIds.map((ticketId) => {
    const own = events.filter((e) => e.ticket_id === ticketId);
    const row = rows.find((r) => r.ticket_id === ticketId);
    return {
      ticketId,
      seqs: own.map((e) => e.seq),
      types: own.map((e) => e.type),
      lastSeq: row?.last_seq ?? 0,
      breachedInReadModel: row?.breached ?? false,
    };
  });
}

export async function notificationFacts(stack: FaultStack, ticketIds: string[]): Promise<NotificationFacts[]> {
  const rows = await query<{ idempotency_key: string; ticket_id: string; event_type: string; channel: string; status: string }>(
    stack,
    'SELECT idempotency_key, ticket_id, event_type, channel, status FROM notifications WHERE ticket_id = ANY($1) ORDER BY id',
    [ticketIds],
  );
  return rows.map((r) => ({
    key: r.idempotency_key,
    ticketId: r.ticket_id,
    eventType: r.event_type,
    channel: r.channel,
    status: r.status,
  }));
}

const count = (types: string[], type: string) => types.filter((t) => t === type).length;

/** Waits (bounded) until every ticket has breached and escalated and no notification is still pending. */
export async function untilSettled(stack: FaultStack, ticketIds: string[], breaches: boolean, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const facts = await ticketFacts(stack, ticketIds).catch(() => undefined);
    const notices = await notificationFacts(stack, ticketIds).catch(() => undefined);
    const done =
      facts !== undefined &&
      notices !== undefined &&
      facts.every((t) => t.seqs.length > 0 && t.lastSeq === t.seqs.at(-1) && (!breaches || count(t.types, 'escalated') > 0)) &&
      notices.every((n) => !['pending', 'sending'].includes(n.status));
    if (done) return;
    if (Date.now() > deadline) {
      throw new Error(`not settled within ${ms / 1000} s: ${JSON.stringify({ facts, notices }).slice(0, 3000)}\n${stack.logs()}`);
    }
    await sleep(1_000);
  }
}

/** The checks, as jest expectations: nothing lost, nothing duplicated, every notice delivered once per key. */
export async function expectNothingLostOrDuplicated(stack: FaultStack, ticketIds: string[], breaches: boolean): Promise<void> {
  const facts = await ticketFacts(stack, ticketIds);
  for (const t of facts) {
    // No event lost: 1…n without a gap, and the read model at n.
    expect({ ticketId: t.ticketId, seqs: t.seqs }).toEqual({ ticketId: t.ticketId, seqs: t.seqs.map((_, i) => i + 1) });
    expect({ ticketId: t.ticketId, lastSeq: t.lastSeq }).toEqual({ ticketId: t.ticketId, lastSeq: t.seqs.length });
    // None duplicated: one opening, and (when its target passed) one warning, one breach, one escalation.
    const expected = breaches ? 1 : 0;
    expect({ ticketId: t.ticketId, opened: count(t.types, 'opened') }).toEqual({ ticketId: t.ticketId, opened: 1 });
    expect({
      ticketId: t.ticketId,
      warning: count(t.types, 'warning'),
      breached: count(t.types, 'breached'),
      escalated: count(t.types, 'escalated'),
      readModel: t.breachedInReadModel,
    }).toEqual({ ticketId: t.ticketId, warning: expected, breached: expected, escalated: expected, readModel: breaches });
  }
  const notices = await notificationFacts(stack, ticketIds);
  expect(notices.filter((n) => ['pending', 'sending'].includes(n.status))).toEqual([]);
  const webhooks = notices.filter((n) => n.channel === 'webhook');
  if (breaches) expect(webhooks.length).toBe(ticketIds.length * 3); // warning, breach and escalation each reach support management
  // Every webhook row was received; nothing arrived that is not a row. A send cut short by a crash
  // may arrive twice, always under the same key: the receiver's deduplication sees it once.
  const received = new Set(stack.deliveries.filter((d) => d.ticketId && ticketIds.includes(d.ticketId)).map((d) => d.key));
  expect([...received].sort()).toEqual(webhooks.map((n) => n.key).sort());
}
