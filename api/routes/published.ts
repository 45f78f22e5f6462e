/**
 * The published lifecycle dates, without authentication (the vendors' policies make them public):
 * endoflife.date's API v1 and v0 shapes, so tools that read endoflife.date can read Lifeline, and
 * an iCalendar feed per product. Field names and semantics follow endoflife.date's generators
 * (github.com/endoflife-date/endoflife.date: _plugins/generate-api-v1.rb, generate-api-v0.rb,
 * product-data-enricher.rb, api_v1/openapi.yml, API v1 schema 1.2.1).
 */
import { Router, type Request, type Response } from 'express';
import { problems } from '../problem';
import { SCHEMA_VERSION, type PublishedProductResponse, type PublishedReleaseResponse } from '../schemas/published';
import type { RouteDeps } from './deps';
import { calendar } from './published-calendar';
import { cycleV0, loadProduct, releaseJson } from './published-releases';

/** Public reads: anyone may cache them for five minutes and read them from any origin (CORS and CORP). */
function publicHeaders(res: Response): void {
  res.set({ 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' });
}

const param = (req: Request, name: string) => String(req.params[name]);

/** A product's own link, if it is http(s): the API accepts no other, and a row stored before it checked is not published. */
const webLink = (link: string | null) => (link && /^https?:\/\//i.test(link) ? link : null);

/** GET /api/v1/products/{product}: the endoflife.date v1 product with its releases. */
async function productV1({ pool }: Pick<RouteDeps, 'pool'>, base: string, req: Request, res: Response): Promise<void> {
  publicHeaders(res);
  const { product, versions } = await loadProduct(pool, param(req, 'product'));
  const modified = Math.max(product.updated_at.getTime(), ...versions.map((v) => v.row.updated_at.getTime()));
  res.json({
    schema_version: SCHEMA_VERSION,
    generated_at: new Date().toISOString(),
    last_modified: new Date(modified).toISOString(),
    result: {
      name: product.product,
      aliases: [],
      label: product.name,
      // No category: Lifeline does not classify products (endoflife.date's category list has no vendor-neutral default).
      tags: [product.policy_id],
      versionCommand: null,
      identifiers: [],
      // Each label names the phase before that milestone (endoflife.date's column labels).
      labels: { eoas: 'Mainstream Support', discontinued: 'End of Sales', eol: 'Extended Support', eoes: null },
      links: { icon: null, html: webLink(product.link) ?? `${base}/api/v1/products/${product.product}`, releasePolicy: null },
      releases: versions.map(releaseJson),
      lifeline: { policyId: product.policy_id, zone: product.zone, calendar: `${base}/api/v1/products/${product.product}/calendar.ics` },
    },
  } satisfies PublishedProductResponse);
}

/** GET /api/v1/products/{product}/releases/{release}: one release, or `latest`. */
async function releaseV1({ pool }: Pick<RouteDeps, 'pool'>, req: Request, res: Response): Promise<void> {
  publicHeaders(res);
  const { product, versions } = await loadProduct(pool, param(req, 'product'));
  const name = param(req, 'release');
  // endoflife.date's /releases/latest is the first release listed (newest release date).
  const v = versions.find((x) => x.row.version === name) ?? (name === 'latest' ? versions[0] : undefined);
  if (!v) throw problems.notFound(`No release "${name}" of product "${product.product}".`);
  res.json({
    schema_version: SCHEMA_VERSION,
    generated_at: new Date().toISOString(),
    result: releaseJson(v),
  } satisfies PublishedReleaseResponse);
}

/**
 * The published routes. Their links start with `publicBase`, the configured public base URL, never
 * with the request's Host or X-Forwarded-Proto: a cache would keep a link any client chose.
 */
export function publishedRoutes(deps: Pick<RouteDeps, 'pool'>, publicBase: string): Router {
  const router = Router();
  router.get('/api/v1/products/:product', (req, res) => productV1(deps, publicBase, req, res));
  router.get('/api/v1/products/:product/releases/:release', (req, res) => releaseV1(deps, req, res));
  router.get('/api/v1/products/:product/calendar.ics', async (req, res) => {
    publicHeaders(res);
    const { product, versions } = await loadProduct(deps.pool, param(req, 'product'));
    res
      .type('text/calendar; charset=utf-8')
      .set('Content-Disposition', `inline; filename="${product.product}.ics"`)
      .send(calendar(product, versions, publicBase, new Date()));
  });
  router.get('/api/:product.json', async (req, res) => {
    publicHeaders(res);
    const { versions } = await loadProduct(deps.pool, param(req, 'product'));
    res.json(versions.map(cycleV0));
  });
  return router;
}
