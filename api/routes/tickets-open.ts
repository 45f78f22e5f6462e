import { createHash, randomBytes } from 'node:crypto';
import { clip } from '../../common/storable-text';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Request, Response } from 'express';
import { ticketTargets } from '../../common/rules';
import type { EffectiveRules } from '../../common/rules';
import { policyById, PolicyError, PolicyInputError, targetKinds, type Policy } from '../../policies/index';
import { TICKET_WORKFLOW, ticketWorkflowId, type OpenTicketInput } from '../../workflows/ticket/contract';
import { actorOf, assertCustomerScope, type Principal } from '../auth';
import { problems } from '../problem';
import { agreementsOfCustomer } from '../read-models/agreements';
import { contractTerms } from '../read-models/rules';
import { catalogIssues, OpenTicketRequestSchema, type OpenTicketRequest } from '../schemas';
import { parse } from '../validate';
import { forPrincipal } from '../visibility';
import type { RouteDeps } from './deps';
import { registrationWait } from './registered';
import type { LiveTickets } from './tickets-live';

/**
 * With an Idempotency-Key the ticket id is derived from it (scoped to the customer), so a retried
 * request maps to the same workflow id and Temporal refuses to start a second one.
 */
export function ticketIdFor(customerId: string, idempotencyKey: string | undefined): string {
  const hex = idempotencyKey
    ? createHash('sha256').update(`${customerId}\n${idempotencyKey}`).digest('hex')
    : randomBytes(8).toString('hex');
  return `TKT-${hex.slice(0, 16).toUpperCase()}`;
}

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

export function idempotencyKeyOf(req: Request): string | undefined {
  const idempotencyKey = req.get('idempotency-key');
  if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
    throw problems.validation(
      [{ pointer: 'header:Idempotency-Key', detail: 'expected 1–255 visible ASCII characters' }],
      'Idempotency-Key header',
    );
  }
  return idempotencyKey;
}

