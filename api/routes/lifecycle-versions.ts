import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { Request, Response, Router } from 'express';
import { earliestMilestoneDate, lifecycleDates, policyById, PolicyInputError, type Policy } from '../../policies/index';
import { formatDate, localDateOf } from '../../policies/zone';
import { ILLEGAL_TRANSITION } from '../../workflows/contract';
import {
  announceNextMajorUpdate,
  extendSupportUpdate,
  getLifecycleQuery,
  LIFECYCLE_WORKFLOW,
  lifecycleWorkflowId,
  recordMinorReleaseUpdate,
  requestPilotUpdate,
  setEndOfSalesUpdate,
  type LifecycleState,
  type StartLifecycleInput,
} from '../../workflows/lifecycle/contract';
import { actorOf, allow, assertCustomerScope, type Principal } from '../auth';
import { problems } from '../problem';
import { lifecycleEvents, productZone, versionSnapshot } from '../read-models/lifecycle';
import {
  lifecycleCommandSchemas,
  ProductParamsSchema,
  StartLifecycleRequestSchema,
  VersionParamsSchema,
  type LifecycleCommandName,
} from '../schemas';
import { parse } from '../validate';
import { forPrincipal } from '../visibility';
import type { RouteDeps } from './deps';
import { productOf } from './lifecycle-products';
import { queryRegistered } from './registered';

const updates = {
  'end-of-sales': setEndOfSalesUpdate,
  'next-major': announceNextMajorUpdate,
  'support-extension': extendSupportUpdate,
  'minor-releases': recordMinorReleaseUpdate,
  'pilot-requests': requestPilotUpdate,
} as const;

/** A customer sees its own pilot requests, not other customers', and no internal reasons (api/visibility.ts). */
function forCaller(principal: Principal, state: LifecycleState): LifecycleState {
  return forPrincipal.lifecycle(principal, state);
}

