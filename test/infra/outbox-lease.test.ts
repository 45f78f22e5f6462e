/**
 * A notice caught mid-send by a crash (issue 14, defect 4): its row stays `sending` under the dead
 * attempt's lease. The retry is not left to the backoff's schedule (which once put it 10 min 48 s
 * late): the activity asks Temporal to try again as the lease ends, and then delivers it, once.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  CLAIM_LEASE_MS,
  deliverInline,
  deliverNotifications,
  enqueueNotification,
  inlineLeaseMs,
} from '../../activities/notifications/outbox';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('a notification held by a dead delivery attempt', () => {
  let db: TestDatabase;
  const deps = () => ({ pool: db.pool, from: 'Lifeline <support@localhost>', log: () => undefined });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function stranded(
    key: string,
    heldForMs: number,
    route: { channel: 'email' | 'webhook'; address: string } = { channel: 'email', address: 'ops@acme.example' },
  ): Promise<number> {
    const client = await db.pool.connect();
    try {
      const id = await enqueueNotification(client, {
        key,
        ticketId: null,
        workflowId: 'ticket-TKT-LEASE',
        eventSeq: 1,
        eventType: 'breached',
        role: 'customer',
        route,
        subject: 'Breached',
        body: {},
        occurredAt: new Date().toISOString(),
      });
      await client.query("UPDATE notifications SET status = 'sending', claimed_at = now() - $2 * interval '1 millisecond' WHERE id = $1", [
        id,
        heldForMs,
      ]);
      return id!;
    } finally {
      client.release();
    }
  }

  it('is retried when its lease ends, not on the backoff', async () => {
    const id = await stranded('lease-1', CLAIM_LEASE_MS - 30_000);
    const failure = await deliverNotifications(deps(), { ids: [id], at: new Date().toISOString() }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    const delay = Number((failure as ApplicationFailure).nextRetryDelay);
    // About 30 s of lease left, plus a second: a bound, not a timing goal.
    expect(delay).toBeGreaterThan(20_000);
    expect(delay).toBeLessThanOrEqual(32_000);
  });

  it('is delivered once the lease has ended, and only once', async () => {
    const id = await stranded('lease-2', CLAIM_LEASE_MS + 1_000);
    await expect(deliverNotifications(deps(), { ids: [id], at: new Date().toISOString() })).resolves.toEqual({ sent: 0, recorded: 1 });
    await expect(deliverNotifications(deps(), { ids: [id], at: new Date().toISOString() })).resolves.toEqual({ sent: 0, recorded: 0 });
    const { rows } = await db.pool.query<{ status: string; attempts: number }>('SELECT status, attempts FROM notifications WHERE id = $1', [
      id,
    ]);
    expect(rows[0]).toEqual({ status: 'recorded', attempts: 1 });
  });

  it('the first attempt, made inline by persistence, holds its rows about a minute, not six', async () => {
    const id = await stranded('lease-3', 0, { channel: 'webhook', address: 'http://127.0.0.1:9/hook' });
    await db.pool.query("UPDATE notifications SET status = 'pending', claimed_at = NULL WHERE id = $1", [id]);
    let heldForMs = 0;
    const fetchImpl = (async () => {
      const { rows } = await db.pool.query<{ ms: number }>(
        'SELECT (extract(epoch FROM lease_until - claimed_at) * 1000)::float8 AS ms FROM notifications WHERE id = $1',
        [id],
      );
      heldForMs = rows[0].ms;
      return new Response('ok');
    }) as typeof fetch;
    await expect(deliverInline({ ...deps(), fetchImpl }, [id])).resolves.toEqual([]);
    expect(Math.round(heldForMs)).toBe(inlineLeaseMs(1));
    expect(inlineLeaseMs(1)).toBeLessThan(60_000);
  });

  it('a row whose inline claim has ended is delivered by the next attempt, though claimed a moment ago', async () => {
    const id = await stranded('lease-4', 40_000);
    await db.pool.query("UPDATE notifications SET lease_until = now() - interval '1 second' WHERE id = $1", [id]);
    await expect(deliverNotifications(deps(), { ids: [id], at: new Date().toISOString() })).resolves.toEqual({ sent: 0, recorded: 1 });
  });
});
