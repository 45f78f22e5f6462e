/**
 * One lock for everything in a workflow that awaits a local activity (handlers, the opening, the
 * main loop's writes): with a single local activity in flight, replay resolves them in the recorded
 * order and the commands come out the same (docs/architecture.md, "Determinism").
 */
export class HandlerLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after everything queued before it; a failure of one does not block the next. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
