/**
 * The lifecycle of one product major version (GA → EOS → EOMS → EOL), a thin Temporal shell over
 * the pure state machine in this folder, asleep on one durable timer at a time: the next advance
 * notice or phase change. Milestones come from the policy through a local activity (recorded in
 * history); every change is an Update whose validator keeps the six-month notice promise.
 */
import {
  continueAsNew,
  patched,
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
import { failureCause, refuse, refuseIf } from '../kernel/refusal';
import { shouldContinueAsNew } from '../kernel/run-limits';
import { NextDueAtKey, PolicyIdKey, ProductKey } from '../search-attributes';
import { checkMoves, lifecycleCommands, refusalOf, register, validatorRefusal, type LifecycleCommand } from './commands';
import {
  getLifecycleQuery,
  INVALID_LIFECYCLE_INPUT,
  type LifecycleDateInputs,
  type LifecycleEventRecord,
  type LifecyclePlan,
  type LifecycleState,
  type StartLifecycleInput,
} from './contract';
import { fireDueAt, refreshNext, registrationState, writeRepaired, type LifecycleCarry, type LifecycleStep } from './machine';
import { currentDetails } from './view';

export type { LifecycleCarry } from './machine';

// The same stance as the ticket: a database outage delays a lifecycle, it never fails one.
const { planLifecycle } = proxyLocalActivities<Activities>(untilDone([INVALID_LIFECYCLE_INPUT]));
const { persistLifecycleEvents } = proxyLocalActivities<Activities>(untilDone());
const { deliverNotifications } = proxyActivities<Activities>(delivery);

/** A run continues as new past 120 history events: a lifecycle's runs stay under 200. */
const LIMITS = { maxHistoryEvents: 120, maxUpdates: 500 };

export async function productLifecycle(input: StartLifecycleInput, carried?: LifecycleCarry): Promise<LifecycleState> {
  return new LifecycleWorkflow(input, carried).run();
}

/** The lifecycle's Temporal side: its handlers, its loop and continue-as-new, over the kernel. */
class LifecycleWorkflow extends EventSourcedWorkflow<LifecycleState, LifecycleEventRecord> {
  private state: LifecycleState;
  private published = '';

  constructor(
    private readonly input: StartLifecycleInput,
    private readonly carried: LifecycleCarry | undefined,
  ) {
    super({ persist: persistLifecycleEvents, deliverNotifications, deliveryAt: () => isoInstant(Date.now()) });
    this.state = carried?.state ?? registrationState(input, workflowInfo().workflowId, Date.now());
    if (carried?.heldWrites?.length) this.recorder.hold(carried.heldWrites);
  }

  protected writeRepaired(seqs: number[]): void {
    // A new event, only where persistence repaired a write: no recorded history reaches this.
    if (patched('write-repaired-event')) this.adopt(writeRepaired(this.state, seqs, Date.now()));
  }

  async run(): Promise<LifecycleState> {
    this.registerHandlers();
    if (!this.carried) await this.lock.run(() => this.register());
    if (this.carried?.undelivered?.length) this.delivery.send(this.carried.undelivered);
    this.publish(); // a continued run shows its phase and dates in the UI before its next event
    while (await this.nextRound());
    return this.finish(); // the story is over; its last notifications still go out
  }

  /** One turn of the main loop: write what happened, sleep until the next notice or phase change, fire it. */
  private async nextRound(): Promise<boolean> {
    await this.write();
    if (this.state.phase === 'endOfLife' && this.state.notices.every((n) => n.sentAt)) return false;
    if (shouldContinueAsNew(LIMITS, this.updatesThisRun)) await this.continueAsNew();
    refreshNext(this.state, Date.now());
    const at = this.state.nextAt === undefined ? undefined : Date.parse(this.state.nextAt);
    await this.timer.sleepUntil(at, this.state.nextWhat);
    await this.lock.run(async () => this.adopt(fireDueAt(this.state, Date.now())));
    return true;
  }

  private async register(): Promise<void> {
    const plan = await this.plan(this.state.inputs);
    this.adopt(register(this.state, this.input, plan, Date.now()));
  }

  private plan(dates: LifecycleDateInputs): Promise<LifecyclePlan> {
    const s = this.state;
    return planLifecycle({ policyId: s.policyId, product: s.productName, zone: s.zone, dates, now: isoInstant(Date.now()) });
  }

  private registerHandlers(): void {
    for (const command of lifecycleCommands) this.registerCommand(command);
    setHandler(getLifecycleQuery, () => this.snapshot());
    this.registerWriteRetry();
  }

  private registerCommand<C extends CommandBase>(command: LifecycleCommand<C>): void {
    const handle = (c: C) =>
      this.lock.run(async () => {
        this.adopt(fireDueAt(this.state, Date.now()));
        refuseIf(refusalOf(command, this.state, c, Date.now()));
        this.updatesThisRun += 1;
        this.adopt(command.dates ? await this.move(command, c, command.dates(this.state, c)) : command.apply(this.state, c, Date.now()));
        await this.recorder.flush();
        return this.snapshot();
      });
    setHandler(command.update, handle, { validator: (c: C) => refuseIf(validatorRefusal(command, this.state, c, Date.now())) });
  }

  /** A milestone move: the policy plans the new dates, and the recorded plan is the authority on what may move. */
  private async move<C extends CommandBase>(command: LifecycleCommand<C>, c: C, dates: LifecycleDateInputs): Promise<LifecycleStep> {
    let plan: LifecyclePlan;
    try {
      plan = await this.plan(dates);
    } catch (err) {
      const cause = failureCause(err);
      if (cause?.type === INVALID_LIFECYCLE_INPUT) refuse(cause.message ?? 'the policy refuses these dates');
      throw err;
    }
    refuseIf(checkMoves(this.state, plan.milestones, plan.today, plan.earliest, Date.now()));
    return command.apply(this.state, c, Date.now(), { dates, plan });
  }

  private adopt(step: LifecycleStep): void {
    this.state = step.state;
    this.recorder.record(step.events);
  }

  private async continueAsNew(): Promise<never> {
    await this.drain();
    return continueAsNew<typeof productLifecycle>(this.input, {
      state: this.state,
      undelivered: this.delivery.undelivered(),
      ...(this.recorder.heldCount() ? { heldWrites: this.recorder.heldEvents() } : {}),
    });
  }

  protected publish(): void {
    const s = this.state;
    refreshNext(s, Date.now());
    const key = JSON.stringify([s.nextAt, s.phase]);
    if (key !== this.published) {
      this.published = key;
      upsertSearchAttributes([
        { key: ProductKey, value: s.productName },
        { key: PolicyIdKey, value: s.policyId },
        { key: NextDueAtKey, value: s.nextAt ? new Date(s.nextAt) : null },
      ]);
    }
    setCurrentDetails(currentDetails(s, this.recorder.heldCount()));
  }

  protected snapshot(): LifecycleState {
    return JSON.parse(JSON.stringify(this.state)) as LifecycleState;
  }
}
