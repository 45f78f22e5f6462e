import { Router, type Request, type Response } from 'express';
import { applyOverride, policyById, PolicyError, PolicyInputError, type PolicyOverride } from '../../policies/index';
import { RULES_CHANGED_WORKFLOW, type RulesChanged } from '../../workflows/ticket/contract';
import { allow } from '../auth';
import { problems } from '../problem';
import { notificationRoutes, policyOverride, replaceNotificationRoutes, savePolicyOverride } from '../read-models/rules';
import { NotificationRoutesSchema, PolicyOverrideRequestSchema } from '../schemas';
import { parse } from '../validate';
import { mountContractRoutes } from './contracts';
import type { RouteDeps } from './deps';

/** A policy error as the API reports it: each bad field of the merged policy, under /override. */
function invalidOverride(err: unknown): never {
  if (err instanceof PolicyError) {
    throw problems.validation(
      err.issues.map((i) => ({ pointer: `/override/${i.path.replace(/[.[\]]+/g, '/').replace(/\/$/, '')}`, detail: i.message })),
    );
  }
  if (err instanceof PolicyInputError) throw problems.validation([{ pointer: `/${err.field}`, detail: err.message }]);
  throw err;
}

/** The catalog policy a path names; an unknown one is a 404. */
function pathPolicy(req: Request) {
  try {
    return policyById(req.params.policyId as string);
  } catch {
    throw problems.notFound(`Unknown policy ${String(req.params.policyId)}.`);
  }
}

/** `what` names the kind of change in the fan-out's id (an override `v3`, a policy document `document-3`). */
export type FanOut = (scope: { policyId?: string; contractId?: string }, change: RulesChanged, what?: string) => Promise<string>;

/** Starts the fan-out workflow that tells every open ticket under a scope to recompute; one per (scope, change). */
export function fanOutWith({ client, taskQueue, logger }: RouteDeps): FanOut {
  return async (scope, change, what = `v${change.version}`) => {
    const workflowId = `rules-changed-${scope.contractId ? `contract-${scope.contractId}` : `policy-${scope.policyId}`}-${what}`;
    await client.workflow
      .start(RULES_CHANGED_WORKFLOW, { taskQueue, workflowId, args: [{ ...scope, change }], workflowIdReusePolicy: 'REJECT_DUPLICATE' })
      .catch((err: Error) => {
        if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
      });
    logger.info({ ...scope, version: change.version, workflowId }, 'rules changed; open tickets told');
    return workflowId;
  };
}

async function getPolicyOverride({ pool }: RouteDeps, req: Request, res: Response): Promise<void> {
  const policy = pathPolicy(req);
  const row = await policyOverride(pool, policy.id);
  if (!row) throw problems.notFound(`Policy ${policy.id} has no override.`);
  res.json({ policyId: policy.id, override: row.override, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by });
}

async function putPolicyOverride({ pool }: RouteDeps, fanOut: FanOut, req: Request, res: Response): Promise<void> {
  const policy = pathPolicy(req);
  const body = parse(PolicyOverrideRequestSchema, req.body, 'request body');
  try {
    applyOverride(policy, body.override as PolicyOverride);
  } catch (err) {
    invalidOverride(err);
  }
  const version = await savePolicyOverride(pool, policy.id, body.override, req.principal!.keyId);
  const fanout = await fanOut({ policyId: policy.id }, { scope: `policy ${policy.id}`, version, reason: body.reason });
  res.json({ policyId: policy.id, version, rulesVersion: `${policy.id}@${policy.version}+policy#${version}`, fanoutWorkflowId: fanout });
}

async function putNotificationRoutes({ pool }: RouteDeps, req: Request, res: Response): Promise<void> {
  const body = parse(NotificationRoutesSchema, req.body, 'request body');
  body.routes.forEach((r, i) => {
    if (r.channel === 'email' ? !/^[^@\s]+@[^@\s]+$/.test(r.address) : !/^https?:\/\//.test(r.address)) {
      throw problems.validation([
        { pointer: `/routes/${i}/address`, detail: r.channel === 'email' ? 'expected an email address' : 'expected an http(s) URL' },
      ]);
    }
  });
  await replaceNotificationRoutes(pool, body.routes);
  res.json({ routes: body.routes.map(({ secret, ...r }) => ({ ...r, signed: Boolean(secret) })) });
}

/**
 * Rules that change under running tickets: a policy's local override, a customer's contract, and
 * where notifications go. A change starts a fan-out workflow that tells every open ticket governed
 * by it to recompute its deadlines (recorded on each ticket with the old and new instants).
 */
export function ruleRoutes(deps: RouteDeps): Router {
  const router = Router();
  const fanOut = fanOutWith(deps);
  router.get('/policies/:policyId/override', allow('engineer'), (req, res) => getPolicyOverride(deps, req, res));
  router.put('/policies/:policyId/override', allow('manager'), (req, res) => putPolicyOverride(deps, fanOut, req, res));
  mountContractRoutes(router, deps, fanOut);
  router.get('/notification-routes', allow('manager'), async (_req, res) => {
    res.json({ routes: await notificationRoutes(deps.pool) });
  });
  router.put('/notification-routes', allow('admin'), (req, res) => putNotificationRoutes(deps, req, res));
  return router;
}
