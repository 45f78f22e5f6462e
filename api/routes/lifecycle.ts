import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { Router } from 'express';
import type { Pool } from 'pg';
import type { Logger } from '../../common/logger';
import { earliestMilestoneDate, lifecycleDates, policyById, PolicyInputError } from '../../policies/index';
import { formatDate, isValidZone, localDateOf } from '../../policies/zone';
import {
  announceNextMajorUpdate,
  extendSupportUpdate,
  getLifecycleQuery,
  ILLEGAL_TRANSITION,
  LIFECYCLE_WORKFLOW,
  lifecycleWorkflowId,
  recordMinorReleaseUpdate,
  requestPilotUpdate,
  setEndOfSalesUpdate,
  type LifecycleState,
  type StartLifecycleInput,
} from '../../workflows/definitions';
import { actorOf, allow, assertCustomerScope, type Principal } from '../auth';
import { problems } from '../problem';
import {
  LicenceRequestSchema,
  lifecycleCommandSchemas,
  ProductParamsSchema,
  ProductRequestSchema,
  StartLifecycleRequestSchema,
  VersionParamsSchema,
  type LifecycleCommandName,
} from '../schemas';
import { parse } from '../validate';

export interface LifecycleRouteDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  logger: Logger;
}

interface ProductRow {
  product: string;
  name: string;
  policy_id: string;
  zone: string;
  link: string | null;
}

const updates = {
  'end-of-sales': setEndOfSalesUpdate,
  'next-major': announceNextMajorUpdate,
  'support-extension': extendSupportUpdate,
  'minor-releases': recordMinorReleaseUpdate,
  'pilot-requests': requestPilotUpdate,
} as const;

/** A customer sees its own pilot requests, not other customers'. */
function forCaller(principal: Principal, state: LifecycleState): LifecycleState {
  if (principal.role !== 'customer') return state;
  return { ...state, pilots: state.pilots.filter((p) => p.customerId === principal.customerId) };
}

/**
 * Products and their major versions' lifecycles: managers register a product and start a version's
 * lifecycle workflow, then move its milestones and record minor releases through Updates whose
 * validators keep the six-month notice promise (a refusal is a 409 naming the earliest allowed date).
 */
