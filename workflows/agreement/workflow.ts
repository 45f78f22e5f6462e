/**
 * A support agreement: one long-running workflow per contract (`contract-<id>`), for its whole life
 * and renewals, a thin Temporal shell over the pure state machine in this folder. Its one durable
 * timer points at the next thing time does to it: the term starting, a quota year turning over, a
 * renewal reminder, the term lapsing. Tickets ask it for entitlement (a query) and report resolutions (a signal).
 */
import {
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index';
import type { CommandBase } from '../contract';
import { delivery, untilDone } from '../kernel/activity-options';
import { EventSourcedWorkflow } from '../kernel/event-sourced-workflow';
import { isoInstant } from '../kernel/instants';
import { refuseIf } from '../kernel/refusal';
import { shouldContinueAsNew } from '../kernel/run-limits';
import { CustomerIdKey, NextDueAtKey, PlanKey, PolicyIdKey } from '../search-attributes';
import { agreementCommands, type AgreementCommand } from './commands';
import {
  entitlementQuery,
  getAgreementQuery,
  ticketResolvedSignal,
  type AgreementEventRecord,
  type AgreementState,
  type StartAgreementInput,
} from './contract';
import { answerEntitlement } from './entitlement';
import { agreedState, draft, fireDue, nextDue, scheduleReminders, SYSTEM, type AgreementCarry, type AgreementStep } from './machine';
import { countTicket } from './quota';
import { currentDetails } from './view';

export type { AgreementCarry } from './machine';

const { persistAgreementEvents } = proxyLocalActivities<Activities>(untilDone());
const { deliverNotifications } = proxyActivities<Activities>(delivery);

/** 40 tickets reporting in a year are 40 signals: a run continues as new past 150 events, so runs stay under 200. */
const LIMITS = { maxHistoryEvents: 150, maxUpdates: 200 };

export async function supportAgreement(input: StartAgreementInput, carried?: AgreementCarry): Promise<AgreementState> {
  return new AgreementWorkflow(input, carried).run();
}

class AgreementWorkflow extends EventSourcedWorkflow<AgreementState, AgreementEventRecord> {
  private state: AgreementState;
  private published = '';

  constructor(
    private readonly input: StartAgreementInput,
    private readonly carried: AgreementCarry | undefined,
  ) {
    super({ persist: persistAgreementEvents, deliverNotifications, deliveryAt: () => isoInstant(Date.now()) });
    this.state = carried?.state ?? agreedState(input, workflowInfo().workflowId, Date.now());
    if (carried?.heldWrites?.length) this.recorder.hold(carried.heldWrites);
  }

  protected writeRepaired(seqs: number[]): void {
    const d = draft(this.state, Date.now());
    d.record('writeRepaired', SYSTEM, { seqs, note: 'text the database cannot store was replaced by U+FFFD' });
    this.adopt(d.step());
  }

  async run(): Promise<AgreementState> {
    const agreeing = this.carried ? Promise.resolve() : this.lock.run(async () => this.agree());
    this.registerHandlers();
    await agreeing;
    if (this.carried?.undelivered?.length) this.delivery.send(this.carried.undelivered);
    this.publish();
    while (await this.nextRound());
    return this.finish();
  }

  private agree(): void {
    const d = draft(this.state, Date.now());
    scheduleReminders(d.state, Date.now());
    const s = d.state;
    const term = s.periods[0];
    d.record('agreed', this.input.by, {
      customerId: s.customerId,
      policyId: s.policyId,
      plan: s.plan,
      startsAt: term.startsAt,
      endsAt: term.endsAt ?? null,
      licences: s.licences.map((l) => l.licenceId),
    });
    fireDue(d);
    this.adopt(d.step());
  }

  /** One turn: write what happened, sleep until the next thing time does, do it. */
  private async nextRound(): Promise<boolean> {
    await this.write();
    if (this.state.status === 'ended') return false;
    if (shouldContinueAsNew(LIMITS, this.updatesThisRun)) await this.continueAsNew();
    const due = nextDue(this.state);
    await this.timer.sleepUntil(due?.at, due?.what);
    await this.lock.run(async () => this.fire());
    return true;
  }

  private fire(): void {
    const d = draft(this.state, Date.now());
    fireDue(d);
    this.adopt(d.step());
  }

  private registerHandlers(): void {
    for (const command of agreementCommands) this.registerCommand(command);
    setHandler(getAgreementQuery, () => this.snapshot());
    setHandler(entitlementQuery, (q) => answerEntitlement(this.state, q));
    // Counted at once, not behind the lock: a report that arrives with a continue-as-new is in the state carried over.
    setHandler(ticketResolvedSignal, (t) => this.adopt(countTicket(this.state, t, Date.now())));
    this.registerWriteRetry();
  }

  private registerCommand<C extends CommandBase>(command: AgreementCommand<C>): void {
    const refusal = (c: C) => {
      const why = command.allowed(this.state, c, Date.now());
      return why ? { message: why } : undefined;
    };
    const handle = (c: C) =>
      this.lock.run(async () => {
        this.fire(); // a year that ended before this command arrived is recorded first
        refuseIf(refusal(c));
        this.updatesThisRun += 1;
        this.adopt(command.apply(this.state, c, Date.now()));
        await this.recorder.flush();
        return this.snapshot();
      });
    setHandler(command.update, handle, { validator: (c: C) => refuseIf(refusal(c)) });
  }

  private adopt(step: AgreementStep): void {
    this.state = step.state;
    this.recorder.record(step.events);
  }

  private async continueAsNew(): Promise<never> {
    await this.drain();
    return continueAsNew<typeof supportAgreement>(this.input, {
      state: this.state,
      undelivered: this.delivery.undelivered(),
      ...(this.recorder.heldCount() ? { heldWrites: this.recorder.heldEvents() } : {}),
    });
  }

  protected publish(): void {
    const s = this.state;
    const due = nextDue(s);
    s.nextAt = due ? isoInstant(due.at) : undefined;
    s.nextWhat = due?.what;
    if (!due) delete s.nextAt;
    if (!due) delete s.nextWhat;
    const key = JSON.stringify([s.nextAt, s.plan]);
    if (key !== this.published) {
      this.published = key;
      upsertSearchAttributes([
        { key: CustomerIdKey, value: s.customerId },
        { key: PolicyIdKey, value: s.policyId },
        { key: PlanKey, value: s.plan },
        { key: NextDueAtKey, value: s.nextAt ? new Date(s.nextAt) : null },
      ]);
    }
    setCurrentDetails(currentDetails(s, this.recorder.heldCount()));
  }

  protected snapshot(): AgreementState {
    return JSON.parse(JSON.stringify(this.state)) as AgreementState;
  }
}
