import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  BackPaymentQuoteRequestSchema,
  BackPaymentQuoteSchema,
  CoTermingQuoteRequestSchema,
  CoTermingQuoteSchema,
  RenewalQuoteRequestSchema,
  RenewalQuoteSchema,
} from '../schemas';
import { body, errors, json, secured } from './shared';

const invalid = { 400: 'Invalid input, or a policy without the rule: `errors[]` names the field (`/policyId` for the policy)' };

/** Commercial quotes: price arithmetic any key may ask for (api/routes/quotes.ts). */
export function registerQuotePaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/quotes/renewal',
    summary: "A support year's fee, and the upgrade to the next major version (Infotecs 000 §3)",
    description:
      'A share of the licence price: the first year, each later year, the upgrade as its own line; each line rounded half up to the minor unit.',
    tags: ['quotes'],
    security: secured,
    request: body(RenewalQuoteRequestSchema),
    responses: { 200: json('The quote and its lines', RenewalQuoteSchema), ...errors('anyKey', invalid) },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/quotes/co-terming',
    summary: "Buying a licence extension whose services end with the existing extensions' (ISPsystem 10.2)",
    description:
      'Both alternatives: 10.2.1 services for the remainder (a remainder of up to 5 days rounded down, more up to a whole month) and 10.2.2 the shortest standard term (12, 24, 36 months) not shorter than the remainder.',
    tags: ['quotes'],
    security: secured,
    request: body(CoTermingQuoteRequestSchema),
    responses: { 200: json('Both alternatives', CoTermingQuoteSchema), ...errors('anyKey', invalid) },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/quotes/back-payment',
    summary: 'Updates for a missed period, paid in full at the prices of the purchase date (ISPsystem 9.7)',
    description: 'Every month of the break, a started month in full, at the annual price ÷ 12, rounded half up to the minor unit.',
    tags: ['quotes'],
    security: secured,
    request: body(BackPaymentQuoteRequestSchema),
    responses: { 200: json('The back payment', BackPaymentQuoteSchema), ...errors('anyKey', invalid) },
  });
}
