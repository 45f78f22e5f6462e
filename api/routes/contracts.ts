/**
 * Support agreements: PUT /v1/contracts/{id} makes one (starts its contract workflow) or changes it
 * (an Update); renewals, an early end and quota exchanges are Updates too; GET reads it live. Plan
 * rules that span the customer's agreements (Infotecs 000 §3, ISPsystem 10.1) are checked here.
 */
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { Request, Response, Router } from 'express';
import { defaultAgreementRules } from '../../policies/agreement-rules';
import {
  applyOverride,
  planRuleRefusals,
  policyById,
  PolicyError,
  PolicyInputError,
  validateTicketInputs,
  type Policy,
  type PolicyOverride,
} from '../../policies/index';
import {
  AGREEMENT_WORKFLOW,
  agreementWorkflowId,
  changeAgreementUpdate,
  endAgreementUpdate,
  exchangeTicketsUpdate,
  getAgreementQuery,
  renewAgreementUpdate,
  type AgreementState,
  type AgreementTerms,
  type StartAgreementInput,
} from '../../workflows/agreement/contract';
import { ILLEGAL_TRANSITION } from '../../workflows/contract';
import { actorOf, allow } from '../auth';
import { problems } from '../problem';
import { agreementById, agreementsOfCustomer, licenceHolders, ticketsOfAgreement } from '../read-models/agreements';
import {
  ContractIdParamSchema,
  ContractRequestSchema,
  EndAgreementRequestSchema,
  QuotaExchangeRequestSchema,
  RenewalRequestSchema,
} from '../schemas';
import { parse } from '../validate';
import type { RouteDeps } from './deps';
import { queryRegistered } from './registered';

type ContractRequest = ReturnType<typeof ContractRequestSchema.parse>;
export type FanOut = (scope: { contractId: string }, change: { scope: string; version: number; reason: string }) => Promise<string>;

/** The catalog policy's agreement rules, recorded in the agreement when it is made or changed. */
function termsOf(body: ContractRequest, policy: Policy): AgreementTerms {
  return {
    customerId: body.customerId,
    policyId: body.policyId,
    plan: body.plan,
    options: body.options,
    override: body.override,
    licences: body.licences.map((l) => ({ ...l, extensions: l.extensions ?? [] })),
    ...(body.contactEmail ? { contactEmail: body.contactEmail } : {}),
    rules: policy.agreements ?? defaultAgreementRules,
  };
}

/** The plan, options and agreed terms as the policy reads them; each bad field a 400 naming it. */
function checkedPolicy(body: ContractRequest): Policy {
  try {
    const policy = policyById(body.policyId);
    const merged = applyOverride(policy, body.override as PolicyOverride);
    validateTicketInputs(merged, {
      plan: body.plan,
      severity: merged.severities[0].id,
      options: body.options,
      product: merged.products[0],
    });
    return policy;
  } catch (err) {
    if (err instanceof PolicyError) {
      throw problems.validation(
        err.issues.map((i) => ({ pointer: `/override/${i.path.replace(/[.[\]]+/g, '/').replace(/\/$/, '')}`, detail: i.message })),
      );
    }
    if (err instanceof PolicyInputError) throw problems.validation([{ pointer: `/${err.field}`, detail: err.message }]);
    throw err;
  }
}

/** The rules across the customer's agreements: a refusal is a 409 naming the field and citing the paragraph. */
async function checkPlanRules(
  deps: RouteDeps,
  contractId: string,
  terms: AgreementTerms,
  periods: AgreementState['periods'],
): Promise<void> {
  const others = (await agreementsOfCustomer(deps.pool, terms.customerId, terms.policyId))
    .filter((a) => a.contract_id !== contractId && a.status !== 'ended')
    .map((a) => ({
      contractId: a.contract_id,
      customerId: a.customer_id,
      plan: a.plan,
      status: a.status ?? 'active',
      periods: a.snapshot?.periods ?? [{ startsAt: a.starts_at.toISOString(), ...(a.ends_at ? { endsAt: a.ends_at.toISOString() } : {}) }],
      licences: a.licences.map((l) => ({ licenceId: l.licenceId, extensions: l.extensions ?? [] })),
    }));
  const names = Object.fromEntries(policyById(terms.policyId).plans.map((p) => [p.id, p.name]));
  const candidate = { contractId, customerId: terms.customerId, plan: terms.plan, periods, licences: terms.licences };
  const refusals = planRuleRefusals(terms.rules, candidate, others, names);
  if (refusals.length === 0) return;
  throw problems.conflict(refusals.map((r) => r.detail).join(' '), {
    errors: refusals.map((r) => ({ pointer: r.pointer, detail: r.detail })),
    source: refusals[0].source,
  });
}

