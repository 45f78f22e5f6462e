import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { Actor, LegacyOpenTicketInput, LegacyTicketEventRecord, LegacyTicketState } from './types';

// Frozen copies of what the first slice used from the live contract (names are what the server
// and clients match), so that no change there alters how these tickets replay.
const ILLEGAL_TRANSITION = 'IllegalTransition';
const getTicketQuery = defineQuery<LegacyTicketState>('getTicket');
const closeTicketUpdate = defineUpdate<LegacyTicketState, [{ by: Actor; reason?: string }]>('closeTicket');
const TicketStatusKey = defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD);
const SeverityKey = defineSearchAttributeKey('Severity', SearchAttributeType.KEYWORD);
const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
const PolicyIdKey = defineSearchAttributeKey('PolicyId', SearchAttributeType.KEYWORD);
const PlanKey = defineSearchAttributeKey('Plan', SearchAttributeType.KEYWORD);
const ProductKey = defineSearchAttributeKey('Product', SearchAttributeType.KEYWORD);

// Persistence must never fail a ticket: a database outage delays writes, retried with backoff for
// as long as it takes (no maximum attempts). Each attempt is bounded so a hung connection retries.
const { recordTicketEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * The first ticket slice (open, close; no SLA clocks), frozen so that tickets started before the
 * SLA engine still replay: `ticket` runs this when its history has no 'ticket-sla-engine' patch.
 * It can be deleted once `npm run legacy:tickets` reports none open in production and none is kept
 * within the namespace's retention: first deprecatePatch('ticket-sla-engine') in ticket/workflow.ts,
 * release, then remove this folder, its activity (activities/legacy-ticket-events.ts) and the
 * patch call (docs/architecture.md, "Changing workflow code").
 */
export async function legacyTicket(input: LegacyOpenTicketInput): Promise<LegacyTicketState> {
  const state: LegacyTicketState = {
    ticketId: input.ticketId,
    status: 'open',
    customerId: input.customerId,
    policyId: input.policyId,
    plan: input.plan,
    severity: input.severity,
    type: input.type,
    title: input.title,
    description: input.description,
    product: input.product,
    productVersion: input.productVersion,
    channel: input.channel,
    contact: input.contact,
    openedAt: new Date(Date.now()).toISOString(),
    openedBy: input.openedBy,
    eventCount: 0,
  };

  // Sequence numbers are taken synchronously, so events keep workflow order even when their
  // writes overlap; the read model keeps the snapshot with the highest sequence number.
  const record = (type: LegacyTicketEventRecord['type'], actor: Actor, data: Record<string, unknown> = {}) => {
    state.eventCount += 1;
    return recordTicketEvent({
      workflowId: workflowInfo().workflowId,
      ticketId: state.ticketId,
      seq: state.eventCount,
      type,
      occurredAt: new Date(Date.now()).toISOString(),
      actor,
      data,
      snapshot: { ...state },
    });
  };

  const publishSearchAttributes = () =>
    upsertSearchAttributes([
      { key: TicketStatusKey, value: state.status },
      { key: SeverityKey, value: state.severity },
      { key: CustomerIdKey, value: state.customerId },
      { key: PolicyIdKey, value: state.policyId },
      { key: PlanKey, value: state.plan },
      ...(state.product ? [{ key: ProductKey, value: state.product }] : []),
    ]);

  setHandler(getTicketQuery, () => ({ ...state }));

  setHandler(
    closeTicketUpdate,
    async (command) => {
      state.status = 'closed';
      state.closedAt = new Date(Date.now()).toISOString();
      state.closedBy = command.by;
      state.closeReason = command.reason;
      publishSearchAttributes();
      await record('closed', command.by, { reason: command.reason ?? null });
      return { ...state };
    },
    {
      validator: (_command) => {
        if (state.status === 'closed') {
          throw ApplicationFailure.create({
            type: ILLEGAL_TRANSITION,
            message: 'the ticket is already closed',
            nonRetryable: true,
          });
        }
      },
    },
  );

  publishSearchAttributes();
  await record('opened', input.openedBy, { channel: input.channel, type: input.type });

  await condition(() => state.status === 'closed');
  await condition(allHandlersFinished);
  return { ...state };
}
