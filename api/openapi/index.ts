import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { registerLifecyclePaths } from './lifecycle';
import { registerAdministrationPaths, registerOperationPaths } from './operations';
import { registerPolicyPaths } from './policies';
import { registerPolicyVersionPaths } from './policy-versions';
import { registerPublishedPaths } from './published';
import { registerQuotePaths } from './quotes';
import { registerReportPaths } from './reports';
import { registerRulePaths } from './rules';
import { registerTicketPaths } from './tickets';
import { registerWhatIfPaths } from './what-if';

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument(version: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `Authorization: Bearer <key>` (or the `X-API-Key` header).',
  });
  // Paths in the document's order: operations, tickets, reports, rules, policies, quotes, administration, lifecycle, published.
  registerOperationPaths(registry);
  registerTicketPaths(registry);
  registerWhatIfPaths(registry);
  registerReportPaths(registry);
  registerRulePaths(registry);
  registerPolicyPaths(registry);
  registerPolicyVersionPaths(registry);
  registerQuotePaths(registry);
  registerAdministrationPaths(registry);
  registerLifecyclePaths(registry);
  registerPublishedPaths(registry);

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Lifeline API',
      version,
      description: 'Support policies as durable workflows: tickets, SLA clocks, product lifecycles.',
    },
    servers: [{ url: '/' }],
  });
}
