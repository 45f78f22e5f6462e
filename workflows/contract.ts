/**
 * What every workflow's contract shares: who acts, the base of every command, and the error type of
 * a refused command. Imported by the API and the workflows; free of side effects.
 */

import type { Actor } from './actor';

export type { Actor };

export interface CommandBase {
  by: Actor;
}

/** Error type carried by an update's validator failure: the command is not allowed in this state. */
export const ILLEGAL_TRANSITION = 'IllegalTransition';
