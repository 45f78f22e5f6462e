/** What the Temporal UI shows of an agreement: a summary line and current details an account manager reads. Pure. */
import { allowanceOf, exchangedIn, leftIn } from './machine';
import type { AgreementState } from './state';

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : 'open-ended');

export function currentDetails(s: AgreementState, heldWrites = 0): string {
  const term = s.periods.at(-1)!;
  const lines = [
    `**${s.status}** · ${s.customerId} · ${s.policyId}/${s.plan} · v${s.version}`,
    `term ${day(term.startsAt)} → ${day(term.endsAt)}${s.periods.length > 1 ? ` (renewed ${s.periods.length - 1}×)` : ''}`,
  ];
  const year = s.years.at(-1);
  if (year && year.included > 0) {
    lines.push(
      `year ${year.index}: ${year.used} of ${allowanceOf(year)} tickets used (${year.rolledOver} rolled over), ${leftIn(year)} left` +
        `${exchangedIn(year) ? `, ${exchangedIn(year)} exchanged` : ''}${year.billable ? `, ${year.billable} billable` : ''}`,
    );
  }
  const reminder = s.reminders.find((r) => !r.sentAt && !r.skipped);
  if (reminder) lines.push(`next reminder: ${reminder.daysBefore} days before the end, at ${reminder.dueAt}`);
  if (s.nextAt) lines.push(`next: ${s.nextWhat} at ${s.nextAt}`);
  if (s.licences.length) lines.push(`licences: ${s.licences.map((l) => `${l.product} ${l.major} (${l.licenceId})`).join(', ')}`);
  if (heldWrites > 0) lines.push(`⚠ ${heldWrites} events held: the database refuses them (write_failures; signal retryWrites once fixed)`);
  return lines.join('\n');
}
