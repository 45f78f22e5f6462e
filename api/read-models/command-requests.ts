/** Idempotency-Keys of ticket commands (db/migrations/009_command_requests.sql). */
import type { Pool } from '../../common/db';

/**
 * Records the key for this request, or finds it recorded: `new` the first time, `same` for a retry
 * of the same request, `other` when the key was used for a different one.
 */
export async function claimCommandKey(
  pool: Pool,
  request: { ticketId: string; key: string; command: string; hash: string },
): Promise<'new' | 'same' | 'other'> {
  const inserted = await pool.query(
    `INSERT INTO command_requests (ticket_id, idempotency_key, command, request_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (ticket_id, idempotency_key) DO NOTHING`,
    [request.ticketId, request.key, request.command, request.hash],
  );
  if (inserted.rowCount === 1) return 'new';
  const { rows } = await pool.query<{ command: string; request_hash: string }>(
    'SELECT command, request_hash FROM command_requests WHERE ticket_id = $1 AND idempotency_key = $2',
    [request.ticketId, request.key],
  );
  return rows[0]?.command === request.command && rows[0]?.request_hash === request.hash ? 'same' : 'other';
}
