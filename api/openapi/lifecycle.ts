import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  LicenceIdParamSchema,
  LicenceRequestSchema,
  lifecycleCommandSchemas,
  LifecycleStateSchema,
  ProductParamsSchema,
  ProductRequestSchema,
  StartLifecycleRequestSchema,
  VersionParamsSchema,
} from '../schemas';
import { body, errors, json, secured } from './shared';
const version = VersionParamsSchema;

const commands: Record<keyof typeof lifecycleCommandSchemas, string> = {
  'end-of-sales':
    'Set or move End of Sales (refused less than six months away, or moved earlier to within six months; 409 names earliestAllowed)',
  'next-major': "Announce the next major version's GA: EOMS moves to the latest of its rules and is no longer provisional",
  'support-extension': 'Extend support: EOMS and/or EOL later (never earlier)',
  'minor-releases':
    'Record a stable or regular minor release; supported minors follow the policy (ISPsystem 8.1); customers on a minor that became outdated are told (8.3)',
  'pilot-requests': 'Request a pilot of a coming version before its GA (a customer for itself, or a manager)',
};

/** The products, versions and licences (api/routes/lifecycle*.ts) in the OpenAPI document. */
export function registerLifecyclePaths(registry: OpenAPIRegistry): void {
  registerProductPaths(registry);
  registerVersionPaths(registry);
  registerLicencePaths(registry);
}

function registerProductPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'put',
    path: '/v1/products/{product}',
    summary: 'Register or change a product: its policy, the zone its dates are days in, its link',
    tags: ['lifecycle'],
    security: secured,
    request: { params: ProductParamsSchema, ...body(ProductRequestSchema) },
    responses: {
      200: { description: 'Changed' },
      201: { description: 'Registered' },
      ...errors('role', {
        400: 'Invalid product, naming the field (a link must be http or https)',
        409: 'Its versions run under another policy or zone, or another product has its name',
      }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/products',
    summary: 'Products with their major versions and phases',
    tags: ['lifecycle'],
    security: secured,
    responses: { 200: { description: 'Products' }, ...errors('anyKey') },
  });
}

function registerVersionPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/products/{product}/versions',
    summary: "Start a major version's lifecycle workflow (GA, optional End of Sales)",
    description:
      'Answers once the workflow has registered the version (milestones planned, phase set). A workflow that has not registered within about 10 s (no worker yet) is answered 202 with its Location, never with a half state.',
    tags: ['lifecycle'],
    security: secured,
    request: { params: ProductParamsSchema, ...body(StartLifecycleRequestSchema) },
    responses: {
      201: json('The lifecycle as registered', LifecycleStateSchema),
      202: json(
        'Started but not registered yet: read it at the Location',
        z.object({ workflowId: z.string(), product: z.string(), major: z.string(), registered: z.literal(false) }),
      ),
      ...errors('role', {
        400: 'Invalid dates, naming the field',
        404: 'No such product',
        409: 'The version already has a lifecycle, or End of Sales is less than six months away (earliestAllowed)',
      }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/products/{product}/versions/{major}',
    summary:
      "A version's live lifecycle: phase, milestones, notices, supported minors (the workflow query; the read model after retention)",
    tags: ['lifecycle'],
    security: secured,
    request: { params: version },
    responses: { 200: json('The lifecycle', LifecycleStateSchema), ...errors('anyKey', { 404: 'No such lifecycle' }) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/products/{product}/versions/{major}/events',
    summary: "A version's lifecycle events (audit log)",
    tags: ['lifecycle'],
    security: secured,
    request: { params: version },
    responses: { 200: { description: 'Events in order' }, ...errors('role', { 404: 'No such lifecycle' }) },
  });
  for (const [name, summary] of Object.entries(commands) as Array<[keyof typeof lifecycleCommandSchemas, string]>) {
    registry.registerPath({
      method: 'post',
      path: `/v1/products/{product}/versions/{major}/${name}`,
      summary,
      tags: ['lifecycle'],
      security: secured,
      request: { params: version, ...body(lifecycleCommandSchemas[name]) },
      responses: {
        200: json('The lifecycle after the change', LifecycleStateSchema),
        ...errors('role', {
          400: 'Invalid body, naming the field',
          404: 'No such lifecycle',
          409: 'Refused by the lifecycle, with the reason (and earliestAllowed for a date too close)',
        }),
      },
    });
  }
}

function registerLicencePaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'put',
    path: '/v1/licences/{licenceId}',
    summary: "Record a customer's licence for a product version (lifecycle notices go to its contact)",
    tags: ['lifecycle'],
    security: secured,
    request: { params: LicenceIdParamSchema, ...body(LicenceRequestSchema) },
    responses: {
      200: { description: 'Changed' },
      201: { description: 'Recorded' },
      ...errors('role', { 400: 'Invalid licence', 404: 'No such product' }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/licences',
    summary: 'Licences, filtered by product and version',
    tags: ['lifecycle'],
    security: secured,
    request: { query: z.object({ product: z.string().optional(), version: z.string().optional() }) },
    responses: { 200: { description: 'Licences' }, ...errors('role') },
  });
}