/** An agreement covers only its own customer's licences: one on file for another customer is a 409 naming it. */
async function checkLicences(deps: RouteDeps, terms: AgreementTerms): Promise<void> {
  const holders = await licenceHolders(
    deps.pool,
    terms.licences.map((l) => l.licenceId),
  );
  const errors = terms.licences.flatMap((l, i) => {
    const holder = holders.get(l.licenceId);
    return holder !== undefined && holder !== terms.customerId
      ? [{ pointer: `/licences/${i}/licenceId`, detail: `licence ${l.licenceId} is another customer's` }]
      : [];
  });
  if (errors.length) throw problems.conflict(errors.map((e) => e.detail).join('; '), { errors });
}

/** The agreement's state once its first batch is written (the row tickets read exists): a query, then the row. */
async function persistedState(deps: RouteDeps, contractId: string, seq: number): Promise<AgreementState | undefined> {
  const handle = deps.client.workflow.getHandle(agreementWorkflowId(contractId));
  const written = await queryRegistered(
    deps.client,
    async () => ({ state: await handle.query(getAgreementQuery), row: (await agreementById(deps.pool, contractId))?.row }),
    ({ state, row }) => state.seq >= seq && row?.workflow_id != null && row.last_seq >= seq,
  );
  return written.registered ? written.state.state : undefined;
}

