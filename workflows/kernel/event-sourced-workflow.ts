/**
 * The Temporal side every long-lived workflow shares: one lock, the event recorder, notification
 * delivery, the wake-up timer, and how a run drains and finishes. A workflow extends it with its
 * state machine, its handlers and its loop (docs/architecture.md, "The workflow kernel").
 */
import { condition, log, setHandler } from '@temporalio/workflow';
import { retryWritesSignal, type PersistResult } from '../contract';
import { NotificationDelivery, type DeliverActivity } from './delivery';
import { HandlerLock } from './lock';
import { Recorder } from './recorder';
import { drainHandlers } from './run-limits';
import { WakeUpTimer } from './wake-up-timer';

export interface WorkflowPorts<E> {
  /** The persistence local activity. */
  persist(batch: E[]): Promise<PersistResult>;
  /** The delivery activity, and the instant it is given. */
  deliverNotifications: DeliverActivity;
  deliveryAt: () => string;
}

export abstract class EventSourcedWorkflow<S, E extends { snapshot?: S }> {
  protected readonly lock = new HandlerLock();
  protected readonly delivery: NotificationDelivery;
  protected readonly recorder: Recorder<E, S>;
  /** Wakes on every event recorded, and on whatever `wokenBySignal` says. */
  protected readonly timer: WakeUpTimer;
  protected updatesThisRun = 0;

  constructor(ports: WorkflowPorts<E>) {
    this.delivery = new NotificationDelivery(ports.deliverNotifications, ports.deliveryAt);
    this.recorder = new Recorder<E, S>({
      persist: ports.persist,
      beforeBatch: () => this.publish(),
      snapshot: () => this.snapshot(),
      delivery: this.delivery,
      onRepaired: (seqs) => this.writeRepaired(seqs),
      onHeld: (held, message) => {
        log.error('events held: the database refuses them for good', { held, message });
        this.publish();
      },
    });
    this.timer = new WakeUpTimer(
      (seen) => this.recorder.changes !== seen || this.recorder.hasPending() || this.wokenBySignal(),
      () => this.recorder.changes,
      () => this.recorder.lastWrite,
    );
  }

  /** Search attributes and current details, before each batch is written. */
  protected abstract publish(): void;

  /** The state as queries and the read model see it (a JSON copy). */
  protected abstract snapshot(): S;

  /** Persistence stored these events with text the database cannot hold replaced: the workflow records that. */
  protected abstract writeRepaired(seqs: number[]): void;

  /** Held events are written again when an operator asks (after fixing what the database refused). */
  protected registerWriteRetry(): void {
    setHandler(retryWritesSignal, () => {
      void this.lock.run(() => this.recorder.retryHeld());
    });
  }

  /** Something a signal left for the main loop (a rules change): the timer wakes for it too. */
  protected wokenBySignal(): boolean {
    return false;
  }

  /** Writes everything recorded so far, in turn with the handlers. */
  protected write(): Promise<void> {
    return this.lock.run(() => this.recorder.flush());
  }

  /** Every handler finished and every event written. */
  protected drain(): Promise<void> {
    return drainHandlers(
      this.lock,
      () => this.recorder.flush(),
      () => this.recorder.hasPending(),
    );
  }

  /** The story is over: the last events are written (held ones too) and the last notifications go out before the workflow ends. */
  protected async finish(): Promise<S> {
    await this.drain();
    await condition(() => this.recorder.heldCount() === 0 && this.delivery.allDelivered());
    return this.snapshot();
  }
}
