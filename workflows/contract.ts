/**
 * What every workflow's contract shares: who acts, the base of every command, and the error type of
 * a refused command. Imported by the API and the workflows; free of side effects.
 */

/** Who did something: an API principal, or the workflow itself (timers). */
export interface Actor {
  kind: 'customer' | 'engineer' | 'manager' | 'admin' | 'system';
  id: string;
}

export interface CommandBase {
  by: Actor;
}

/** Error type carried by an update's validator failure: the command is not allowed in this state. */
export const ILLEGAL_TRANSITION = 'IllegalTransition';
