/**
 * Policies as data: a manager writes a whole policy (JSON or YAML), it is validated and stored as a
 * new version; old versions stay readable; the open tickets under it recompute through the fan-out.
 * A built-in is version 1 of its id, read-only, superseded by a stored version 2. A policy in use is
 * retired, never deleted (docs/policies.md "Stored policies").
 */
import { Router, type Request, type Response } from 'express';
import type { Pool } from 'pg';
import { parse as parseYaml } from 'yaml';
import { jsonPointer, segmentsOf } from '../../policies/document';
import { applyOverride, catalog, loadPolicy, PolicyError, type Policy, type PolicyOverride } from '../../policies/index';
import { allow } from '../auth';
import type { PolicyStore } from '../policy-store';
import { problems } from '../problem';
import {
  deletePolicy,
  policyUsers,
  policyVersions,
  PolicyRetiredError,
  retirePolicy,
  savePolicyVersion,
} from '../read-models/policy-versions';
import { AnyPolicyIdParamSchema, PolicyDocumentRequestSchema, PolicyVersionParamsSchema, RetirePolicyRequestSchema } from '../schemas';
import { parse } from '../validate';
import type { RouteDeps } from './deps';
import type { FanOut } from './rules';

/** Ids a route of its own uses: never a policy's. */
const RESERVED = new Set(['preview']);
const builtIn = (id: string): Policy | undefined => (Object.hasOwn(catalog, id) ? catalog[id as keyof typeof catalog] : undefined);

/** The document of the request: JSON as given, or YAML parsed (a syntax error is a 400 at /yaml with its line). */
export function documentOf(body: { document?: Record<string, unknown>; yaml?: string }): { raw: Record<string, unknown>; at: string } {
  if (body.document) return { raw: body.document, at: '/document' };
  try {
    const raw = parseYaml(body.yaml!) as unknown;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('the YAML is not a mapping of policy fields');
    return { raw: raw as Record<string, unknown>, at: '/yaml' };
  } catch (err) {
    throw problems.validation([{ pointer: '/yaml', detail: (err as Error).message }]);
  }
}

/** The policy the document describes, validated whole; every bad field a pointer into the request. */
export function validated(policyId: string, body: { document?: Record<string, unknown>; yaml?: string }): (version: number) => Policy {
  const { raw, at } = documentOf(body);
  const { $schema: _schema, ...fields } = raw;
  if (fields.id !== undefined && fields.id !== policyId) {
    throw problems.validation([
      { pointer: `${at}/id`, detail: `the document is policy "${String(fields.id)}"; the path names "${policyId}"` },
    ]);
  }
  const load = (version: number) => loadPolicy({ ...fields, id: policyId, version });
  try {
    load(1);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    throw problems.validation(err.issues.map((i) => ({ pointer: `${at}${jsonPointer(segmentsOf(i.path, fields))}`, detail: i.message })));
  }
  return load;
}

/**
 * The overrides that run on top of the policy (its local override, the agreed terms of each agreement
 * under it) must still apply to the new version; each that no longer does is named.
 */
