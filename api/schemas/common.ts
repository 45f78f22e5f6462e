import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isStorableText } from '../../common/storable-text';
import { actorSchema } from '../../workflows/actor';

extendZodWithOpenApi(z);

// ---- Text PostgreSQL can store ---------------------------------------------------------------

/** Why PostgreSQL cannot store `s` (common/storable-text.ts: a NUL, an unpaired surrogate), or undefined when it can. */
export function unstorableText(s: string): string | undefined {
  if (isStorableText(s)) return undefined;
  const nul = s.indexOf('\u0000');
  if (nul >= 0) return `contains U+0000 (NUL) at character ${nul + 1}, which cannot be stored`;
  return 'contains an unpaired UTF-16 surrogate (half of a character), which is not Unicode text';
}

/** Refuses a string PostgreSQL cannot store, saying why. */
function refineStorable(s: string, ctx: z.RefinementCtx): void {
  const why = unstorableText(s);
  if (why) ctx.addIssue({ code: 'custom', message: why });
}

/** A trimmed, non-empty string of at most `max` characters that PostgreSQL can store. */
export const text = (max: number) => z.string().trim().min(1).max(max).superRefine(refineStorable);

// ---- The supported range of instants and dates -----------------------------------------------

/**
 * The instants and dates Lifeline accepts: every instant and date field and query of the API is
 * checked against this one range, so the database, the calendars and the workflows' timers are
 * only ever given years they handle.
 */
export const supportedRange = { from: '1970-01-01T00:00:00Z', to: '2200-12-31T23:59:59Z', fromDate: '1970-01-01', toDate: '2200-12-31' };
const FROM_MS = Date.parse(supportedRange.from);
/** The last supported second, to its last millisecond. */
const TO_MS = Date.parse(supportedRange.to) + 999;

export const INSTANT_RANGE_NOTE = `Supported range: ${supportedRange.from} to ${supportedRange.to}.`;
export const DATE_RANGE_NOTE = `A real calendar date from ${supportedRange.fromDate} to ${supportedRange.toDate}.`;

/** Whether an ISO-8601 instant (already well-formed) lies in the supported range. */
export function inSupportedRange(instant: string): boolean {
  const ms = Date.parse(instant);
  return Number.isFinite(ms) && ms >= FROM_MS && ms <= TO_MS;
}

const withNote = (note: string, description?: string) => (description ? `${description} ${note}` : note);

// The range as patterns, so the OpenAPI document says what the refinements check (years 1970–2200).
const YEAR = '(19[7-9][0-9]|20[0-9]{2}|21[0-9]{2}|2200)';
const DAY = `${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])`;
export const DATE_PATTERN = `^${DAY}$`;
// Offsets as the world's zones have them (−12:00 … +14:00); PostgreSQL refuses more than ±15:59.
const OFFSET = '(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)';
export const INSTANT_PATTERN = `^${DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?${OFFSET}$`;
const REAL_OFFSET = new RegExp(`${OFFSET}$`);

/** An ISO-8601 instant with an offset (Z or ±HH:MM) in the supported range. */
export const instant = (description?: string) =>
  z.iso
    .datetime({ offset: true, error: 'expected an ISO-8601 instant with an offset, e.g. 2026-03-02T09:00:00Z' })
    .refine((t) => REAL_OFFSET.test(t), { message: 'expected an offset from -14:00 to +14:00 (or Z)' })
    .refine(inSupportedRange, { message: `expected an instant from ${supportedRange.from} to ${supportedRange.to}` })
    .openapi({ description: withNote(INSTANT_RANGE_NOTE, description), example: '2026-03-02T09:00:00Z', pattern: INSTANT_PATTERN });

/** A real calendar date YYYY-MM-DD (no 2025-02-30) in the supported range. */
export const calendarDate = (description?: string) =>
  z.iso
    .date({ error: 'expected a real calendar date YYYY-MM-DD' })
    .refine((d) => d >= supportedRange.fromDate && d <= supportedRange.toDate, {
      message: `expected a date from ${supportedRange.fromDate} to ${supportedRange.toDate}`,
    })
    .openapi({ description: withNote(DATE_RANGE_NOTE, description), pattern: DATE_PATTERN });

/** A date field without its own description. */
export const dateOnly = calendarDate();

// ---- Shared shapes ---------------------------------------------------------------------------

export const ActorSchema = actorSchema;

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ pointer: z.string(), detail: z.string() }))
      .optional()
      .openapi({ description: 'Each invalid field as a JSON pointer into the request part, at most 50 of them.' }),
    errorsOmitted: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: 'How many more invalid fields were found than `errors` lists.' }),
  })
  .openapi('Problem');

export const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'not ready']),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
  })
  .openapi('Readiness');
