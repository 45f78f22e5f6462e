/**
 * What every workflow's contract shares: who acts, the base of every command, and the error type of
 * a refused command. Imported by the API and the workflows; free of side effects.
 */

import { defineSignal } from '@temporalio/workflow';
import type { Actor } from './actor';

export type { Actor };

export interface CommandBase {
  by: Actor;
}

/** Error type carried by an update's validator failure: the command is not allowed in this state. */
export const ILLEGAL_TRANSITION = 'IllegalTransition';

/**
 * Error type of a write the database refuses for good even after persistence replaced the text it
 * cannot store: never retried; the workflow holds the events and says so (docs/architecture.md, "Write failures").
 */
export const PERMANENT_WRITE_FAILURE = 'PermanentWriteFailure';

/** What persistence answers: the outbox rows to deliver, and the events whose text it had to replace to store them. */
export interface PersistResult {
  deliveries: number[];
  /** Sequence numbers of events stored with text PostgreSQL cannot hold (NUL, unpaired surrogates) replaced by U+FFFD. */
  repaired?: number[];
  /** When the write (and its first delivery attempt) finished, by the worker's clock: timers are armed from it. */
  writtenAt?: number;
}

/** An operator fixed what the database refused: the workflow writes its held events again (docs/architecture.md, "Write failures"). */
export const retryWritesSignal = defineSignal('retryWrites');
