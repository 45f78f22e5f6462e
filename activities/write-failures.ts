/**
 * Writes the database refuses for good. A retry heals an outage, never a value PostgreSQL cannot
 * store: such a batch is written again with the offending text replaced (U+FFFD), and the failure
 * is recorded in write_failures, which GET /metrics exposes for alerting. A batch that still
 * cannot be written fails without retry, so its workflow holds it instead of retrying in silence.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from '../common/db';
import { repairText } from '../common/storable-text';
import { PERMANENT_WRITE_FAILURE, type PersistResult } from '../workflows/contract';

/** SQLSTATE classes no retry can heal: data exceptions (22), integrity violations (23), program limits (54). */
const PERMANENT_CLASSES = ['22', '23', '54'];

export function isPermanentDatabaseError(err: unknown): err is { code: string; message: string } {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.length === 5 && PERMANENT_CLASSES.includes(code.slice(0, 2));
}

interface Batch {
  workflowId: string;
  seq: number;
  snapshot?: unknown;
}

async function recordFailure(pool: Pool, events: Batch[], err: { code: string; message: string }, repaired: boolean): Promise<void> {
  const seqs = events.map((e) => e.seq);
  await pool.query(
    `INSERT INTO write_failures (workflow_id, first_seq, last_seq, sqlstate, message, repaired)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [events[0].workflowId, Math.min(...seqs), Math.max(...seqs), err.code, repairText(err.message).value.slice(0, 500), repaired],
  );
}

/** Writes the batch; a permanent refusal is repaired once, recorded, and failing again is not retried. */
export async function writeOrRepair<E extends Batch>(
  pool: Pool,
  events: E[],
  write: (events: E[]) => Promise<{ deliveries: number[] }>,
): Promise<PersistResult> {
  try {
    return await write(events);
  } catch (err) {
    if (!isPermanentDatabaseError(err)) throw err; // an outage: Temporal retries, for as long as it takes
    // The text of each event and of the state it carries, repaired; a workflow is told which (its state is repaired too).
    const repaired = events.map((e) => {
      const fixed = repairText(e);
      return { event: fixed.value, changed: fixed.changed };
    });
    try {
      const result = await write(repaired.map((r) => r.event));
      await recordFailure(pool, events, err, true);
      return { ...result, repaired: repaired.filter((r) => r.changed).map((r) => r.event.seq) };
    } catch (again) {
      if (!isPermanentDatabaseError(again)) throw again;
      await recordFailure(pool, events, again, false);
      throw ApplicationFailure.create({
        type: PERMANENT_WRITE_FAILURE,
        message: `the database refuses events ${events[0].seq}…${events.at(-1)!.seq} of ${events[0].workflowId}: ${again.message}`,
        nonRetryable: true,
        details: [{ sqlstate: again.code }],
      });
    }
  }
}
