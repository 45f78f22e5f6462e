/**
 * A workflow's one durable timer, on its next own instant (a deadline, a notice, a phase change),
 * in the shape of temporalio/samples-typescript timer-examples/src/updatable-timer.ts: the sleep
 * ends early when anything changes, and the caller re-arms it on the instant that change gives.
 */
import { condition, patched } from '@temporalio/workflow';
import { isoInstant } from './instants';

/**
 * Workflow time stands still for a whole task, but the server starts a timer only when the task
 * completes, after its local activities (issue 14, defect 3): from this patch on, a timer is armed
 * for what remains after the task's last write, not after the task's start.
 */
export const TIMER_FROM_LAST_WRITE = 'timer-from-last-write';

/** A write's time counts only up to this past its task's start: a worker clock far ahead must not make timers fire early. */
export const MAX_WRITE_ELAPSED_MS = 10_000;

/** A persistence write: when it finished (worker clock) and the workflow time of the task it finished in. */
export interface WriteTime {
  writtenAt: number;
  taskTime: number;
}

/**
 * What remains until `at` when the timer is armed in a task that started at `taskStart`: the time
 * this task's write took is already spent. At least 1 ms, so a due instant is fired by a task whose
 * time has reached it.
 */
export function remainingAfterWrite(at: number, taskStart: number, write: WriteTime | undefined): number {
  const spent = write && write.taskTime === taskStart ? Math.min(Math.max(write.writtenAt - taskStart, 0), MAX_WRITE_ELAPSED_MS) : 0;
  return Math.max(1, at - taskStart - spent);
}

export class WakeUpTimer {
  /**
   * `changed` says whether anything happened since `seen` was taken (events recorded, a signal);
   * `lastWrite` is the persistence local activity's last write.
   */
  constructor(
    private readonly changed: (seen: number) => boolean,
    private readonly counter: () => number,
    private readonly lastWrite: () => WriteTime | undefined = () => undefined,
  ) {}

  /**
   * Sleeps until `at` (or until a change when there is no instant); returns at once when `at` has
   * passed. `what` names the timer in the Temporal UI ("firstResponse due at …").
   */
  async sleepUntil(at: number | undefined, what: string | undefined, label: (at: number) => string = isoInstant): Promise<void> {
    const seen = this.counter();
    const wake = () => this.changed(seen);
    if (at === undefined) {
      await condition(wake);
    } else if (at > Date.now()) {
      const timeout = patched(TIMER_FROM_LAST_WRITE) ? remainingAfterWrite(at, Date.now(), this.lastWrite()) : at - Date.now();
      await condition(wake, timeout, { summary: `${what} at ${label(at)}` });
    }
  }
}
