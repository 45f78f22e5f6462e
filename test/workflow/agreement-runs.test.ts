/**
 * An agreement year of 40 resolved tickets: each report is a signal, so the contract workflow
 * continues as new as its history grows; nothing counted is lost across runs, and no run passes 200
 * events. On the dev server: the time-skipping test server mishandles a signal that arrives while a
 * run continues as new (it appends it to the closed run and stops answering), a real server does not.
 */
import { policyById } from '../../policies/index';
import {
  AGREEMENT_WORKFLOW,
  agreementWorkflowId,
  getAgreementQuery,
  ticketResolvedSignal,
  type AgreementState,
  type StartAgreementInput,
} from '../../workflows/agreement/contract';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';

jest.setTimeout(180_000);

describe('an agreement year of 40 tickets', () => {
  let ll: RunningLifeline;

  beforeAll(async () => {
    ll = await startLifeline({ devServer: true });
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('continues as new as tickets report, every run under 200 events, all 40 counted', async () => {
    const input: StartAgreementInput = {
      contractId: 'RUNS-1',
      customerId: 'acme',
      policyId: 'infotecs',
      plan: 'basic',
      options: {},
      override: {},
      licences: [],
      rules: policyById('infotecs').agreements!,
      startsAt: new Date(Date.now() - 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 3 * 365 * 86_400_000).toISOString(),
      by: { kind: 'manager', id: 'test' },
    };
    const workflowId = agreementWorkflowId('RUNS-1');
    await ll.env.client.workflow.start(AGREEMENT_WORKFLOW, { taskQueue: ll.taskQueue, workflowId, args: [input] });
    const handle = ll.env.client.workflow.getHandle(workflowId);
    const query = () => handle.query(getAgreementQuery);
    // One report at a time, each counted before the next: the most history a year can make.
    let s: AgreementState | undefined;
    for (let i = 0; i < 40; i++) {
      await handle.signal(ticketResolvedSignal, { ticketId: `TKT-RUN-${i}`, resolvedAt: new Date().toISOString(), billable: false });
      const deadline = Date.now() + 20_000;
      do {
        s = await query().catch(() => undefined);
        if (s?.years[0]?.used === i + 1) break;
        await new Promise((r) => setTimeout(r, 20));
      } while (Date.now() < deadline);
      expect([i, s?.years[0]?.used]).toEqual([i, i + 1]);
    }
    // Every run of the chain, from the latest back to the first.
    const lengths: number[] = [];
    let runId: string | undefined = (await handle.describe()).runId;
    while (runId && lengths.length < 20) {
      const history = await ll.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
      lengths.push(history.events?.length ?? 0);
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    }
    expect(lengths.length).toBeGreaterThan(1);
    expect(lengths.filter((n) => n > 200)).toEqual([]);
  });
});
