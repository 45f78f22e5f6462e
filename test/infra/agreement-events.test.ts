import { persistAgreementEvents } from '../../activities/agreement-events';
import { agreementById, agreementsOfCustomer } from '../../api/read-models/agreements';
import { catalog } from '../../policies';
import type { AgreementEventRecord, AgreementState } from '../../workflows/agreement/contract';
import { agreementWorkflowId } from '../../workflows/agreement/contract';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const workflowId = agreementWorkflowId('C-77');
const system = { kind: 'system' as const, id: 'agreement' };

function state(over: Partial<AgreementState> = {}): AgreementState {
  return {
    workflowId,
    contractId: 'C-77',
    customerId: 'cust-9',
    policyId: 'ispsystem',
    plan: 'standard',
    options: {},
    override: {},
    licences: [{ licenceId: 'LIC-1', product: 'VMmanager', major: '6', minor: '6.2', extensions: ['EXT-1'] }],
    contactEmail: 'it@customer.example',
    status: 'active',
    periods: [{ startsAt: '2025-01-01T00:00:00.000Z', endsAt: '2026-01-01T00:00:00.000Z', renewal: false, at: '2024-12-20T10:00:00.000Z' }],
    years: [],
    reminders: [{ period: 0, daysBefore: 30, dueAt: '2025-12-02T00:00:00.000Z', sentAt: '2025-12-02T00:00:00.000Z' }],
    rules: catalog.ispsystem.agreements!,
    version: 1,
    createdAt: '2024-12-20T10:00:00.000Z',
    updatedAt: '2025-12-02T00:00:00.000Z',
    seq: 3,
    ...over,
  };
}

const event = (seq: number, type: AgreementEventRecord['type'], over: Partial<AgreementEventRecord> = {}): AgreementEventRecord => ({
  workflowId,
  contractId: 'C-77',
  seq,
  type,
  occurredAt: '2025-12-02T00:00:00.000Z',
  actor: system,
  data: {},
  ...over,
});

/** Agreed, started, then the 30-day reminder; the batch's state rides on its last event. */
const batch = (): AgreementEventRecord[] => [
  event(1, 'agreed', { occurredAt: '2024-12-20T10:00:00.000Z', actor: { kind: 'manager', id: 'm-1' } }),
  event(2, 'started', { occurredAt: '2025-01-01T00:00:00.000Z' }),
  event(3, 'reminderSent', {
    data: { daysBefore: 30 },
    notify: { event: 'termReminder', daysBefore: 30, endsAt: '2026-01-01T00:00:00.000Z' },
    snapshot: state(),
  }),
];

