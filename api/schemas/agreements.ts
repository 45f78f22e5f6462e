/** Support agreements (api/routes/contracts.ts): the requests that change one; the agreement itself is workflows/agreement/state.ts. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { agreementStateSchema } from '../../workflows/agreement/state';
import { instant, text } from './common';

extendZodWithOpenApi(z);

const licenceRef = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'expected 1–100 letters, digits, ".", "_", ":" or "-"');

export const AgreementLicenceRequestSchema = z
  .object({
    licenceId: licenceRef,
    product: text(100).describe('The product as tickets name it, e.g. "VMmanager".'),
    major: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$/, 'expected a major version such as "6"'),
    minor: z
      .string()
      .regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,29}$/, 'expected a minor release such as "6.2"')
      .optional(),
    extensions: z.array(licenceRef).max(100).default([]).describe('Licence extensions covered at the same level (ISPsystem 10.1).'),
  })
  .strict()
  .openapi('AgreementLicenceRequest');

/** What PUT /v1/contracts/{id} adds to the contract request: the licences and who hears of the term's end. */
export const agreementExtras = {
  licences: z.array(AgreementLicenceRequestSchema).max(200).default([]),
  contactEmail: z.email().max(320).optional().describe("The customer's contact for term reminders."),
};

export const RenewalRequestSchema = z
  .object({
    startsAt: instant('Default: the end of the current term (now, for a lapsed agreement).').optional(),
    endsAt: instant('When the renewed term ends.'),
    reason: text(2_000).optional(),
  })
  .strict()
  .openapi('RenewalRequest');

export const EndAgreementRequestSchema = z
  .object({ reason: text(2_000) })
  .strict()
  .openapi('EndAgreementRequest');

export const QuotaExchangeRequestSchema = z
  .object({
    tickets: z.number().int().min(1).max(100_000).describe('Unused tickets of the current agreement year.'),
    for: text(500).describe('What they are exchanged for, e.g. "Premium: one on-site visit" (Infotecs 000 §3).'),
  })
  .strict()
  .openapi('QuotaExchangeRequest');

/** The agreement as GET answers it: the contract workflow's state and the tickets under it. */
export const AgreementResponseSchema = agreementStateSchema
  .extend({
    tickets: z.array(z.object({ ticketId: z.string(), status: z.string(), severity: z.string(), title: z.string(), openedAt: z.string() })),
  })
  .openapi('AgreementWithTickets');
export const AgreementSchema = agreementStateSchema.openapi('Agreement');
