/** The read model behind the published dates: a product and its versions with a lifecycle snapshot. */
import type { Pool } from 'pg';
import type { LifecycleState } from '../../workflows/lifecycle/contract';

export interface PublishedProductRow {
  product: string;
  name: string;
  policy_id: string;
  zone: string;
  link: string | null;
  updated_at: Date;
}

export interface PublishedVersionRow {
  version: string;
  phase: LifecycleState['phase'] | null;
  provisional: boolean | null;
  ga: string;
  eos: string | null;
  eoms: string | null;
  eol: string | null;
  supported_minors: string[];
  snapshot: LifecycleState;
  last_seq: number;
  updated_at: Date;
}

export async function publishedProduct(pool: Pool, product: string): Promise<PublishedProductRow | undefined> {
  const { rows } = await pool.query<PublishedProductRow>(
    'SELECT product, name, policy_id, zone, link, updated_at FROM products WHERE product = $1',
    [product],
  );
  return rows[0];
}

/** The product's versions under its policy that have a snapshot; dates as YYYY-MM-DD (GA from the inputs when the row has none). */
export async function publishedVersions(pool: Pool, product: PublishedProductRow): Promise<PublishedVersionRow[]> {
  const { rows } = await pool.query<PublishedVersionRow>(
    `SELECT version, phase, provisional,
            COALESCE(to_char(ga, 'YYYY-MM-DD'), snapshot->'inputs'->>'ga') AS ga,
            to_char(eos, 'YYYY-MM-DD') AS eos, to_char(eoms, 'YYYY-MM-DD') AS eoms, to_char(eol, 'YYYY-MM-DD') AS eol,
            supported_minors, snapshot, last_seq, updated_at
       FROM product_versions
      WHERE product = $1 AND policy_id = $2 AND snapshot IS NOT NULL`,
    [product.product, product.policy_id],
  );
  return rows;
}