export async function overrideProblems(pool: Pool, draft: Policy): Promise<Array<{ override: string; detail: string }>> {
  const [local, agreements] = await Promise.all([
    pool.query<{ override: PolicyOverride; version: number }>('SELECT override, version FROM policy_overrides WHERE policy_id = $1', [
      draft.id,
    ]),
    pool.query<{ contract_id: string; override: PolicyOverride }>(
      "SELECT contract_id, override FROM contracts WHERE policy_id = $1 AND override <> '{}'::jsonb AND status IS DISTINCT FROM 'ended'",
      [draft.id],
    ),
  ]);
  const problems: Array<{ override: string; detail: string }> = [];
  const check = (name: string, base: Policy, override: PolicyOverride): Policy | undefined => {
    try {
      return applyOverride(base, override);
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      problems.push({ override: name, detail: err.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
      return undefined;
    }
  };
  const localRow = local.rows[0];
  const merged = localRow ? check(`policy override #${localRow.version}`, draft, localRow.override) : draft;
  for (const c of agreements.rows) if (merged) check(`agreement ${c.contract_id}`, merged, c.override);
  return problems;
}

async function putPolicy(deps: RouteDeps, store: PolicyStore, fanOut: FanOut, req: Request, res: Response): Promise<void> {
  const { policyId } = parse(AnyPolicyIdParamSchema, req.params, 'path');
  if (RESERVED.has(policyId)) throw problems.validation([{ pointer: '/policyId', detail: `"${policyId}" is reserved` }], 'path');
  const body = parse(PolicyDocumentRequestSchema, req.body, 'request body');
  const load = validated(policyId, body);
  const conflicts = await overrideProblems(deps.pool, load(1));
  if (conflicts.length) {
    throw problems.conflict(
      `The new version breaks overrides that run on it: ${conflicts.map((c) => `${c.override} (${c.detail})`).join('; ')}`,
      {
        overrides: conflicts,
      },
    );
  }
  const base = builtIn(policyId)?.version ?? 0;
  const existed = base > 0 || (await policyVersions(deps.pool, policyId)).length > 0;
  let version: number;
  try {
    version = await savePolicyVersion(deps.pool, policyId, base, load, body.reason, req.principal!.keyId);
  } catch (err) {
    if (err instanceof PolicyRetiredError) throw problems.conflict(err.message);
    throw err;
  }
  await store.refresh();
  const fanout = existed
    ? await fanOut({ policyId }, { scope: `policy ${policyId}`, version, reason: body.reason }, `document-${version}`)
    : null;
  res
    .status(existed ? 200 : 201)
    .location(`/v1/policies/${policyId}/versions/${version}`)
    .json({ policyId, version, rulesVersion: `${policyId}@${version}`, fanoutWorkflowId: fanout });
}

/** Every version of a policy: the built-in (1) if there is one, then the stored ones. */
async function versionsOf(deps: RouteDeps, policyId: string) {
  const stored = await policyVersions(deps.pool, policyId);
  const first = builtIn(policyId);
  const list = [
    ...(first
      ? [
          {
            policyId,
            version: first.version,
            builtIn: true,
            reason: `built-in (${first.source})`,
            createdAt: null,
            createdBy: null,
            document: first as unknown,
          },
        ]
      : []),
    ...stored.map((v) => ({
      policyId,
      version: v.version,
      builtIn: false,
      reason: v.reason,
      createdAt: v.created_at.toISOString(),
      createdBy: v.created_by,
      document: v.document,
    })),
  ];
  if (list.length === 0) throw problems.notFound(`Unknown policy ${policyId}.`);
  return list;
}

async function removePolicy(deps: RouteDeps, store: PolicyStore, req: Request, res: Response): Promise<void> {
  const { policyId } = parse(AnyPolicyIdParamSchema, req.params, 'path');
  if (builtIn(policyId)) throw problems.conflict(`Policy ${policyId} is built in; it can be superseded or retired, not deleted.`);
  await versionsOf(deps, policyId); // 404 for an unknown one
  const users = await policyUsers(deps.pool, policyId);
  if (users.length) throw problems.conflict(`Policy ${policyId} is in use by ${users.join(', ')}: retire it instead (POST …/retire).`);
  await deletePolicy(deps.pool, policyId, req.principal!.keyId);
  await store.refresh();
  res.status(204).end();
}

export function policyVersionRoutes(deps: RouteDeps, store: PolicyStore, fanOut: FanOut): Router {
  const router = Router();
  router.put('/policies/:policyId', allow('manager'), (req, res) => putPolicy(deps, store, fanOut, req, res));
  router.delete('/policies/:policyId', allow('manager'), (req, res) => removePolicy(deps, store, req, res));
  router.get('/policies/:policyId/versions', allow('engineer'), async (req, res) => {
    const { policyId } = parse(AnyPolicyIdParamSchema, req.params, 'path');
    res.json({ items: (await versionsOf(deps, policyId)).map(({ document: _d, ...v }) => v) });
  });
  router.get('/policies/:policyId/versions/:version', allow('engineer'), async (req, res) => {
    const { policyId, version } = parse(PolicyVersionParamsSchema, req.params, 'path');
    const found = (await versionsOf(deps, policyId)).find((v) => v.version === version);
    if (!found) throw problems.notFound(`Policy ${policyId} has no version ${version}.`);
    res.json(found);
  });
  router.post('/policies/:policyId/retire', allow('manager'), async (req, res) => {
    const { policyId } = parse(AnyPolicyIdParamSchema, req.params, 'path');
    const body = parse(RetirePolicyRequestSchema, req.body, 'request body');
    await versionsOf(deps, policyId);
    await retirePolicy(deps.pool, policyId, body.reason, req.principal!.keyId);
    await store.refresh();
    res.json({ policyId, retired: true });
  });
  return router;
}