type Issue = { pointer: string; detail: string };
const pointerTo = (option: string) => `/options/${option.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** The customer's own contract a ticket names, if it is one; anything else of a contract is never read. */
async function ownContract({ pool }: RouteDeps, body: OpenTicketRequest, customerId: string) {
  if (!body.contractId) return undefined;
  const contract = await contractTerms(pool, body.contractId);
  // An unknown or foreign contract is not refused here: the ticket opens and is rejected with the reason,
  // the same for both, and nothing of another customer's contract is looked at.
  return contract && contract.customer_id === customerId ? contract : undefined;
}

/**
 * A customer's ticket that names no agreement is opened under the customer's one agreement under the
 * policy; with several it must name one; with none it opens and is rejected (noAgreement) at opening.
 */
async function withOwnAgreement(deps: RouteDeps, body: OpenTicketRequest, customerId: string): Promise<OpenTicketRequest> {
  if (body.contractId) return body;
  const own = (await agreementsOfCustomer(deps.pool, customerId, body.policyId)).filter((a) => a.workflow_id && a.status !== 'ended');
  if (own.length === 1) return { ...body, contractId: own[0].contract_id };
  if (own.length > 1) {
    throw problems.validation([
      {
        pointer: '/contractId',
        detail: `required: the customer has ${own.length} agreements under ${body.policyId} (${own.map((a) => a.contract_id).join(', ')})`,
      },
    ]);
  }
  return body;
}

/** The rules the ticket will run under (the policy's override, the own contract's terms); the catalog's when they cannot load. */
async function rulesFor(
  live: LiveTickets,
  body: OpenTicketRequest,
  claim: { contractId: string; customerId: string } | undefined,
): Promise<Pick<EffectiveRules, 'policy' | 'version' | 'contract'>> {
  try {
    return await live.rules.effective(body.policyId, claim);
  } catch (err) {
    if (err instanceof PolicyError || err instanceof PolicyInputError) return { policy: policyById(body.policyId), version: '' };
    throw err;
  }
}

/**
 * The opening's deadlines computed here first, as the workflow's opening will (activities/rules.ts
 * ticketTargets, every kind from now): what the policy refuses there (an unknown product, a product
 * the hours depend on left out, a severity an override dropped) is a 400 naming the field instead.
 */
function dryRunIssues(
  rules: Pick<EffectiveRules, 'policy' | 'version' | 'contract'>,
  body: OpenTicketRequest,
  customerId: string,
): Issue[] {
  const now = new Date().toISOString();
  try {
    ticketTargets(rules, {
      policyId: body.policyId,
      contractId: body.contractId,
      customerId,
      inputs: {
        plan: body.plan,
        severity: body.severity,
        type: body.type,
        channel: body.channel,
        product: body.product,
        needsCodeChange: body.needsCodeChange,
        options: body.options,
      },
      clocks: targetKinds.map((kind) => ({ kind, startedAt: now })),
      pauses: [],
      now,
    });
    return [];
  } catch (err) {
    // A field of the opening ("product", "options.x"); a broken stored policy is left to the workflow to report.
    if (!(err instanceof PolicyInputError)) return [];
    return [
      {
        pointer: `/${err.field
          .split('.')
          .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
          .join('/')}`,
        detail: err.message,
      },
    ];
  }
}

/** Each named option the plan lacks under these rules; under a contract, also each that differs from the contract's. */
function optionIssues(policy: Policy, body: OpenTicketRequest, contract: { options: Record<string, boolean> } | undefined): Issue[] {
  const offered = [...(policy.plans.find((p) => p.id === body.plan)?.options ?? []), ...Object.keys(contract?.options ?? {})];
  const expected = offered.length ? `expected one of ${[...new Set(offered)].join(', ')}` : 'it has no options';
  const issues: Issue[] = [];
  for (const [option, on] of Object.entries(body.options ?? {})) {
    if (!offered.includes(option)) {
      issues.push({
        pointer: pointerTo(option),
        detail: `plan ${body.plan} of policy ${policy.id} offers no option "${option}"; ${expected}`,
      });
    } else if (contract && Boolean(contract.options[option]) !== on) {
      issues.push({
        pointer: pointerTo(option),
        detail: `contract ${body.contractId} sets ${option} to ${Boolean(contract.options[option])}`,
      });
    }
  }
  return issues;
}

/**
 * The opening checked before its workflow starts, so a ticket the policy would refuse is never
 * started: every option named must be one of the plan's under the rules the ticket runs under, and
 * those rules must accept the opening (a dry run of its deadlines). Under the customer's own
 * contract, the contract's plan and options are the ticket's (Isode custom packages), never the
 * caller's: a plan, policy or option that differs is the caller's mistake. Answers the options.
 */
async function checkedOpening(deps: RouteDeps, live: LiveTickets, body: OpenTicketRequest, customerId: string) {
  const contract = await ownContract(deps, body, customerId);
  const issues: Issue[] = [];
  if (contract && contract.policy_id !== body.policyId)
    issues.push({ pointer: '/policyId', detail: `contract ${body.contractId} is under policy ${contract.policy_id}` });
  if (contract && contract.plan !== body.plan)
    issues.push({ pointer: '/plan', detail: `contract ${body.contractId} is on plan ${contract.plan}` });
  if (issues.length) throw problems.validation(issues);
  const claim = contract ? { contractId: body.contractId!, customerId } : undefined;
  const rules = await rulesFor(live, body, claim);
  issues.push(...optionIssues(rules.policy, body, contract));
  if (issues.length === 0) issues.push(...dryRunIssues(rules, body, customerId));
  if (issues.length) throw problems.validation(issues);
  return contract ? contract.options : body.options;
}

function openTicketInput(
  ticketId: string,
  customerId: string,
  principal: Principal,
  body: OpenTicketRequest,
  options: Record<string, boolean> | undefined,
): OpenTicketInput {
  // Where the vendor sets the priority (Isode Bronze, Xecuritas), a customer's choice is a suggestion until triage.
  const vendorSets = policyById(body.policyId).plans.find((p) => p.id === body.plan)?.prioritySetBy === 'vendor';
  // The opening's fields pass through as the request gave them (workflows/ticket/state.ts lists them once).
  const { customerId: _requested, ...opening } = body;
  return {
    ticketId,
    customerId,
    ...opening,
    options,
    ...(vendorSets && principal.role === 'customer' ? { suggestedSeverity: body.severity } : {}),
    // A customer key opens tickets only under its own agreements (docs/policies.md "Agreements").
    ...(principal.role === 'customer' ? { agreementRequired: true } : {}),
    openedBy: actorOf(principal),
  };
}

/** Starts the ticket's workflow; true when an Idempotency-Key retry found it already started with the same body. */
async function startTicket(
  { client, taskQueue }: RouteDeps,
  input: OpenTicketInput,
  body: OpenTicketRequest,
  fingerprint: string,
  idempotencyKey: string | undefined,
): Promise<boolean> {
  const workflowId = ticketWorkflowId(input.ticketId);
  try {
    await client.workflow.start(TICKET_WORKFLOW, {
      taskQueue,
      workflowId,
      args: [input],
      memo: { requestHash: fingerprint },
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: clip(`${body.policyId}/${body.plan} ${body.severity}: ${body.title}`, 200),
      staticDetails: `Customer ${input.customerId}${body.contractId ? `, contract ${body.contractId}` : ''}; ${body.type} via ${body.channel}${body.product ? `; ${body.product} ${body.productVersion ?? ''}` : ''}`,
    });
    return false;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError) || idempotencyKey === undefined) throw err;
    const described = await client.workflow.getHandle(workflowId).describe();
    if (described.memo?.requestHash !== fingerprint) {
      throw problems.idempotencyMismatch(
        `Idempotency-Key "${idempotencyKey}" already opened ticket ${input.ticketId} with a different request body.`,
      );
    }
    return true;
  }
}

/** How long an opening waits for the worker to open the ticket before answering 202 (the workers are behind). */
export const openingWait = registrationWait;

/**
 * The ticket's state once opened, from the read model (api/routes/opened-tickets.ts), within the
 * opening wait (cut short when the workers are behind); undefined when the workers have not
 * opened it by then (the ticket is durable: it opens when they do).
 */
async function openedState(deps: RouteDeps, live: LiveTickets, principal: Principal, ticketId: string): Promise<unknown> {
  const state = await live.opened.wait(ticketId, openingWait.totalMs);
  if (state) return forPrincipal.ticket(principal, await live.withRemaining(state));
  deps.logger.info({ ticketId }, 'ticket started, not yet opened by a worker: answered 202');
  return undefined;
}

/** POST /v1/tickets: starts the ticket's workflow and answers its state once opened. */
export async function openTicket(deps: RouteDeps, live: LiveTickets, req: Request, res: Response): Promise<void> {
  const principal = req.principal!;
  const body = parse(OpenTicketRequestSchema, req.body, 'request body', catalogIssues);
  const customerId = body.customerId ?? principal.customerId;
  if (!customerId) {
    throw problems.validation([{ pointer: '/customerId', detail: 'required when a staff key opens a ticket' }]);
  }
  assertCustomerScope(principal, customerId);
  const idempotencyKey = idempotencyKeyOf(req);
  const named = principal.role === 'customer' ? await withOwnAgreement(deps, body, customerId) : body;
  const options = await checkedOpening(deps, live, named, customerId);
  const ticketId = ticketIdFor(customerId, idempotencyKey);
  const input = openTicketInput(ticketId, customerId, principal, named, options);
  const replayed = await startTicket(deps, input, named, requestHash({ ...body, customerId }), idempotencyKey);

  const ticket = await openedState(deps, live, principal, ticketId);
  if (ticket === undefined) {
    // Accepted and durable, not opened yet: the client polls the Location (docs: README "API in one page").
    res.status(202).location(`/v1/tickets/${ticketId}`).set('Retry-After', '2').json({ ticketId, status: 'opening' });
    return;
  }
  res
    .status(replayed ? 200 : 201)
    .location(`/v1/tickets/${ticketId}`)
    .set(replayed ? { 'Idempotent-Replayed': 'true' } : {})
    .json(ticket);
}
