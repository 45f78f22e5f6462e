/**
 * A workflow's one durable timer, on its next own instant (a deadline, a notice, a phase change),
 * in the shape of temporalio/samples-typescript timer-examples/src/updatable-timer.ts: the sleep
 * ends early when anything changes, and the caller re-arms it on the instant that change gives.
 */
import { condition } from '@temporalio/workflow';
import { isoInstant } from './instants';

export class WakeUpTimer {
  /** `changed` says whether anything happened since `seen` was taken (events recorded, a signal). */
  constructor(
    private readonly changed: (seen: number) => boolean,
    private readonly counter: () => number,
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
      await condition(wake, at - Date.now(), { summary: `${what} at ${label(at)}` });
    }
  }
}
