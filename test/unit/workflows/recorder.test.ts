import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { PERMANENT_WRITE_FAILURE, type PersistResult } from '../../../workflows/contract';
import { NotificationDelivery } from '../../../workflows/kernel/delivery';
import { Recorder } from '../../../workflows/kernel/recorder';

// The kernel's recorder without Temporal: a batch the database refuses for good is held (never
// dropped), said so once, and written with the next batch or on request.
type Event = { seq: number; snapshot?: { at: number } };

function recorder(persist: (batch: Event[]) => Promise<PersistResult>) {
  const said: Array<[string, unknown]> = [];
  const delivery = new NotificationDelivery(
    async () => undefined,
    () => '2026-03-02T09:00:00.000Z',
  );
  const r = new Recorder<Event, { at: number }>({
    persist,
    beforeBatch: () => said.push(['beforeBatch', null]),
    snapshot: () => ({ at: said.length }),
    delivery,
    onRepaired: (seqs) => said.push(['repaired', seqs]),
    onHeld: (held, message) => said.push(['held', { held, message }]),
  });
  return { r, said };
}

const refused = () =>
  new ActivityFailure(
    'persistTicketEvents failed',
    'persistTicketEvents',
    '2',
    RetryState.NON_RETRYABLE_FAILURE,
    undefined,
    ApplicationFailure.create({ type: PERMANENT_WRITE_FAILURE, message: 'the database refuses events 1…2', nonRetryable: true }),
  );

describe('kernel recorder', () => {
  it('writes batches with the state after each on its last event', async () => {
    const written: Event[][] = [];
    const { r } = recorder(async (batch) => {
      written.push(batch.map((e) => ({ ...e })));
      return { deliveries: [] };
    });
    r.record([{ seq: 1 }, { seq: 2 }]);
    expect(r.changes).toBe(2);
    await r.flush();
    expect(written).toEqual([[{ seq: 1 }, { seq: 2, snapshot: { at: 1 } }]]);
    expect(r.hasPending()).toBe(false);
  });

  it('remembers when the last write finished and in which task (the timer is armed from it)', async () => {
    const { r } = recorder(async () => ({ deliveries: [], writtenAt: Date.now() + 150 }));
    expect(r.lastWrite).toBeUndefined();
    r.record([{ seq: 1 }]);
    await r.flush();
    expect(r.lastWrite!.writtenAt - r.lastWrite!.taskTime).toBeGreaterThanOrEqual(140);
  });

  it('holds a refused batch, says so, and writes it before the next events', async () => {
    const written: number[][] = [];
    let refuse = true;
    const { r, said } = recorder(async (batch) => {
      if (refuse) throw refused();
      written.push(batch.map((e) => e.seq));
      return { deliveries: [], repaired: [3] };
    });
    r.record([{ seq: 1 }, { seq: 2 }]);
    await r.flush();
    expect(r.heldEvents().map((e) => e.seq)).toEqual([1, 2]);
    expect(r.hasPending()).toBe(false); // draining does not spin on a refused batch
    expect(said).toContainEqual(['held', { held: 2, message: 'the database refuses events 1…2' }]);
    refuse = false;
    r.record([{ seq: 3 }]);
    await r.flush();
    expect(written).toEqual([[1, 2, 3]]);
    expect(r.heldEvents()).toEqual([]);
    expect(said).toContainEqual(['repaired', [3]]);
  });

  it('writes held events alone when asked, and lets any other failure through', async () => {
    let calls = 0;
    const { r } = recorder(async () => {
      calls += 1;
      if (calls === 1) throw refused();
      if (calls === 3) throw new Error('connection reset');
      return { deliveries: [] };
    });
    r.hold([{ seq: 9 }]);
    r.record([{ seq: 10 }]);
    await r.flush(); // refused: held
    await r.retryHeld(); // written
    expect(r.heldEvents()).toEqual([]);
    r.record([{ seq: 11 }]);
    await expect(r.flush()).rejects.toThrow('connection reset');
    expect(calls).toBe(3);
  });
});
