/**
 * A support ticket: one long-running workflow per ticket, a thin Temporal shell over the pure state
 * machine in this folder. Its one durable timer points at the ticket's next own action (a warning,
 * a breach, an auto-close, the end of the reopen window) and is re-armed whenever that moves.
 * Deadlines come from policies/ through a local activity, so they are recorded in history.
 */
import {
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { legacyTicket } from '../legacy/ticket';
import type { LegacyTicketState } from '../legacy/types';
import { untilDone, delivery } from '../kernel/activity-options';
import { EventSourcedWorkflow } from '../kernel/event-sourced-workflow';
import { isoToSecond } from '../kernel/instants';
import { failureCause, refuse, refuseIf } from '../kernel/refusal';
import { shouldContinueAsNew } from '../kernel/run-limits';
import {
  CustomerIdKey,
  NextDueAtKey,
  PlanKey,
  PolicyIdKey,
  ProductKey,
  SeverityKey,
  SlaBreachedKey,
  TicketStatusKey,
} from '../search-attributes';
import type { Actor, CommandBase } from '../contract';
import { agreementWorkflowId, ticketResolvedSignal } from '../agreement/contract';
import { resolutionReport } from './agreement-report';
import { nextWake, refreshNextDue } from './clocks';
import { childStarted, splitRecorded, ticketCommands, type ChildTicket, type TicketCommand } from './commands';
import {
  availableCommandsQuery,
  finalStatuses,
  getTicketQuery,
  INVALID_TICKET_INPUT,
  rulesChangedSignal,
  ticketWorkflowId,
  type ComputeTargetsResult,
  type OpenTicketInput,
  type TicketEventRecord,
  type TicketState,
} from './contract';
import {
  carryOver,
  machineForRun,
  writeRepaired,
  type RecomputeRequest,
  type TicketCarry,
  type TicketMachine,
  type TicketStep,
} from './machine';
import { beginOpening, completeOpening, fireDueAt, openingRequest, refuseOpening, rulesChangeRefused, rulesChangeRequest } from './opening';
import { mergeTargets, targetsInput } from './targets';
import { availableCommands, currentDetails, searchAttributeValues } from './view';

export type { TicketCarry } from './machine';

// Deadlines and persistence are local activities (one marker event each keeps a typical ticket's
// history short); notifications that fail inline are retried by a regular activity.
const { computeTargets } = proxyLocalActivities<Activities>(untilDone([INVALID_TICKET_INPUT]));
const { persistTicketEvents } = proxyLocalActivities<Activities>(untilDone());
const { deliverNotifications } = proxyActivities<Activities>(delivery);

const LIMITS = { maxHistoryEvents: 2_000, maxUpdates: 1_000 };

/**
 * Before this patch a local activity's refusal was not recognised (it arrives unwrapped) and the
 * ticket's workflow failed; histories that failed so must replay failing, so the handling is patched in.
 */
const refusalsHandled = () => patched('local-activity-refusals');

export async function ticket(input: OpenTicketInput, carried?: TicketCarry): Promise<TicketState | LegacyTicketState> {
  // Tickets started by the first slice (no SLA clocks) run on as they began.
  if (!patched('ticket-sla-engine')) return await legacyTicket(input);
  return new TicketWorkflow(input, carried).run();
}

/** The ticket's Temporal side: its handlers, its loop and continue-as-new, over the kernel. */
class TicketWorkflow extends EventSourcedWorkflow<TicketState, TicketEventRecord> {
  private machine: TicketMachine;
  private rulesChange: { reason: string } | undefined;
  private published = '';

  constructor(
    private readonly input: OpenTicketInput,
    private readonly carried: TicketCarry | undefined,
  ) {
    super({ persist: persistTicketEvents, deliverNotifications, deliveryAt: () => isoToSecond(Date.now()) });
    this.machine = machineForRun(input, carried, Date.now());
    this.rulesChange = carried?.rulesChange;
    if (carried?.heldWrites?.length) this.recorder.hold(carried.heldWrites);
  }

  protected writeRepaired(seqs: number[]): void {
    // A new event, only where persistence repaired a write: no recorded history reaches this.
    if (patched('write-repaired-event')) this.adopt(writeRepaired(this.machine, seqs, Date.now()));
  }

  protected override wokenBySignal(): boolean {
    return this.rulesChange !== undefined;
  }

  async run(): Promise<TicketState> {
    // The opening takes the lock before any handler is registered: an update delivered with the
    // workflow's start waits for it (the SDK runs buffered updates as soon as their handler is set).
    const opening = this.carried ? Promise.resolve() : this.lock.run(() => this.open());
    this.registerHandlers();
    await opening;
    if (this.carried?.undelivered?.length) this.delivery.send(this.carried.undelivered);
    while (await this.nextRound());
    return this.finish(); // the story is over; its last notifications still go out
  }

  /** One turn of the main loop: write what happened, take a rules change, sleep until the next instant, fire it. */
  private async nextRound(): Promise<boolean> {
    await this.write();
    const state = this.machine.ticket;
    const final = finalStatuses.includes(state.status);
    if (this.rulesChange && !final) {
      const change = this.rulesChange;
      this.rulesChange = undefined;
      await this.lock.run(() => this.applyRulesChange(change.reason));
      return true;
    }
    this.rulesChange = undefined;
    const reopenUntil = this.machine.reopenUntil;
    if (state.status === 'rejected' || (final && reopenUntil !== undefined && Date.now() >= reopenUntil)) return false;
    if (shouldContinueAsNew(LIMITS, this.updatesThisRun)) await this.continueAsNew();
    const wake = nextWake(state, reopenUntil);
    await this.timer.sleepUntil(wake?.at, wake?.what, isoToSecond);
    await this.lock.run(async () => this.adopt(fireDueAt(this.machine, Date.now())));
    return true;
  }

  private async open(): Promise<void> {
    const begun = beginOpening(this.machine, this.input, Date.now());
    this.machine = begun.machine;
    const opened = begun.events[0];
    let result: ComputeTargetsResult;
    try {
      result = await computeTargets(targetsInput(this.machine, openingRequest, Date.now()));
    } catch (err) {
      // The API checks inputs first; a policy that refuses them anyway rejects the ticket, visibly.
      const cause = failureCause(err);
      if (cause?.type !== INVALID_TICKET_INPUT || !refusalsHandled()) throw err;
      this.adopt(refuseOpening(this.machine, opened, cause.message, Date.now()));
      return;
    }
    this.adopt(mergeTargets(this.machine, openingRequest, result, Date.now()));
    this.adopt(completeOpening(this.machine, opened, result, Date.now()));
  }

  private registerHandlers(): void {
    for (const command of ticketCommands) this.registerCommand(command);
    setHandler(rulesChangedSignal, (change) => {
      this.rulesChange = { reason: `${change.scope} changed (version ${change.version}): ${change.reason}` };
    });
    setHandler(getTicketQuery, () => this.snapshot());
    // A query is not in history: adding it changes no replay.
    setHandler(availableCommandsQuery, () => availableCommands(this.machine, Date.now()));
    this.registerWriteRetry();
  }

  private registerCommand<C extends CommandBase>(command: TicketCommand<C>): void {
    const validate = (c: C) => refuseIf(optional(command.allowed(this.machine, c, Date.now())));
    const handle = (c: C) =>
      this.lock.run(async () => {
        // A deadline that passed before this command arrived is recorded first: a late response is late.
        this.adopt(fireDueAt(this.machine, Date.now()));
        validate(c); // the state may have moved while this update waited its turn
        this.updatesThisRun += 1;
        try {
          await this.apply(command, c);
        } catch (err) {
          // The current rules refuse the ticket's inputs (an override dropped its severity, say).
          const cause = failureCause(err);
          if (cause?.type === INVALID_TICKET_INPUT) refuse(`the current rules refuse this: ${cause.message}`);
          throw err;
        }
        this.publish();
        return this.snapshot();
      });
    setHandler(command.update, handle, { validator: validate });
  }

  private async apply<C extends CommandBase>(command: TicketCommand<C>, c: C): Promise<void> {
    const step = command.apply(this.machine, c, Date.now(), this.input);
    this.adopt(step);
    if (step.children) await this.startChildren(step.children, c.by);
    if (!step.recompute) return;
    const result = await this.recompute(step.recompute);
    if (command.settle) this.adopt(command.settle(this.machine, c, result, Date.now()));
  }

  private async startChildren(children: ChildTicket[], by: Actor): Promise<void> {
    for (const child of children) {
      await startChild(ticket, {
        workflowId: ticketWorkflowId(child.input.ticketId),
        args: [child.input],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: child.staticSummary,
      });
      this.adopt(childStarted(this.machine, child.input.ticketId, Date.now()));
    }
    this.adopt(splitRecorded(this.machine, children, by, Date.now()));
  }

  /** Asks the policy for the deadlines and merges them (the one local activity in flight, under the lock). */
  private async recompute(request: RecomputeRequest): Promise<ComputeTargetsResult> {
    const result = await computeTargets(targetsInput(this.machine, request, Date.now()));
    this.adopt(mergeTargets(this.machine, request, result, Date.now()));
    return result;
  }

  private async applyRulesChange(reason: string): Promise<void> {
    try {
      await this.recompute(rulesChangeRequest(reason));
    } catch (err) {
      const cause = failureCause(err);
      if (cause?.type !== INVALID_TICKET_INPUT || !refusalsHandled()) throw err;
      this.adopt(rulesChangeRefused(this.machine, reason, cause.message, Date.now()));
      return;
    }
    this.adopt(fireDueAt(this.machine, Date.now()));
  }

  /** Takes a transition's result: its machine, and its events for the next write. */
  private adopt(step: TicketStep): void {
    this.machine = step.machine;
    const workflowId = workflowInfo().workflowId;
    this.recorder.record(step.events.map((e) => ({ workflowId, ...e })));
    this.reportResolution(step);
  }

  /** The first resolution of a ticket under an agreement is counted by its contract workflow (a signal; no history before agreements has one). */
  private reportResolution(step: TicketStep): void {
    const due = resolutionReport(this.machine, step.events, Date.now());
    if (!due || !patched('agreement-quota')) return;
    this.machine = due.machine;
    getExternalWorkflowHandle(agreementWorkflowId(due.contractId))
      .signal(ticketResolvedSignal, due.report)
      .catch((err: Error) =>
        log.warn('the agreement could not be told of the resolution', { contractId: due.contractId, err: err.message }),
      );
  }

  /** Nothing may be left half-done: handlers finished, every event written, then straight on. */
  private async continueAsNew(): Promise<never> {
    await this.drain();
    return continueAsNew<typeof ticket>(
      this.input,
      carryOver(this.machine, this.delivery.undelivered(), this.rulesChange, this.recorder.heldEvents()),
    );
  }

  protected publish(): void {
    const state = this.machine.ticket;
    refreshNextDue(state, this.machine.reopenUntil);
    const v = searchAttributeValues(state);
    if (v.key !== this.published) {
      this.published = v.key;
      upsertSearchAttributes([
        { key: TicketStatusKey, value: v.status },
        { key: SeverityKey, value: v.severity },
        { key: CustomerIdKey, value: v.customerId },
        { key: PolicyIdKey, value: v.policyId },
        { key: PlanKey, value: v.plan },
        ...(v.product ? [{ key: ProductKey, value: v.product }] : []),
        { key: NextDueAtKey, value: v.nextDueAt },
        { key: SlaBreachedKey, value: v.breached },
      ]);
    }
    setCurrentDetails(currentDetails(state, this.recorder.heldCount()));
  }

  protected snapshot(): TicketState {
    return JSON.parse(JSON.stringify(this.machine.ticket)) as TicketState;
  }
}

const optional = (message: string | undefined) => (message === undefined ? undefined : { message });