export function lifecycleRoutes({ client, pool, taskQueue, logger }: LifecycleRouteDeps): Router {
  const router = Router();

  const productOf = async (product: string): Promise<ProductRow> => {
    const { rows } = await pool.query<ProductRow>('SELECT product, name, policy_id, zone, link FROM products WHERE product = $1', [
      product,
    ]);
    if (!rows[0]) throw problems.notFound(`No product ${product}.`);
    return rows[0];
  };

  router.put('/products/:product', allow('manager'), async (req, res) => {
    const { product } = parse(ProductParamsSchema, req.params, 'path');
    const body = parse(ProductRequestSchema, req.body, 'request body', (b) => {
      const issues: Array<{ pointer: string; detail: string }> = [];
      const v = b as { policyId?: unknown; zone?: unknown };
      if (typeof v.policyId === 'string') {
        try {
          policyById(v.policyId);
        } catch (err) {
          issues.push({ pointer: '/policyId', detail: (err as Error).message });
        }
      }
      if (typeof v.zone === 'string' && !isValidZone(v.zone)) issues.push({ pointer: '/zone', detail: `unknown time zone "${v.zone}"` });
      return issues;
    });
    const { rows: versions } = await pool.query<{ policy_id: string; zone: string | null }>(
      "SELECT DISTINCT policy_id, snapshot->>'zone' AS zone FROM product_versions WHERE product = $1",
      [product],
    );
    // Running lifecycles keep the policy and zone they started with: the published dates must not shift under them.
    if (versions.some((v) => v.policy_id !== body.policyId)) {
      throw problems.conflict(`${product} has versions under policy ${versions[0].policy_id}; its policy cannot change.`);
    }
    if (versions.some((v) => v.zone !== null && v.zone !== body.zone)) {
      throw problems.conflict(
        `${product} has versions whose dates are days in ${versions.find((v) => v.zone !== body.zone)!.zone}; its zone cannot change.`,
      );
    }
    const { rows: sameName } = await pool.query<{ product: string }>(
      'SELECT product FROM products WHERE policy_id = $1 AND lower(name) = lower($2) AND product <> $3',
      [body.policyId, body.name, product],
    );
    if (sameName[0])
      throw problems.conflict(`Product ${sameName[0].product} is already called "${body.name}" under ${body.policyId}.`, {
        product: sameName[0].product,
      });
    const { rows } = await pool.query<ProductRow & { created: boolean }>(
      `INSERT INTO products (product, name, policy_id, zone, link) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (product) DO UPDATE SET name = EXCLUDED.name, policy_id = EXCLUDED.policy_id, zone = EXCLUDED.zone,
         link = EXCLUDED.link, updated_at = now()
       RETURNING product, name, policy_id, zone, link, (xmax = 0) AS created`,
      [product, body.name, body.policyId, body.zone, body.link ?? null],
    );
    const r = rows[0];
    res.status(r.created ? 201 : 200).json({ product: r.product, name: r.name, policyId: r.policy_id, zone: r.zone, link: r.link });
  });

  router.get('/products', allow('customer', 'engineer'), async (_req, res) => {
    const { rows } = await pool.query<ProductRow & { versions: Array<{ version: string; phase: string }> | null }>(
      `SELECT p.product, p.name, p.policy_id, p.zone, p.link,
              json_agg(json_build_object('version', v.version, 'phase', v.phase) ORDER BY v.ga DESC) FILTER (WHERE v.version IS NOT NULL) AS versions
         FROM products p LEFT JOIN product_versions v ON v.product = p.product
        GROUP BY p.product ORDER BY p.product`,
    );
    res.json({
      items: rows.map((r) => ({
        product: r.product,
        name: r.name,
        policyId: r.policy_id,
        zone: r.zone,
        link: r.link,
        versions: r.versions ?? [],
      })),
    });
  });

  router.post('/products/:product/versions', allow('manager'), async (req, res) => {
    const { product } = parse(ProductParamsSchema, req.params, 'path');
    const p = await productOf(product);
    const body = parse(StartLifecycleRequestSchema, req.body, 'request body');
    const policy = policyById(p.policy_id);
    try {
      lifecycleDates(policy.lifecycle, policy.version, { ga: body.ga, ...(body.eos ? { eos: body.eos } : {}) });
    } catch (err) {
      if (err instanceof PolicyInputError) throw problems.validation([{ pointer: `/${err.field}`, detail: err.message }]);
      throw err;
    }
    if (body.eos) {
      // A past End of Sales is history being recorded; one from today to six months ahead would break the notice promise.
      const today = formatDate(localDateOf(p.zone, Date.now()));
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
    try {
      const handle = await client.workflow.start(LIFECYCLE_WORKFLOW, {
        taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `${p.name} ${body.major} lifecycle`,
        staticDetails: `Policy ${p.policy_id}; GA ${body.ga}${body.eos ? `, End of Sales ${body.eos}` : ''}; dates are days in ${p.zone}.`,
      });
      logger.info({ workflowId, product, major: body.major }, 'lifecycle started');
      res
        .status(201)
        .location(`/v1/products/${product}/versions/${body.major}`)
        .json(await handle.query(getLifecycleQuery));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw problems.conflict(`${p.name} ${body.major} already has a lifecycle.`, { workflowId });
      throw err;
    }
  });

  const readVersion = async (product: string, major: string): Promise<LifecycleState> => {
    try {
      return await client.workflow.getHandle(lifecycleWorkflowId(product, major)).query(getLifecycleQuery);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    // Past the workflow's retention the read model still has the story.
    const { rows } = await pool.query<{ snapshot: LifecycleState }>(
      'SELECT snapshot FROM product_versions WHERE product = $1 AND version = $2 AND snapshot IS NOT NULL',
      [product, major],
    );
    if (!rows[0]) throw problems.notFound(`No lifecycle for ${product} ${major}.`);
    return rows[0].snapshot;
  };

  router.get('/products/:product/versions/:major', allow('customer', 'engineer'), async (req, res) => {
    const { product, major } = parse(VersionParamsSchema, req.params, 'path');
    res.json(forCaller(req.principal!, await readVersion(product, major)));
  });

  router.get('/products/:product/versions/:major/events', allow('engineer'), async (req, res) => {
    const { product, major } = parse(VersionParamsSchema, req.params, 'path');
    const { rows } = await pool.query(
      `SELECT seq, type, occurred_at AS "occurredAt", json_build_object('kind', actor_kind, 'id', actor_id) AS actor, data
         FROM lifecycle_events WHERE workflow_id = $1 ORDER BY seq`,
      [lifecycleWorkflowId(product, major)],
    );
    if (rows.length === 0) await readVersion(product, major); // 404 for an unknown version
    res.json({ items: rows });
  });

  for (const name of Object.keys(lifecycleCommandSchemas) as LifecycleCommandName[]) {
    // A customer may ask for a pilot of a coming version for itself (Infotecs 000 §2); the rest is the vendor's.
    const roles = name === 'pilot-requests' ? (['customer', 'manager'] as const) : (['manager'] as const);
    router.post(`/products/:product/versions/:major/${name}`, allow(...roles), async (req, res) => {
      const { product, major } = parse(VersionParamsSchema, req.params, 'path');
      const body = parse(lifecycleCommandSchemas[name], req.body ?? {}, 'request body') as Record<string, unknown>;
      if (name === 'pilot-requests') assertCustomerScope(req.principal!, body.customerId as string);
      if (name === 'minor-releases' && body.releasedOn === undefined) {
        // Today in the product's zone: the workflow takes the date as given (no time-zone data in workflow code).
        const { rows } = await pool.query<{ zone: string }>('SELECT zone FROM products WHERE product = $1', [product]);
        body.releasedOn = formatDate(localDateOf(rows[0]?.zone ?? 'UTC', Date.now()));
      }
      const workflowId = lifecycleWorkflowId(product, major);
      try {
        const state = await client.workflow
          .getHandle(workflowId)
          .executeUpdate(updates[name].name, { args: [{ ...body, by: actorOf(req.principal!) }] });
        res.json(forCaller(req.principal!, state as LifecycleState));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          await readVersion(product, major); // 404 when there is no such lifecycle
          throw problems.conflict(`${product} ${major} has reached End of Life; its lifecycle takes no more changes.`, { workflowId });
        }
        if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === ILLEGAL_TRANSITION) {
          const details = (err.cause.details?.[0] ?? {}) as Record<string, unknown>;
          throw problems.conflict(err.cause.message ?? 'refused', { workflowId, ...details });
        }
        throw err;
      }
    });
  }

  router.put('/licences/:licenceId', allow('manager'), async (req, res) => {
    const licenceId = String(req.params.licenceId);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(licenceId))
      throw problems.validation([{ pointer: '/licenceId', detail: 'letters, digits, ".", "_" or "-"' }], 'path');
    const body = parse(LicenceRequestSchema, req.body, 'request body');
    await productOf(body.product);
    const { rows } = await pool.query<{ created: boolean }>(
      `INSERT INTO licences (licence_id, customer_id, contract_id, product, version, minor, contact_email) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (licence_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, contract_id = EXCLUDED.contract_id, product = EXCLUDED.product,
         version = EXCLUDED.version, minor = EXCLUDED.minor, contact_email = EXCLUDED.contact_email, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [licenceId, body.customerId, body.contractId ?? null, body.product, body.version, body.minor ?? null, body.contactEmail ?? null],
    );
    res.status(rows[0].created ? 201 : 200).json({ licenceId, ...body });
  });

  router.get('/licences', allow('engineer'), async (req, res) => {
    const product = typeof req.query.product === 'string' ? req.query.product : null;
    const version = typeof req.query.version === 'string' ? req.query.version : null;
    const { rows } = await pool.query(
      `SELECT licence_id AS "licenceId", customer_id AS "customerId", contract_id AS "contractId", product, version, minor, contact_email AS "contactEmail"
         FROM licences WHERE ($1::text IS NULL OR product = $1) AND ($2::text IS NULL OR version = $2) ORDER BY licence_id LIMIT 1000`,
      [product, version],
    );
    res.json({ items: rows });
  });

  return router;
}
