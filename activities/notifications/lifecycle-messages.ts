/** What a lifecycle event tells whom: the notice texts for a version's licensees and account managers, queued in the outbox. */
import type { PoolClient } from 'pg';
import { milestoneNames, type Milestone } from '../../policies/index';
import type { LifecycleEventRecord, LifecycleState } from '../../workflows/lifecycle/contract';
import { enqueueNotification, routedAddresses, type Route } from './outbox';

/** The subject line of a lifecycle notice. */
function noticeSubject(event: LifecycleEventRecord, s: LifecycleState): string {
  const d = event.data as Record<string, string | undefined>;
  const version = `${s.productName} ${s.major}`;
  const name = d.milestone ? (milestoneNames[d.milestone as Milestone] ?? d.milestone) : '';
  if (event.type === 'noticeSent' && d.kind === 'changed') return `${version}: ${name} moved from ${d.previousDate} to ${d.date}`;
  if (event.type === 'noticeSent') return `${version}: ${name} on ${d.date}`;
  if (event.type === 'milestoneReached')
    return `${version}: ${d.milestone === 'ga' ? 'General Availability' : name} reached; now ${d.phase}`;
  if (event.type === 'minorOutdated') return `${version}: minor release ${d.minor} is outdated`;
  return `${version}: ${event.type}`;
}

/** The subject and body of a lifecycle notice; the body is also the webhook payload. */
export function renderLifecycleNotice(event: LifecycleEventRecord, s: LifecycleState) {
  return {
    subject: noticeSubject(event, s).slice(0, 300),
    body: {
      type: `lifecycle.${event.type}`,
      product: s.product,
      productName: s.productName,
      version: s.major,
      seq: event.seq,
      occurredAt: event.occurredAt,
      phase: s.phase,
      zone: s.zone,
      milestones: {
        ga: s.inputs.ga,
        eos: s.milestones.eos ?? null,
        eoms: s.milestones.eoms ?? null,
        eol: s.milestones.eol ?? null,
        provisional: s.milestones.provisional,
      },
      note: `Dates are days in ${s.zone}; a milestone's day itself is still supported.`,
      event: { type: event.type, data: event.data },
    },
  };
}

/** Queues a notifying lifecycle event for the version's licensees and the policy's account managers; returns the ids still to deliver. */
export async function queueLifecycleNotices(client: PoolClient, event: LifecycleEventRecord, s: LifecycleState): Promise<number[]> {
  const audience = event.notify!;
  // Each customer once per contact address, however many licences it holds for this version.
  const { rows: holders } = await client.query<{ customer_id: string; contact_email: string | null; licence_ids: string[] }>(
    `SELECT customer_id, contact_email, array_agg(licence_id ORDER BY licence_id) AS licence_ids FROM licences
      WHERE product = $1 AND version = $2 AND ($3::text IS NULL OR minor = $3)
      GROUP BY customer_id, contact_email ORDER BY customer_id, contact_email`,
    [s.product, s.major, audience.minor ?? null],
  );
  const message = renderLifecycleNotice(event, s);
  const entry = (key: string, role: 'customer' | 'accountManager', route: Route | null, body: Record<string, unknown>) =>
    enqueueNotification(client, {
      key: `${event.workflowId}:${event.seq}:${key}`,
      ticketId: null,
      workflowId: event.workflowId,
      eventSeq: event.seq,
      eventType: `lifecycle.${audience.event}`,
      role,
      route,
      subject: message.subject,
      body,
      occurredAt: event.occurredAt,
    });
  const ids: number[] = [];
  for (const holder of holders) {
    const route: Route | null = holder.contact_email ? { channel: 'email', address: holder.contact_email } : null;
    const body = { ...message.body, customerId: holder.customer_id, licences: holder.licence_ids };
    const id = await entry(`customer:${holder.customer_id}:${holder.contact_email ?? ''}`, 'customer', route, body);
    if (id !== undefined) ids.push(id);
  }
  // The vendor's account managers get a copy (email or webhook into their CRM): they reach customers with no licence on file.
  for (const route of await routedAddresses(client, 'accountManager', s.policyId)) {
    const id = await entry(`accountManager:${route.channel}:${route.address}`, 'accountManager', route, message.body);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
