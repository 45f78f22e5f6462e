/**
 * Notification delivery beside the workflow: persistence makes the first attempt, and what it could
 * not send is handed to a regular activity that Temporal retries for days (a webhook may be down).
 * Ids still in flight are carried over continue-as-new; sending is idempotent per outbox row.
 */
export type DeliverActivity = (input: { ids: number[]; at: string }) => Promise<unknown>;

export class NotificationDelivery {
  private readonly inFlight = new Set<number>();

  constructor(
    private readonly deliverNotifications: DeliverActivity,
    private readonly at: () => string,
  ) {}

  /** Starts delivering these outbox rows; the workflow does not wait for it. */
  send(ids: number[]): void {
    ids.forEach((id) => this.inFlight.add(id));
    this.deliverNotifications({ ids, at: this.at() }).then(
      () => ids.forEach((id) => this.inFlight.delete(id)),
      () => undefined, // retried by Temporal without limit; a failure here means the run ended
    );
  }

  /** Rows whose delivery is still under way: the next run delivers them. */
  undelivered(): number[] {
    return [...this.inFlight];
  }

  allDelivered(): boolean {
    return this.inFlight.size === 0;
  }
}
