import { continueAsNew, getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { rulesChangedSignal, ticketWorkflowId, type RulesChanged } from './contract';

const { listGovernedTickets } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export interface RulesChangedFanoutInput {
  policyId?: string;
  contractId?: string;
  change: RulesChanged;
  /** Tickets already told (ids sort), carried across continue-as-new. */
  after?: string;
  told?: number;
}

const PAGE = 200;

/**
 * Tells every open ticket a policy or contract governs that its rules changed, page by page, so
 * none is left on the old deadlines (a workflow, so a crash half-way loses no ticket). Each page
 * runs in a fresh history.
 */
export async function rulesChangedFanout(input: RulesChangedFanoutInput): Promise<{ told: number }> {
  const ids = await listGovernedTickets({ policyId: input.policyId, contractId: input.contractId, after: input.after ?? '', limit: PAGE });
  await Promise.all(
    ids.map((id) =>
      getExternalWorkflowHandle(ticketWorkflowId(id))
        .signal(rulesChangedSignal, input.change)
        // A ticket that finished since the read model was written needs no new deadlines.
        .catch(() => undefined),
    ),
  );
  const told = (input.told ?? 0) + ids.length;
  if (ids.length < PAGE) return { told };
  return continueAsNew<typeof rulesChangedFanout>({ ...input, after: ids[ids.length - 1], told });
}
