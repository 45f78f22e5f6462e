/**
 * The workflow side of an append-only event log: events recorded by the state machine wait here and
 * are written in batches (one local activity per batch, each row keyed by workflow id and sequence
 * number), the last of a batch carrying the state after it for the read model. A batch the database
 * refuses for good is held, never dropped, and written again with the next batch or on request
 * (docs/architecture.md, "Write failures").
 */
import { PERMANENT_WRITE_FAILURE, type PersistResult } from '../contract';
import type { NotificationDelivery } from './delivery';
import { failureCause } from './refusal';

export interface RecorderPorts<E, S> {
  /** The persistence local activity: writes the batch, answers the outbox rows to deliver. */
  persist(batch: E[]): Promise<PersistResult>;
  /** Runs before each batch is written (search attributes and the UI's current details). */
  beforeBatch(): void;
  /** The state after the batch, for the read model. */
  snapshot(): S;
  delivery: NotificationDelivery;
  /** Persistence stored these events with text the database cannot hold replaced: the workflow says so. */
  onRepaired(seqs: number[]): void;
  /** The database refuses these events for good: they are held until written. */
  onHeld(held: number, message: string): void;
}

export class Recorder<E extends { snapshot?: S }, S> {
  private pending: E[] = [];
  private held: E[] = [];
  /** Counts every event recorded: the main loop's timer wakes when it moves. */
  changes = 0;
  /** The last batch's write: when it finished (the local activity's clock, recorded in its marker) and in which task. */
  lastWrite?: { writtenAt: number; taskTime: number };

  constructor(private readonly ports: RecorderPorts<E, S>) {}

  record(events: readonly E[]): void {
    for (const event of events) {
      this.pending.push(event);
      this.changes += 1;
    }
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** How many events are held (shown in the UI; a workflow does not complete while any are). */
  heldCount(): number {
    return this.held.length;
  }

  /** Events the database refused, carried across continue-as-new until they are written. */
  heldEvents(): E[] {
    return [...this.held];
  }

  hold(events: readonly E[]): void {
    for (const event of events) {
      const { snapshot: _stale, ...rest } = event;
      this.held.push(rest as E);
    }
  }

  /** Writes everything recorded (and anything held), batch after batch; hands new outbox rows to delivery. */
  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      if (!(await this.writeBatch())) return;
    }
  }

  /** Tries the held events again, alone (an operator fixed what the database refused). */
  async retryHeld(): Promise<void> {
    if (this.held.length > 0) await this.writeBatch();
  }

  private async writeBatch(): Promise<boolean> {
    const batch = [...this.held, ...this.pending];
    this.held = [];
    this.pending = [];
    this.ports.beforeBatch();
    batch[batch.length - 1].snapshot = this.ports.snapshot();
    let result: PersistResult;
    try {
      result = await this.ports.persist(batch);
    } catch (err) {
      const cause = failureCause(err);
      if (cause?.type !== PERMANENT_WRITE_FAILURE) throw err;
      // Held, the batch loses its state: the batch that writes it carries the state after everything in it.
      for (const event of batch) delete event.snapshot;
      this.held = batch;
      this.ports.onHeld(batch.length, cause.message ?? 'the database refuses these events');
      return false;
    }
    if (result.writtenAt !== undefined) this.lastWrite = { writtenAt: result.writtenAt, taskTime: Date.now() };
    if (result.deliveries.length > 0) this.ports.delivery.send(result.deliveries);
    if (result.repaired?.length) this.ports.onRepaired(result.repaired);
    return true;
  }
}
