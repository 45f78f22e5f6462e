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

/**
 * The application failure behind an activity's error: the `cause` of an ActivityFailure (a regular
 * activity), or the ApplicationFailure itself (how the SDK hands a local activity's failure over).
 */
export function failureCause(err: unknown): { type?: string; message?: string } | undefined {
  const e = err as { type?: unknown; message?: string; cause?: { type?: unknown; message?: string } } | undefined;
  if (e?.cause && typeof e.cause.type === 'string') return e.cause as { type: string; message?: string };
  if (e && typeof e.type === 'string') return e as { type: string; message?: string };
  return undefined;
}