describe('persistAgreementEvents', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(
      `INSERT INTO notification_routes (policy_id, role, channel, address) VALUES ('*', 'accountManager', 'email', 'am@vendor.example')`,
    );
    // A row the old PUT route wrote: the workflow's first batch takes it over.
    await db.pool.query(
      `INSERT INTO contracts (contract_id, customer_id, policy_id, plan, starts_at, options, override, version)
       VALUES ('C-77', 'cust-9', 'ispsystem', 'standard', '2025-01-01T00:00:00Z', '{}', '{}', 1)`,
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  const counts = async () => {
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*)::int FROM contract_events) AS events, (SELECT count(*)::int FROM notifications) AS outbox,
              (SELECT count(*)::int FROM licences) AS licences`,
    );
    return rows[0];
  };

  it('writes the events, the agreement row, its licences and the reminder for the customer and the account manager', async () => {
    const { deliveries } = await persistAgreementEvents(db.pool, batch());
    expect(deliveries).toHaveLength(2);

    const found = await agreementById(db.pool, 'C-77');
    expect(found?.row).toMatchObject({
      customer_id: 'cust-9',
      policy_id: 'ispsystem',
      plan: 'standard',
      status: 'active',
      workflow_id: workflowId,
      last_seq: 3,
      version: 1,
      starts_at: new Date('2025-01-01T00:00:00Z'),
      ends_at: new Date('2026-01-01T00:00:00Z'),
      licences: state().licences,
    });
    expect(found?.snapshot).toEqual(state());
    expect((await agreementsOfCustomer(db.pool, 'cust-9', 'ispsystem')).map((r) => r.contract_id)).toEqual(['C-77']);

    const events = await db.pool.query('SELECT seq, type, actor_kind, contract_id FROM contract_events ORDER BY seq');
    expect(events.rows).toEqual([
      { seq: 1, type: 'agreed', actor_kind: 'manager', contract_id: 'C-77' },
      { seq: 2, type: 'started', actor_kind: 'system', contract_id: 'C-77' },
      { seq: 3, type: 'reminderSent', actor_kind: 'system', contract_id: 'C-77' },
    ]);

    const licences = await db.pool.query(
      'SELECT licence_id, customer_id, contract_id, product, version, minor, contact_email FROM licences',
    );
    expect(licences.rows).toEqual([
      {
        licence_id: 'LIC-1',
        customer_id: 'cust-9',
        contract_id: 'C-77',
        product: 'VMmanager',
        version: '6',
        minor: '6.2',
        contact_email: 'it@customer.example',
      },
    ]);

    const outbox = await db.pool.query(
      `SELECT ticket_id, role, channel, address, status, event_type, event_seq, subject, body FROM notifications ORDER BY role DESC`,
    );
    expect(outbox.rows.map((r) => [r.ticket_id, r.role, r.channel, r.address, r.status, r.event_type, r.event_seq])).toEqual([
      [null, 'customer', 'email', 'it@customer.example', 'pending', 'agreement.termReminder', 3],
      [null, 'accountManager', 'email', 'am@vendor.example', 'pending', 'agreement.termReminder', 3],
    ]);
    for (const row of outbox.rows) {
      expect(row.subject).toBe('Your support agreement C-77 ends on 2026-01-01 00:00 UTC (in 30 days)');
      expect(row.body).toMatchObject({
        type: 'agreement.termReminder',
        contractId: 'C-77',
        customerId: 'cust-9',
        daysLeft: 30,
        licences: ['LIC-1'],
      });
      expect(row.body.message).toContain('technical support cannot be contacted'); // ISPsystem 3.8, the after-term text
      expect(row.body.message).toContain('To renew it');
    }
  });

  it('a retried identical batch writes nothing twice', async () => {
    const before = await counts();
    const { deliveries } = await persistAgreementEvents(db.pool, batch());
    expect(await counts()).toEqual(before);
    // The rows are still pending (nothing delivered them): the retry hands them on again, once each.
    expect(deliveries).toHaveLength(2);
  });

  it('an older batch does not move the row back', async () => {
    const older = state({ seq: 2, status: 'pending', plan: 'other', licences: [], updatedAt: '2025-01-01T00:00:00.000Z' });
    await persistAgreementEvents(db.pool, [event(2, 'started', { snapshot: older })]);
    const found = await agreementById(db.pool, 'C-77');
    expect(found?.row).toMatchObject({ last_seq: 3, status: 'active', plan: 'standard' });
    const licences = await db.pool.query('SELECT contract_id FROM licences WHERE licence_id = $1', ['LIC-1']);
    expect(licences.rows).toEqual([{ contract_id: 'C-77' }]);
  });

  it('a later batch moves it forward; a reminder with nobody routed is kept as unrouted', async () => {
    await db.pool.query('DELETE FROM notification_routes');
    const renewed = state({
      seq: 5,
      version: 2,
      contactEmail: undefined,
      licences: [],
      periods: [...state().periods, { startsAt: '2026-01-01T00:00:00.000Z', renewal: true, at: '2025-12-10T00:00:00.000Z' }],
    });
    const { deliveries } = await persistAgreementEvents(db.pool, [
      event(4, 'renewed', { occurredAt: '2025-12-10T00:00:00.000Z' }),
      event(5, 'reminderSent', {
        occurredAt: '2025-12-25T00:00:00.000Z',
        notify: { event: 'termReminder', daysBefore: 7, endsAt: '2026-01-01T00:00:00.000Z' },
        snapshot: renewed,
      }),
    ]);
    expect(deliveries).toEqual([]);
    const found = await agreementById(db.pool, 'C-77');
    expect(found?.row).toMatchObject({ last_seq: 5, version: 2, ends_at: null, licences: [] });
    const unrouted = await db.pool.query(`SELECT role, channel, status FROM notifications WHERE event_seq = 5 ORDER BY role DESC`);
    expect(unrouted.rows).toEqual([
      { role: 'customer', channel: 'none', status: 'unrouted' },
      { role: 'accountManager', channel: 'none', status: 'unrouted' },
    ]);
    // The licence the agreement no longer covers stays the customer's, without the agreement.
    const licences = await db.pool.query('SELECT customer_id, contract_id FROM licences WHERE licence_id = $1', ['LIC-1']);
    expect(licences.rows).toEqual([{ customer_id: 'cust-9', contract_id: null }]);
  });
});