async function startAgreement(
  deps: RouteDeps,
  contractId: string,
  body: ContractRequest,
  terms: AgreementTerms,
  req: Request,
  legacyVersion?: number,
): Promise<AgreementState | undefined> {
  const input: StartAgreementInput = {
    ...terms,
    contractId,
    startsAt: body.startsAt,
    ...(body.endsAt ? { endsAt: body.endsAt } : {}),
    // A row from before agreements: the version goes on, so its tickets' fan-outs keep distinct ids.
    ...(legacyVersion ? { version: legacyVersion + 1 } : {}),
    by: actorOf(req.principal!),
  };
  await deps.client.workflow
    .start(AGREEMENT_WORKFLOW, {
      taskQueue: deps.taskQueue,
      workflowId: agreementWorkflowId(contractId),
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Agreement ${contractId}: ${terms.customerId}, ${terms.policyId}/${terms.plan}`,
      staticDetails: `Term ${body.startsAt.slice(0, 10)} → ${body.endsAt?.slice(0, 10) ?? 'open-ended'}; ${terms.licences.length} licence(s).`,
    })
    .catch((err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw problems.conflict(`Contract ${contractId} was ended; make a new agreement under a new id.`);
      throw err;
    });
  return persistedState(deps, contractId, 1);
}

/** An Update of the agreement; a refusal is a 409, an agreement whose workflow is over (ended) a 409 too. */
async function update(deps: RouteDeps, contractId: string, name: string, command: Record<string, unknown>): Promise<AgreementState> {
  try {
    return await deps.client.workflow
      .getHandle(agreementWorkflowId(contractId))
      .executeUpdate<AgreementState, [Record<string, unknown>]>(name, { args: [command] });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      const stored = await agreementById(deps.pool, contractId);
      if (!stored) throw problems.notFound(`No contract ${contractId}.`);
      throw problems.conflict(`Contract ${contractId} is ${stored.row.status ?? 'not run by a workflow'}; it takes no more changes.`);
    }
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === ILLEGAL_TRANSITION) {
      throw problems.conflict(err.cause.message ?? 'refused', { contractId });
    }
    throw err;
  }
}

async function putContract(deps: RouteDeps, fanOut: FanOut, req: Request, res: Response): Promise<void> {
  const { contractId } = parse(ContractIdParamSchema, req.params, 'path');
  const body = parse(ContractRequestSchema, req.body, 'request body');
  const policy = checkedPolicy(body);
  if (body.endsAt && Date.parse(body.endsAt) <= Date.parse(body.startsAt))
    throw problems.validation([{ pointer: '/endsAt', detail: 'a contract ends after it starts' }]);
  const terms = termsOf(body, policy);
  await checkLicences(deps, terms);
  const existing = await agreementById(deps.pool, contractId);
  const current = existing?.snapshot;
  if (!current) {
    await checkPlanRules(deps, contractId, terms, [
      { startsAt: body.startsAt, ...(body.endsAt ? { endsAt: body.endsAt } : {}), renewal: false, at: '' },
    ]);
    const state = await startAgreement(deps, contractId, body, terms, req, existing?.row.version);
    // Never the half state: made and durable, but not yet written within the wait (no worker yet?): 202.
    res
      .status(state ? 201 : 202)
      .location(`/v1/contracts/${contractId}`)
      .json(state ?? { contractId, registered: false });
    return;
  }
  if (Date.parse(current.periods[0].startsAt) !== Date.parse(body.startsAt)) {
    throw problems.validation([
      {
        pointer: '/startsAt',
        detail: `the agreement started on ${current.periods[0].startsAt}; its start cannot move (renew it or end it instead)`,
      },
    ]);
  }
  const periods = current.periods.map((p, i) => (i === current.periods.length - 1 ? { ...p, endsAt: body.endsAt } : p));
  await checkPlanRules(deps, contractId, terms, periods);
  const state = await update(deps, contractId, changeAgreementUpdate.name, {
    ...terms,
    endsAt: body.endsAt ?? null,
    reason: body.reason,
    by: actorOf(req.principal!),
  });
  const fanout = await fanOut({ contractId }, { scope: `contract ${contractId}`, version: state.version, reason: body.reason });
  res.json({ ...state, fanoutWorkflowId: fanout });
}

/** The live agreement (a query), else its read model; a customer reads only its own, and another's is not found. */
async function getContract(deps: RouteDeps, req: Request, res: Response): Promise<void> {
  const { contractId } = parse(ContractIdParamSchema, req.params, 'path');
  let state: AgreementState | null | undefined;
  try {
    state = await deps.client.workflow.getHandle(agreementWorkflowId(contractId)).query(getAgreementQuery);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    state = (await agreementById(deps.pool, contractId))?.snapshot;
  }
  const principal = req.principal!;
  if (!state || (principal.role === 'customer' && principal.customerId !== state.customerId))
    throw problems.notFound(`No contract ${contractId}.`);
  const tickets = (await ticketsOfAgreement(deps.pool, contractId, 100)).map((t) => ({
    ticketId: t.ticket_id,
    status: t.status,
    severity: t.severity,
    title: t.title,
    openedAt: t.opened_at.toISOString(),
  }));
  const view = principal.role === 'customer' ? { ...state, override: {} } : state;
  res.json({ ...view, tickets });
}

const commandBody = <T>(schema: { parse(v: unknown): T }, req: Request) => parse(schema as never, req.body ?? {}, 'request body') as T;

export function mountContractRoutes(router: Router, deps: RouteDeps, fanOut: FanOut): void {
  router.put('/contracts/:contractId', allow('manager'), (req, res) => putContract(deps, fanOut, req, res));
  router.get('/contracts/:contractId', allow('customer', 'engineer'), (req, res) => getContract(deps, req, res));
  const by = (req: Request) => ({ by: actorOf(req.principal!) });
  router.post('/contracts/:contractId/renewals', allow('manager'), async (req, res) => {
    const { contractId } = parse(ContractIdParamSchema, req.params, 'path');
    res.json(await update(deps, contractId, renewAgreementUpdate.name, { ...commandBody(RenewalRequestSchema, req), ...by(req) }));
  });
  router.post('/contracts/:contractId/end', allow('manager'), async (req, res) => {
    const { contractId } = parse(ContractIdParamSchema, req.params, 'path');
    const state = await update(deps, contractId, endAgreementUpdate.name, { ...commandBody(EndAgreementRequestSchema, req), ...by(req) });
    res.json(state);
  });
  router.post('/contracts/:contractId/quota-exchanges', allow('manager'), async (req, res) => {
    const { contractId } = parse(ContractIdParamSchema, req.params, 'path');
    res.json(await update(deps, contractId, exchangeTicketsUpdate.name, { ...commandBody(QuotaExchangeRequestSchema, req), ...by(req) }));
  });
}
