/** A command the state does not allow, as pure state machines say it and workflows throw it. */
import { ApplicationFailure } from '@temporalio/workflow';
import { ILLEGAL_TRANSITION } from '../contract';

/** Why a command is refused; `details` travel to the API (e.g. `earliestAllowed`). Pure data. */
export interface Refusal {
  message: string;
  details?: Record<string, unknown>;
}

/** Throws the refusal as a non-retryable failure of the update (its validator or its handler). */
export function refuse(refusal: Refusal | string): never {
  const { message, details } = typeof refusal === 'string' ? { message: refusal, details: undefined } : refusal;
  throw ApplicationFailure.create({ type: ILLEGAL_TRANSITION, message, nonRetryable: true, ...(details ? { details: [details] } : {}) });
}

/** Throws when a check found a refusal. */
export function refuseIf(refusal: Refusal | undefined): void {
  if (refusal) refuse(refusal);
}

/** The failure type a local activity's error carries (the `cause` of an ActivityFailure). */
export function failureCause(err: unknown): { type?: string; message?: string } | undefined {
  return (err as { cause?: { type?: string; message?: string } }).cause;
}
