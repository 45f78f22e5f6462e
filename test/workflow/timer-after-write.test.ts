import { temporal } from '@temporalio/proto';
import type { Mailer } from '../../common/mailer';
import { getTicketQuery } from '../../workflows/ticket/contract';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { openTicket, recordHistory, replayOpenedTickets } from './ticket-helpers';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;
const ms = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);

/** The persistence local activity's result, as its marker recorded it. */
function persistResult(event: HistoryEvent): { writtenAt?: number } | undefined {
  const attrs = event.markerRecordedEventAttributes;
  const data = attrs?.details?.result?.payloads?.[0]?.data;
  if (!data) return undefined;
  const result = JSON.parse(Buffer.from(data).toString('utf8'));
  return result && typeof result === 'object' && 'deliveries' in result ? result : undefined;
}

// Issue 14, defect 3: workflow time stands still while the task's local activities run, and the
// server starts a timer only when the task completes. A slow write (here an SMTP relay taking 1.5 s
// over the opening's acknowledgement) must not make the deadline's timer fire that much late.
describe('a timer armed after a slow write', () => {
  let ll: RunningLifeline;
  const slowMailer: Mailer = { send: () => new Promise((resolve) => setTimeout(resolve, 1_500)) };

  beforeAll(async () => {
    ll = await startLifeline({ devServer: true, activities: { mailer: slowMailer } });
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('is armed for what remains after the write, to the millisecond', async () => {
    const { handle } = await openTicket(ll, { policyId: 'isode', plan: 'gold', severity: 'p1' });
    let events: HistoryEvent[] = [];
    const until = Date.now() + 30_000;
    while (!events.some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      events = (await handle.fetchHistory()).events ?? [];
    }
    const timerAt = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
    expect(timerAt).toBeGreaterThan(0);
    const taskStarted = events
      .slice(0, timerAt)
      .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
      .at(-1)!;
    const taskStart = ms(taskStarted.eventTime);
    const write = events
      .slice(0, timerAt)
      .map((e) => (e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED ? persistResult(e) : undefined))
      .filter((r) => r !== undefined)
      .at(-1);
    // The write really was slow, in the same task that armed the timer.
    expect(write?.writtenAt).toBeDefined();
    expect(write!.writtenAt! - taskStart).toBeGreaterThanOrEqual(1_400);
    // The timer runs from the write's end to a target instant of the ticket, to the millisecond.
    const timeout = ms(events[timerAt].timerStartedEventAttributes?.startToFireTimeout);
    const state = await handle.query(getTicketQuery);
    const instants = state.targets
      .flatMap((t) => [t.warnAt, t.dueAt])
      .filter((i): i is string => typeof i === 'string')
      .map(Date.parse);
    expect(instants).toContain(write!.writtenAt! + timeout);
    // Why it matters: the server starts counting only after the write (same machine clock), so the
    // timer armed from the task's start, as before the patch, would fire the write's length late.
    expect(ms(events[timerAt].eventTime)).toBeGreaterThanOrEqual(write!.writtenAt!);
    await recordHistory(handle, 'ticket-timer-after-write');
    expect(await replayOpenedTickets()).toBe(1);
  });
});