/** The live lifecycle (workflow query); past the workflow's retention the read model still has the story. */
async function readVersion({ client, pool }: RouteDeps, product: string, major: string): Promise<LifecycleState> {
  try {
    return await client.workflow.getHandle(lifecycleWorkflowId(product, major)).query(getLifecycleQuery);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  const snapshot = await versionSnapshot(pool, product, major);
  if (!snapshot) throw problems.notFound(`No lifecycle for ${product} ${major}.`);
  return snapshot;
}

/** The start dates as the policy reads them: a bad date is a 400, an End of Sales inside the notice period a 409. */
function checkStartDates(policy: Policy, zone: string, body: { ga: string; eos?: string }): void {
  try {
    lifecycleDates(policy.lifecycle, policy.version, { ga: body.ga, ...(body.eos ? { eos: body.eos } : {}) });
  } catch (err) {
    if (err instanceof PolicyInputError) throw problems.validation([{ pointer: `/${err.field}`, detail: err.message }]);
    throw err;
  }
  if (!body.eos) return;
  // A past End of Sales is history being recorded; one from today to six months ahead would break the notice promise.
  const today = formatDate(localDateOf(zone, Date.now()));
  const earliest = earliestMilestoneDate(today, policy.lifecycle?.noticeMonths ?? 6);
  if (body.eos >= today && body.eos < earliest) {
    throw problems.conflict(
      `End of Sales ${body.eos} is less than six months away: customers are told six months ahead; the earliest allowed date is ${earliest}`,
      {
        earliestAllowed: earliest,
      },
    );
  }
}

async function startVersion(deps: RouteDeps, req: Request, res: Response): Promise<void> {
  const { client, taskQueue, logger } = deps;
  const { product } = parse(ProductParamsSchema, req.params, 'path');
  const p = await productOf(deps, product);
  const body = parse(StartLifecycleRequestSchema, req.body, 'request body');
  checkStartDates(policyById(p.policy_id), p.zone, body);
  const input: StartLifecycleInput = {
    product,
    productName: p.name,
    policyId: p.policy_id,
    major: body.major,
    zone: p.zone,
    ga: body.ga,
    ...(body.eos ? { eos: body.eos } : {}),
    by: actorOf(req.principal!),
  };
  const workflowId = lifecycleWorkflowId(product, body.major);
  const handle = await client.workflow
    .start(LIFECYCLE_WORKFLOW, {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `${p.name} ${body.major} lifecycle`,
      staticDetails: `Policy ${p.policy_id}; GA ${body.ga}${body.eos ? `, End of Sales ${body.eos}` : ''}; dates are days in ${p.zone}.`,
    })
    .catch((err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw problems.conflict(`${p.name} ${body.major} already has a lifecycle.`, { workflowId });
      throw err;
    });
  logger.info({ workflowId, product, major: body.major }, 'lifecycle started');
  const location = `/v1/products/${product}/versions/${body.major}`;
  // Only the registered state (seq > 0: milestones planned, phase set) is an answer; the initial one is not.
  const registration = await queryRegistered(
    client,
    () => handle.query(getLifecycleQuery),
    (s) => s.seq > 0,
  );
  if (registration.registered) {
    res.status(201).location(location).json(registration.state);
    return;
  }
  // Never the half state: started and durable but not registered within the wait (no worker yet?), so 202 with its Location.
  logger.warn({ workflowId, err: (registration.lastError as Error | undefined)?.message }, 'lifecycle started but not yet registered');
  res.status(202).location(location).json({ workflowId, product, major: body.major, registered: false });
}

async function versionEvents(deps: RouteDeps, req: Request, res: Response): Promise<void> {
  const { product, major } = parse(VersionParamsSchema, req.params, 'path');
  const items = await lifecycleEvents(deps.pool, lifecycleWorkflowId(product, major));
  if (items.length === 0) await readVersion(deps, product, major); // 404 for an unknown version
  res.json({ items: forPrincipal.lifecycleEvents(req.principal!, items) });
}

/** One of the version's Updates; the validator's refusal is a 409 with its details (earliestAllowed). */
async function versionCommand(deps: RouteDeps, name: LifecycleCommandName, req: Request, res: Response): Promise<void> {
  const { product, major } = parse(VersionParamsSchema, req.params, 'path');
  const body = parse(lifecycleCommandSchemas[name], req.body ?? {}, 'request body') as Record<string, unknown>;
  if (name === 'pilot-requests') assertCustomerScope(req.principal!, body.customerId as string);
  if (name === 'minor-releases' && body.releasedOn === undefined) {
    // Today in the product's zone: the workflow takes the date as given (no time-zone data in workflow code).
    body.releasedOn = formatDate(localDateOf((await productZone(deps.pool, product)) ?? 'UTC', Date.now()));
  }
  const workflowId = lifecycleWorkflowId(product, major);
  try {
    const state = await deps.client.workflow
      .getHandle(workflowId)
      .executeUpdate(updates[name].name, { args: [{ ...body, by: actorOf(req.principal!) }] });
    res.json(forCaller(req.principal!, state as LifecycleState));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      await readVersion(deps, product, major); // 404 when there is no such lifecycle
      throw problems.conflict(`${product} ${major} has reached End of Life; its lifecycle takes no more changes.`, { workflowId });
    }
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === ILLEGAL_TRANSITION) {
      const details = (err.cause.details?.[0] ?? {}) as Record<string, unknown>;
      throw problems.conflict(err.cause.message ?? 'refused', { workflowId, ...details });
    }
    throw err;
  }
}

/** Major versions: start a lifecycle, read it and its events, move its milestones and record minors (Updates). */
export function mountVersionRoutes(router: Router, deps: RouteDeps): void {
  router.post('/products/:product/versions', allow('manager'), (req, res) => startVersion(deps, req, res));
  router.get('/products/:product/versions/:major', allow('customer', 'engineer'), async (req, res) => {
    const { product, major } = parse(VersionParamsSchema, req.params, 'path');
    res.json(forCaller(req.principal!, await readVersion(deps, product, major)));
  });
  router.get('/products/:product/versions/:major/events', allow('engineer'), (req, res) => versionEvents(deps, req, res));
  for (const name of Object.keys(lifecycleCommandSchemas) as LifecycleCommandName[]) {
    // A customer may ask for a pilot of a coming version for itself (Infotecs 000 §2); the rest is the vendor's.
    const roles = name === 'pilot-requests' ? (['customer', 'manager'] as const) : (['manager'] as const);
    router.post(`/products/:product/versions/:major/${name}`, allow(...roles), (req, res) => versionCommand(deps, name, req, res));
  }
}
