/** The lifecycle read model as the lifecycle routes read and write it: products, their versions and events, licences. */
import type { Pool } from 'pg';
import type { Actor } from '../../workflows/contract';
import type { LifecycleState } from '../../workflows/lifecycle/contract';

export interface ProductRow {
  product: string;
  name: string;
  policy_id: string;
  zone: string;
  link: string | null;
}

export async function productById(pool: Pool, product: string): Promise<ProductRow | undefined> {
  const { rows } = await pool.query<ProductRow>('SELECT product, name, policy_id, zone, link FROM products WHERE product = $1', [product]);
  return rows[0];
}

/** The zone a product's dates are days in, when the product is registered. */
export async function productZone(pool: Pool, product: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ zone: string }>('SELECT zone FROM products WHERE product = $1', [product]);
  return rows[0]?.zone;
}

/** The policies and zones a product's versions started with (their lifecycles keep them). */
export async function versionPoliciesAndZones(pool: Pool, product: string): Promise<Array<{ policy_id: string; zone: string | null }>> {
  const { rows } = await pool.query<{ policy_id: string; zone: string | null }>(
    "SELECT DISTINCT policy_id, snapshot->>'zone' AS zone FROM product_versions WHERE product = $1",
    [product],
  );
  return rows;
}

/** Another product with this name (case-insensitive) under the policy, if there is one. */
export async function productCalled(pool: Pool, policyId: string, name: string, except: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ product: string }>(
    'SELECT product FROM products WHERE policy_id = $1 AND lower(name) = lower($2) AND product <> $3',
    [policyId, name, except],
  );
  return rows[0]?.product;
}

/** Registers or changes a product; `created` tells which. */
export async function saveProduct(
  pool: Pool,
  product: string,
  p: { name: string; policyId: string; zone: string; link?: string },
): Promise<ProductRow & { created: boolean }> {
  const { rows } = await pool.query<ProductRow & { created: boolean }>(
    `INSERT INTO products (product, name, policy_id, zone, link) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (product) DO UPDATE SET name = EXCLUDED.name, policy_id = EXCLUDED.policy_id, zone = EXCLUDED.zone,
         link = EXCLUDED.link, updated_at = now()
       RETURNING product, name, policy_id, zone, link, (xmax = 0) AS created`,
    [product, p.name, p.policyId, p.zone, p.link ?? null],
  );
  return rows[0];
}

/** A product as the products routes answer it. */
export function productJson(r: ProductRow) {
  return { product: r.product, name: r.name, policyId: r.policy_id, zone: r.zone, link: r.link };
}

/** Every product with its versions (newest GA first) and their phases. */
export async function listProducts(pool: Pool) {
  const { rows } = await pool.query<ProductRow & { versions: Array<{ version: string; phase: string }> | null }>(
    `SELECT p.product, p.name, p.policy_id, p.zone, p.link,
              json_agg(json_build_object('version', v.version, 'phase', v.phase) ORDER BY v.ga DESC) FILTER (WHERE v.version IS NOT NULL) AS versions
         FROM products p LEFT JOIN product_versions v ON v.product = p.product
        GROUP BY p.product ORDER BY p.product`,
  );
  return rows.map((r) => ({ ...productJson(r), versions: r.versions ?? [] }));
}

/** The last state a version's workflow wrote, for a lifecycle past the workflow's retention. */
export async function versionSnapshot(pool: Pool, product: string, major: string): Promise<LifecycleState | undefined> {
  const { rows } = await pool.query<{ snapshot: LifecycleState }>(
    'SELECT snapshot FROM product_versions WHERE product = $1 AND version = $2 AND snapshot IS NOT NULL',
    [product, major],
  );
  return rows[0]?.snapshot;
}

/** A lifecycle event as GET /v1/products/{p}/versions/{major}/events answers it. */
export interface LifecycleEventJson {
  seq: number;
  type: string;
  occurredAt: Date;
  actor: Actor;
  data: Record<string, unknown>;
}

/** A version's lifecycle events, in order, shaped as the API answers them. */
export async function lifecycleEvents(pool: Pool, workflowId: string): Promise<LifecycleEventJson[]> {
  const { rows } = await pool.query<LifecycleEventJson>(
    `SELECT seq, type, occurred_at AS "occurredAt", json_build_object('kind', actor_kind, 'id', actor_id) AS actor, data
         FROM lifecycle_events WHERE workflow_id = $1 ORDER BY seq`,
    [workflowId],
  );
  return rows;
}

export interface LicenceInput {
  customerId: string;
  contractId?: string;
  product: string;
  version: string;
  minor?: string;
  contactEmail?: string;
}

/** Records or changes a licence; true when it is new. */
export async function saveLicence(pool: Pool, licenceId: string, l: LicenceInput): Promise<boolean> {
  const { rows } = await pool.query<{ created: boolean }>(
    `INSERT INTO licences (licence_id, customer_id, contract_id, product, version, minor, contact_email) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (licence_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, contract_id = EXCLUDED.contract_id, product = EXCLUDED.product,
         version = EXCLUDED.version, minor = EXCLUDED.minor, contact_email = EXCLUDED.contact_email, updated_at = now()
       RETURNING (xmax = 0) AS created`,
    [licenceId, l.customerId, l.contractId ?? null, l.product, l.version, l.minor ?? null, l.contactEmail ?? null],
  );
  return rows[0].created;
}

/** Licences, optionally of one product and version, shaped as the API answers them (at most 1000). */
export async function listLicences(pool: Pool, product: string | null, version: string | null): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT licence_id AS "licenceId", customer_id AS "customerId", contract_id AS "contractId", product, version, minor, contact_email AS "contactEmail"
         FROM licences WHERE ($1::text IS NULL OR product = $1) AND ($2::text IS NULL OR version = $2) ORDER BY licence_id LIMIT 1000`,
    [product, version],
  );
  return rows;
}
