import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { PublishedCycleV0Schema, PublishedProductResponseSchema, PublishedReleaseResponseSchema } from '../schemas/published';
import { errors } from './shared';

/** The four public paths of the published dates (api/routes/published.ts), without security. */
export function registerPublishedPaths(registry: OpenAPIRegistry): void {
  const product = z.object({ product: z.string().openapi({ description: "The product's id (lower case).", example: 'vipnet-client' }) });
  const failures = errors('public', { 404: 'No such product (or release)' });
  const headers = z.object({
    'Cache-Control': z.string().openapi({ example: 'public, max-age=300' }),
    'Access-Control-Allow-Origin': z.string().openapi({ example: '*' }),
    'Cross-Origin-Resource-Policy': z.string().openapi({ example: 'cross-origin' }),
  });
  const ok = (description: string, type: string, schema: z.ZodType | { type: 'string' }) => ({
    description,
    headers,
    content: { [type]: { schema } },
  });
  const tags = ['published dates'];

  registry.registerPath({
    method: 'get',
    path: '/api/v1/products/{product}',
    summary: "A product's lifecycle dates (endoflife.date API v1)",
    description:
      'No authentication. The endoflife.date v1 product shape: EOS is `discontinued`, EOMS `eoas`, EOL `eol`; the `isX` booleans are computed at request time and stay false on the milestone day itself. Lifeline extensions are under `lifeline`.',
    tags,
    request: { params: product },
    responses: {
      200: ok('The product and its releases, newest GA first', 'application/json', PublishedProductResponseSchema),
      ...failures,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/products/{product}/releases/{release}',
    summary: 'One release (major version) of a product (endoflife.date API v1)',
    description: 'No authentication. `latest` names the newest release, as on endoflife.date.',
    tags,
    request: { params: product.extend({ release: z.string().openapi({ example: '4' }) }) },
    responses: { 200: ok('The release', 'application/json', PublishedReleaseResponseSchema), ...failures },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/{product}.json',
    summary: "A product's release cycles (endoflife.date API v0)",
    description:
      'No authentication. `eol`, `support` and `discontinued` are dates when known, else booleans (`support: true` = mainstream support goes on).',
    tags,
    request: { params: product },
    responses: { 200: ok('The cycles, newest GA first', 'application/json', z.array(PublishedCycleV0Schema)), ...failures },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/products/{product}/calendar.ics',
    summary: "A product's lifecycle calendar (iCalendar, RFC 5545)",
    description:
      'No authentication; subscribe to it. One all-day event per GA, EOS, EOMS and EOL date (alarm a week before) and per notice day (alarm at 09:00), each with a stable UID.',
    tags,
    request: { params: product },
    responses: { 200: ok('The calendar', 'text/calendar', { type: 'string' }), ...failures },
  });
}
