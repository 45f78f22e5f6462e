import type { Request, Response, Router } from 'express';
import { policyById } from '../../policies/index';
import { isValidZone } from '../../policies/zone';
import { allow } from '../auth';
import { problems } from '../problem';
import {
  listLicences,
  listProducts,
  productById,
  productCalled,
  productJson,
  saveLicence,
  saveProduct,
  versionPoliciesAndZones,
  type ProductRow,
} from '../read-models/lifecycle';
import { LicenceIdParamSchema, LicenceRequestSchema, ProductParamsSchema, ProductRequestSchema } from '../schemas';
import { parse } from '../validate';
import type { RouteDeps } from './deps';

/** A registered product, or 404. */
export async function productOf({ pool }: RouteDeps, product: string): Promise<ProductRow> {
  const row = await productById(pool, product);
  if (!row) throw problems.notFound(`No product ${product}.`);
  return row;
}

/** Whether a product link is a web page: http(s) with a host (never javascript:, data:, file:, …). */
export function isWebLink(link: string): boolean {
  try {
    const url = new URL(link);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The product body's policy, zone and link, checked against the catalog, the zone database and the web schemes. */
function productIssues(b: unknown): Array<{ pointer: string; detail: string }> {
  const issues: Array<{ pointer: string; detail: string }> = [];
  const v = (b ?? {}) as { policyId?: unknown; zone?: unknown; link?: unknown };
  if (typeof v.policyId === 'string') {
    try {
      policyById(v.policyId);
    } catch (err) {
      issues.push({ pointer: '/policyId', detail: (err as Error).message });
    }
  }
  if (typeof v.zone === 'string' && !isValidZone(v.zone)) issues.push({ pointer: '/zone', detail: `unknown time zone "${v.zone}"` });
  if (typeof v.link === 'string' && !isWebLink(v.link)) issues.push({ pointer: '/link', detail: 'expected an http:// or https:// URL' });
  return issues;
}

async function putProduct({ pool }: RouteDeps, req: Request, res: Response): Promise<void> {
  const { product } = parse(ProductParamsSchema, req.params, 'path');
  const body = parse(ProductRequestSchema, req.body, 'request body', productIssues);
  const versions = await versionPoliciesAndZones(pool, product);
  // Running lifecycles keep the policy and zone they started with: the published dates must not shift under them.
  if (versions.some((v) => v.policy_id !== body.policyId)) {
    throw problems.conflict(`${product} has versions under policy ${versions[0].policy_id}; its policy cannot change.`);
  }
  if (versions.some((v) => v.zone !== null && v.zone !== body.zone)) {
    throw problems.conflict(
      `${product} has versions whose dates are days in ${versions.find((v) => v.zone !== body.zone)!.zone}; its zone cannot change.`,
    );
  }
  const sameName = await productCalled(pool, body.policyId, body.name, product);
  if (sameName)
    throw problems.conflict(`Product ${sameName} is already called "${body.name}" under ${body.policyId}.`, {
      product: sameName,
    });
  const saved = await saveProduct(pool, product, body);
  res.status(saved.created ? 201 : 200).json(productJson(saved));
}

async function putLicence(deps: RouteDeps, req: Request, res: Response): Promise<void> {
  const { licenceId } = parse(LicenceIdParamSchema, req.params, 'path');
  const body = parse(LicenceRequestSchema, req.body, 'request body');
  await productOf(deps, body.product);
  const created = await saveLicence(deps.pool, licenceId, body);
  res.status(created ? 201 : 200).json({ licenceId, ...body });
}

/** Products (their policy and zone) and the licences whose contacts get the lifecycle notices. */
export function mountProductRoutes(router: Router, deps: RouteDeps): void {
  router.put('/products/:product', allow('manager'), (req, res) => putProduct(deps, req, res));
  router.get('/products', allow('customer', 'engineer'), async (_req, res) => {
    res.json({ items: await listProducts(deps.pool) });
  });
  router.put('/licences/:licenceId', allow('manager'), (req, res) => putLicence(deps, req, res));
  router.get('/licences', allow('engineer'), async (req, res) => {
    const product = typeof req.query.product === 'string' ? req.query.product : null;
    const version = typeof req.query.version === 'string' ? req.query.version : null;
    res.json({ items: await listLicences(deps.pool, product, version) });
  });
}
