/**
 * `npm run legacy:tickets`: reports the first-slice tickets still open in the database DATABASE_URL
 * names (workflows/legacy/ can go once it reports none, see docs/architecture.md). Exits 0 either way.
 */
import { openFirstSliceTickets } from '../activities/legacy-tickets-report';
import { configOrExit } from '../common/config';
import { createPool } from '../common/db';

async function main(): Promise<void> {
  const { DATABASE_URL } = configOrExit();
  if (!DATABASE_URL) {
    process.stderr.write('[lifeline] DATABASE_URL is not set: name the database whose tickets to count\n');
    process.exit(2);
  }
  const pool = createPool(DATABASE_URL, { max: 1 });
  try {
    const { count, ticketIds } = await openFirstSliceTickets(pool);
    process.stdout.write(
      `${count} first-slice ticket(s) still open${count ? `: ${ticketIds.join(', ')}${count > ticketIds.length ? ', …' : ''}` : ''}\n`,
    );
  } finally {
    await pool.end();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`[lifeline] ${err.message}\n`);
  process.exit(1);
});
