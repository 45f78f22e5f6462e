import { randomBytes } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { policyById } from '../../policies/index';
import { createLifelineWorker } from '../../worker/worker';
import {
  AGREEMENT_WORKFLOW,
  agreementWorkflowId,
  getAgreementQuery,
  type AgreementState,
  type StartAgreementInput,
} from '../../workflows/agreement/contract';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { skipTo } from './ticket-helpers';

jest.setTimeout(120_000);

describe('an agreement across a worker restart', () => {
  let ll: RunningLifeline;

  beforeAll(async () => {
    ll = await startLifeline();
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('sends each term reminder once, at its instant, and lapses at the end, with the worker gone between two reminders', async () => {
    const taskQueue = `agreement-restart-${randomBytes(4).toString('hex')}`;
    const newWorker = () =>
      createLifelineWorker({
        connection: ll.env.nativeConnection,
        namespace: ll.env.namespace ?? 'default',
        taskQueue,
        activities: createActivities({ pool: ll.db.pool }),
        overrides: { shutdownForceTime: '2s', maxCachedWorkflows: 0 },
      });
    const first = await newWorker();
    const firstRun = first.run();
    const input: StartAgreementInput = {
      contractId: 'RST-1',
      customerId: 'acme',
      policyId: 'infotecs',
      plan: 'basic',
      options: {},
      override: {},
      licences: [],
      contactEmail: 'it@acme.example',
      rules: policyById('infotecs').agreements!,
      startsAt: '2027-01-01T00:00:00Z',
      endsAt: '2028-01-01T00:00:00Z',
      by: { kind: 'manager', id: 'test' },
    };
    const handle = await ll.env.client.workflow.start(AGREEMENT_WORKFLOW, {
      taskQueue,
      workflowId: agreementWorkflowId('RST-1'),
      args: [input],
    });
    const until = async (ok: (s: AgreementState) => boolean) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const s = await handle.query(getAgreementQuery);
        if (ok(s) || Date.now() > deadline) return s;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await skipTo(ll.env, '2027-11-02T00:00:01Z');
    await until((s) => s.reminders[0]?.sentAt !== undefined);

    // The worker goes away while the agreement sleeps towards its 30-day reminder.
    first.shutdown();
    await firstRun;
    await skipTo(ll.env, '2027-11-30T00:00:00Z');
    const second = await newWorker();
    const secondRun = second.run();
    try {
      await skipTo(ll.env, '2028-01-01T00:00:01Z');
      const s = await until((x) => x.status === 'lapsed');
      expect(s.status).toBe('lapsed');
      expect(s.reminders.map((r) => [r.daysBefore, r.dueAt, r.sentAt?.slice(0, 19), r.late ?? false])).toEqual([
        [60, '2027-11-02T00:00:00.000Z', '2027-11-02T00:00:00', false],
        [30, '2027-12-02T00:00:00.000Z', '2027-12-02T00:00:00', false],
        [7, '2027-12-25T00:00:00.000Z', '2027-12-25T00:00:00', false],
      ]);
      const { rows } = await ll.db.pool.query<{ type: string; occurred_at: Date }>(
        "SELECT type, occurred_at FROM contract_events WHERE contract_id = 'RST-1' AND type IN ('reminderSent', 'lapsed') ORDER BY seq",
      );
      expect(rows.map((r) => [r.type, r.occurred_at.toISOString()])).toEqual([
        ['reminderSent', '2027-11-02T00:00:00.000Z'],
        ['reminderSent', '2027-12-02T00:00:00.000Z'],
        ['reminderSent', '2027-12-25T00:00:00.000Z'],
        ['lapsed', '2028-01-01T00:00:00.000Z'],
      ]);
      const outbox = await ll.db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM notifications WHERE workflow_id = $1 AND role = 'customer'",
        [agreementWorkflowId('RST-1')],
      );
      expect(outbox.rows[0].n).toBe(3);
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, await handle.fetchHistory(), handle.workflowId);
    } finally {
      second.shutdown();
      await secondRun;
    }
  });
});
