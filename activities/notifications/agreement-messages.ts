/** What an agreement's term reminder tells the customer's contact and the account managers, queued in the outbox. */
import type { PoolClient } from 'pg';
import type { AgreementEventRecord, AgreementState } from '../../workflows/agreement/contract';
import { enqueueNotification, routedAddresses, type Route } from './outbox';

const DAY_MS = 86_400_000;

/** "2026-03-01 00:00 UTC": agreements have no zone of their own, so the instant is told in UTC. */
function utcMinute(instant: string): string {
  return `${new Date(instant).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Whole days from the reminder to the term's end, rounded up (a late reminder says how many are really left). */
function daysLeft(occurredAt: string, endsAt: string): number {
  return Math.max(0, Math.ceil((Date.parse(endsAt) - Date.parse(occurredAt)) / DAY_MS));
}

/** The subject and body of a term reminder; the body is also the webhook payload. */
export function renderTermReminder(event: AgreementEventRecord, s: AgreementState) {
  const notify = event.notify!;
  const left = daysLeft(event.occurredAt, notify.endsAt);
  const when = left === 0 ? 'today' : left === 1 ? 'in 1 day' : `in ${left} days`;
  const subject = `Your support agreement ${s.contractId} ends on ${utcMinute(notify.endsAt)} (${when})`;
  const afterTerm = s.rules.afterTerm
    ? `${s.rules.afterTerm.text} (${s.rules.afterTerm.source})`
    : 'After that, tickets are no longer accepted under this agreement.';
  const renew = `To renew it, ask your account manager for a renewal of ${s.contractId}: the new term starts when this one ends, so support continues without a gap.`;
  return {
    subject: subject.slice(0, 300),
    body: {
      type: 'agreement.termReminder',
      contractId: s.contractId,
      customerId: s.customerId,
      policyId: s.policyId,
      plan: s.plan,
      endsAt: notify.endsAt,
      daysBefore: notify.daysBefore,
      daysLeft: left,
      licences: s.licences.map((l) => l.licenceId),
      message: [`${subject}.`, afterTerm, renew].join('\n\n'),
      afterTerm: s.rules.afterTerm ?? null,
      seq: event.seq,
      occurredAt: event.occurredAt,
    },
  };
}

/** Queues a term reminder for the agreement's contact and the policy's account managers; returns the ids still to deliver. */
export async function queueTermReminder(client: PoolClient, event: AgreementEventRecord, s: AgreementState): Promise<number[]> {
  const message = renderTermReminder(event, s);
  const entry = (role: 'customer' | 'accountManager', route: Route | null) =>
    enqueueNotification(client, {
      key: `${event.workflowId}:${event.seq}:${role}:${route ? `${route.channel}:${route.address}` : 'none'}`,
      ticketId: null,
      workflowId: event.workflowId,
      eventSeq: event.seq,
      eventType: `agreement.${event.notify!.event}`,
      role,
      route,
      subject: message.subject,
      body: message.body,
      occurredAt: event.occurredAt,
    });
  // Nobody to tell is still recorded: an unrouted row shows the reminder was due and reached no one.
  const customer: Route | null = s.contactEmail ? { channel: 'email', address: s.contactEmail } : null;
  const managers = await routedAddresses(client, 'accountManager', s.policyId);
  const ids: Array<number | undefined> = [await entry('customer', customer)];
  for (const route of managers.length > 0 ? managers : [null]) ids.push(await entry('accountManager', route));
  return ids.filter((id): id is number => id !== undefined);
}
