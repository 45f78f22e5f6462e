/**
 * The workflow side of an append-only event log: events recorded by the state machine wait here and
 * are written in batches (one local activity per batch, each row keyed by workflow id and sequence
 * number), the last of a batch carrying the state after it for the read model.
 */
import type { NotificationDelivery } from './delivery';

export interface RecorderPorts<E, S> {
  /** The persistence local activity: writes the batch, answers the outbox rows to deliver. */
  persist(batch: E[]): Promise<{ deliveries: number[] }>;
  /** Runs before each batch is written (search attributes and the UI's current details). */
  beforeBatch(): void;
  /** The state after the batch, for the read model. */
  snapshot(): S;
  delivery: NotificationDelivery;
}

export class Recorder<E extends { snapshot?: S }, S> {
  private pending: E[] = [];
  /** Counts every event recorded: the main loop's timer wakes when it moves. */
  changes = 0;

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

  /** Writes everything recorded, batch after batch, until nothing is pending; hands new outbox rows to delivery. */
  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.ports.beforeBatch();
      batch[batch.length - 1].snapshot = this.ports.snapshot();
      const { deliveries } = await this.ports.persist(batch);
      if (deliveries.length > 0) this.ports.delivery.send(deliveries);
    }
  }
}
