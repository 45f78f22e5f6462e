/**
 * The JSON Schema of a policy document, generated from the zod schema that validates policies
 * (policies/schema.ts), so editors autocomplete and check a hand-written policy. Committed as
 * docs/policy.schema.json (`npm run policy -- schema > docs/policy.schema.json`) and served at
 * GET /schemas/policy.json. It describes the shape; the rules a shape cannot say (a duration's
 * grammar, an existing date, references between rules) are checked by `npm run policy -- check`.
 */
import { z } from 'zod';
import { policySchema } from './schema';

type JsonSchema = Record<string, unknown>;

/** The message of a refine() check (e.g. 'expected a duration such as …'), as a description. */
function refinementDescription(schema: { _zod: { def: unknown } }): string | undefined {
  const checks = (schema._zod.def as { checks?: Array<{ _zod: { def: { check?: string; error?: (issue: unknown) => unknown } } }> }).checks;
  for (const check of checks ?? []) {
    const def = check._zod.def;
    if (def.check !== 'custom' || typeof def.error !== 'function') continue;
    let message: unknown;
    try {
      message = def.error({}); // no input: the check's general message
    } catch {
      continue;
    }
    if (typeof message !== 'string' || message.length === 0) continue;
    const what = message.replace(/^expected\s+/i, '');
    return what.charAt(0).toUpperCase() + what.slice(1);
  }
  return undefined;
}

/** The policy document's JSON Schema (draft 2020-12), as accepted on input: defaulted fields are optional. */
export function policyJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(policySchema, {
    io: 'input',
    unrepresentable: 'any',
    // A refine()d string (a duration, a date, a time zone) is a plain string here: its check's message says what it takes.
    override: (ctx) => {
      const description = refinementDescription(ctx.zodSchema);
      if (description && ctx.jsonSchema.description === undefined) ctx.jsonSchema.description = description;
    },
  }) as JsonSchema;
  const { $schema, properties, ...rest } = generated;
  return {
    $schema,
    title: 'Lifeline support policy',
    description:
      'A support policy: calendars, severities, plans, targets and the rules around them (docs/policies.md). Check a document with `npm run policy -- check <file>`.',
    ...rest,
    properties: {
      $schema: { type: 'string', description: 'The URL or path of this schema, for editors; ignored when the policy is read.' },
      ...(properties as JsonSchema),
    },
  };
}

/** Whether an array prints on one line: no element that prettier keeps expanded. */
function isFlat(value: unknown[]): boolean {
  return value.every((v) => v === null || typeof v !== 'object' || (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0));
}

/**
 * JSON laid out as prettier lays it out (objects expanded, an array of scalars on one line when it
 * fits in `width`), so the committed file passes `prettier --check` and equals this output.
 */
export function prettyJson(value: unknown, width = 140): string {
  const print = (v: unknown, indent: string, prefix: string, suffix: string): string[] => {
    if (Array.isArray(v)) {
      if (v.length === 0) return [`${indent}${prefix}[]${suffix}`];
      const flat = `${indent}${prefix}[${v.map((x) => JSON.stringify(x)).join(', ')}]${suffix}`;
      if (isFlat(v) && flat.length <= width) return [flat];
      const items = v.flatMap((x, i) => print(x, `${indent}  `, '', i < v.length - 1 ? ',' : ''));
      return [`${indent}${prefix}[`, ...items, `${indent}]${suffix}`];
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      if (entries.length === 0) return [`${indent}${prefix}{}${suffix}`];
      const items = entries.flatMap(([k, x], i) => print(x, `${indent}  `, `${JSON.stringify(k)}: `, i < entries.length - 1 ? ',' : ''));
      return [`${indent}${prefix}{`, ...items, `${indent}}${suffix}`];
    }
    return [`${indent}${prefix}${JSON.stringify(v)}${suffix}`];
  };
  return `${print(value, '', '', '').join('\n')}\n`;
}

/** docs/policy.schema.json: the schema, pretty-printed. */
export function policyJsonSchemaText(): string {
  return prettyJson(policyJsonSchema());
}
