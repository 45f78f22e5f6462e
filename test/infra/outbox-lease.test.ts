/**
 * A notice caught mid-send by a crash (issue 14, defect 4): its row stays `sending` under the dead
 * attempt's lease. The retry is not left to the backoff's schedule (which once put it 10 min 48 s
 * late): the activity asks Temporal to try again as the lease ends, and then delivers it, once.
 */
import { ApplicationFailure } from '@temporalio/common';
import { CLAIM_LEASE_MS, deliverNotifications, enqueueNotification } from '../../activities/notifications/outbox';
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

  async function stranded(key: string, heldForMs: number): Promise<number> {
    const client = await db.pool.connect();
    try {
      const id = await enqueueNotification(client, {
        key,
        ticketId: null,
        workflowId: 'ticket-TKT-LEASE',
        eventSeq: 1,
        eventType: 'breached',
        role: 'customer',
        route: { channel: 'email', address: 'ops@acme.example' },
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
});
