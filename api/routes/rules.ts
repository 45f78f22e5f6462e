import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Pool } from 'pg';
import type { Logger } from '../../common/logger';
import { applyOverride, policyById, PolicyError, PolicyInputError, validateTicketInputs, type PolicyOverride } from '../../policies/index';
import { RULES_CHANGED_WORKFLOW, type RulesChanged } from '../../workflows/definitions';
import { allow } from '../auth';
import { problems } from '../problem';
import { ContractRequestSchema, NotificationRoutesSchema, PolicyOverrideRequestSchema } from '../schemas';
import { parse } from '../validate';

export interface RuleRouteDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  logger: Logger;
}

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

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

/**
 * Rules that change under running tickets: a policy's local override, a customer's contract, and
 * where notifications go. A change starts a fan-out workflow that tells every open ticket governed
 * by it to recompute its deadlines (recorded on each ticket with the old and new instants).
 */
export function ruleRoutes({ client, pool, taskQueue, logger }: RuleRouteDeps): Router {
  const router = Router();

  const fanOut = async (scope: { policyId?: string; contractId?: string }, change: RulesChanged) => {
    const workflowId = `rules-changed-${scope.contractId ? `contract-${scope.contractId}` : `policy-${scope.policyId}`}-v${change.version}`;
    await client.workflow
      .start(RULES_CHANGED_WORKFLOW, { taskQueue, workflowId, args: [{ ...scope, change }], workflowIdReusePolicy: 'REJECT_DUPLICATE' })
      .catch((err: Error) => {
        if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
      });
    logger.info({ ...scope, version: change.version, workflowId }, 'rules changed; open tickets told');
    return workflowId;
  };

  router.get('/policies/:policyId/override', allow('engineer'), async (req, res) => {
    let policy;
    try {
      policy = policyById(req.params.policyId as string);
    } catch {
      throw problems.notFound(`Unknown policy ${String(req.params.policyId)}.`);
    }
    const { rows } = await pool.query('SELECT override, version, updated_at, updated_by FROM policy_overrides WHERE policy_id = $1', [
      policy.id,
    ]);
    if (!rows[0]) throw problems.notFound(`Policy ${policy.id} has no override.`);
    res.json({
      policyId: policy.id,
      override: rows[0].override,
      version: rows[0].version,
      updatedAt: rows[0].updated_at,
      updatedBy: rows[0].updated_by,
    });
  });

  router.put('/policies/:policyId/override', allow('manager'), async (req, res) => {
    let policy;
    try {
      policy = policyById(req.params.policyId as string);
    } catch {
      throw problems.notFound(`Unknown policy ${String(req.params.policyId)}.`);
    }
    const body = parse(PolicyOverrideRequestSchema, req.body, 'request body');
    try {
      applyOverride(policy, body.override as PolicyOverride);
    } catch (err) {
      invalidOverride(err);
    }
    const { rows } = await pool.query<{ version: number }>(
      `INSERT INTO policy_overrides (policy_id, override, version, updated_by) VALUES ($1, $2, 1, $3)
       ON CONFLICT (policy_id) DO UPDATE SET override = EXCLUDED.override, version = policy_overrides.version + 1,
         updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING version`,
      [policy.id, JSON.stringify(body.override), req.principal!.keyId],
    );
    const version = rows[0].version;
    const fanout = await fanOut({ policyId: policy.id }, { scope: `policy ${policy.id}`, version, reason: body.reason });
    res.json({ policyId: policy.id, version, rulesVersion: `${policy.id}@${policy.version}+policy#${version}`, fanoutWorkflowId: fanout });
  });

  router.put('/contracts/:contractId', allow('manager'), async (req, res) => {
    const contractId = String(req.params.contractId);
    if (!idPattern.test(contractId))
      throw problems.validation([{ pointer: 'path:contractId', detail: 'expected 1–100 letters, digits, ".", "_" or "-"' }], 'path');
    const body = parse(ContractRequestSchema, req.body, 'request body');
    let policy;
    try {
      policy = policyById(body.policyId);
    } catch (err) {
      invalidOverride(err);
    }
    try {
      const merged = applyOverride(policy, body.override as PolicyOverride);
      const severity = merged.severities[0].id;
      validateTicketInputs(merged, { plan: body.plan, severity, options: body.options, product: merged.products[0] });
    } catch (err) {
      invalidOverride(err);
    }
    if (body.endsAt && Date.parse(body.endsAt) <= Date.parse(body.startsAt)) {
      throw problems.validation([{ pointer: '/endsAt', detail: 'a contract ends after it starts' }]);
    }
    const { rows } = await pool.query<{ version: number }>(
      `INSERT INTO contracts (contract_id, customer_id, policy_id, plan, starts_at, ends_at, options, override, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)
       ON CONFLICT (contract_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, policy_id = EXCLUDED.policy_id,
         plan = EXCLUDED.plan, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, options = EXCLUDED.options,
         override = EXCLUDED.override, version = contracts.version + 1, updated_at = now()
       RETURNING version`,
      [
        contractId,
        body.customerId,
        body.policyId,
        body.plan,
        body.startsAt,
        body.endsAt ?? null,
        JSON.stringify(body.options),
        JSON.stringify(body.override),
      ],
    );
    const version = rows[0].version;
    const fanout = version > 1 ? await fanOut({ contractId }, { scope: `contract ${contractId}`, version, reason: body.reason }) : null;
    res.status(version === 1 ? 201 : 200).json({ contractId, ...body, version, fanoutWorkflowId: fanout });
  });

  router.get('/contracts/:contractId', allow('engineer'), async (req, res) => {
    const { rows } = await pool.query(
      'SELECT contract_id, customer_id, policy_id, plan, starts_at, ends_at, options, override, version FROM contracts WHERE contract_id = $1',
      [String(req.params.contractId)],
    );
    const c = rows[0];
    if (!c) throw problems.notFound(`No contract ${String(req.params.contractId)}.`);
    res.json({
      contractId: c.contract_id,
      customerId: c.customer_id,
      policyId: c.policy_id,
      plan: c.plan,
      startsAt: c.starts_at.toISOString(),
      endsAt: c.ends_at?.toISOString() ?? null,
      options: c.options,
      override: c.override,
      version: c.version,
    });
  });

  router.get('/notification-routes', allow('manager'), async (_req, res) => {
    const { rows } = await pool.query(
      'SELECT policy_id, role, channel, address, secret IS NOT NULL AS signed FROM notification_routes ORDER BY policy_id, role, channel, address',
    );
    res.json({
      routes: rows.map((r) => ({ policyId: r.policy_id, role: r.role, channel: r.channel, address: r.address, signed: r.signed })),
    });
  });

  router.put('/notification-routes', allow('admin'), async (req, res) => {
    const body = parse(NotificationRoutesSchema, req.body, 'request body');
    body.routes.forEach((r, i) => {
      if (r.channel === 'email' ? !/^[^@\s]+@[^@\s]+$/.test(r.address) : !/^https?:\/\//.test(r.address)) {
        throw problems.validation([
          { pointer: `/routes/${i}/address`, detail: r.channel === 'email' ? 'expected an email address' : 'expected an http(s) URL' },
        ]);
      }
    });
    const db = await pool.connect();
    try {
      await db.query('BEGIN');
      await db.query('DELETE FROM notification_routes');
      for (const r of body.routes) {
        await db.query(
          'INSERT INTO notification_routes (policy_id, role, channel, address, secret) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
          [r.policyId, r.role, r.channel, r.address, r.secret ?? null],
        );
      }
      await db.query('COMMIT');
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      db.release();
    }
    res.json({ routes: body.routes.map(({ secret, ...r }) => ({ ...r, signed: Boolean(secret) })) });
  });

  return router;
}
