import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { closeTicketUpdate, getTicketQuery, ILLEGAL_TRANSITION, type Actor, type OpenTicketInput } from './definitions';
import type { LegacyTicketEventRecord, LegacyTicketState } from './legacy-types';
import { CustomerIdKey, PlanKey, PolicyIdKey, ProductKey, SeverityKey, TicketStatusKey } from './search-attributes';

// Persistence must never fail a ticket: a database outage delays writes, retried with backoff for
// as long as it takes (no maximum attempts). Each attempt is bounded so a hung connection retries.
const { recordTicketEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * The first ticket slice (open, close; no SLA clocks), kept so that tickets started before the
 * SLA engine still replay: `ticket` runs this when its history has no 'ticket-sla-engine' patch.
 * Deprecate once no such ticket is open (deprecatePatch, then remove).
 */
export async function legacyTicket(input: OpenTicketInput): Promise<LegacyTicketState> {
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

  setHandler(getTicketQuery, () => ({ ...state }) as never);

  setHandler(
    closeTicketUpdate,
    async (command) => {
      state.status = 'closed';
      state.closedAt = new Date(Date.now()).toISOString();
      state.closedBy = command.by;
      state.closeReason = command.reason;
      publishSearchAttributes();
      await record('closed', command.by, { reason: command.reason ?? null });
      return { ...state } as never;
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
