/**
 * Policy documents: a policy written by hand as JSON or YAML (docs/policies/*.yaml are the four
 * catalog policies in this form). Reading one validates it through loadPolicy, the same rules as
 * the catalog, and names every bad field by its JSON pointer (RFC 6901) and, where the text has
 * one, its line. Pure: no file or network access.
 */
import { Document, isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { PolicyError } from './errors';
import { loadPolicy } from './load';
import type { Policy, PolicyInput } from './schema';
import { infotecs } from './catalog/infotecs';
import { isode } from './catalog/isode';
import { ispsystem } from './catalog/ispsystem';
import { xecuritas } from './catalog/xecuritas';

export type DocumentFormat = 'json' | 'yaml';
export interface DocumentError {
  /** RFC 6901 pointer of the field at fault ("" is the whole document). */
  pointer: string;
  /** 1-based line of that field (or of the syntax error) in the text. */
  line?: number;
  message: string;
}
export type ParsedPolicyDocument = { policy: Policy } | { errors: DocumentError[] };

/** The text as a value, and where each path of it starts. */
type Read = { value: unknown; lineAt: (path: ReadonlyArray<PropertyKey>) => number | undefined } | { errors: DocumentError[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 6901: "/"-separated segments, "~" written "~0" and "/" written "~1". */
export function jsonPointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** JSON when the text starts with "{" or "[", else YAML. */
export function detectFormat(text: string): DocumentFormat {
  return /^\uFEFF?\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/** The line a path starts on: the key of a mapping entry, the item of a sequence, else its nearest ancestor. */
function lineIn(doc: Document, counter: LineCounter, path: ReadonlyArray<PropertyKey>): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as { range?: [number] } | null)?.range?.[0];
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      node = node.items[segment];
      offset = (node as { range?: [number] }).range?.[0] ?? offset;
    } else break;
  }
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

function readYaml(text: string): Read {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { errors: doc.errors.map((e) => ({ pointer: '', line: counter.linePos(e.pos[0]).line, message: e.message })) };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }), lineAt: (path) => lineIn(doc, counter, path) };
  } catch (err) {
    return { errors: [{ pointer: '', message: (err as Error).message }] };
  }
}

/** JSON.parse for the value (JSON's own rules); the text read as YAML, of which JSON is a subset, for lines and duplicate keys. */
function readJson(text: string): Read {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const message = (err as Error).message;
    // Node 20 names a position for some errors only; the YAML reading places the others.
    const position = Number(/at position (\d+)/.exec(message)?.[1] ?? doc.errors[0]?.pos[0] ?? NaN);
    return { errors: [{ pointer: '', ...(Number.isNaN(position) ? {} : { line: counter.linePos(position).line }), message }] };
  }
  const duplicates = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY');
  if (duplicates.length > 0) {
    return { errors: duplicates.map((e) => ({ pointer: '', line: counter.linePos(e.pos[0]).line, message: e.message })) };
  }
  return { value, lineAt: doc.errors.length === 0 ? (path) => lineIn(doc, counter, path) : () => undefined };
}

/**
 * The segments of a loadPolicy issue path (`calendars[0].open.mon`), read against the value so a
 * key that holds a "." or "[" is still one segment.
 */
export function segmentsOf(path: string, value: unknown): PropertyKey[] {
  const out: PropertyKey[] = [];
  let rest = path;
  let node = value;
  while (rest.length > 0) {
    const index = /^\[(\d+)\]\.?/.exec(rest);
    if (index) {
      out.push(Number(index[1]));
      node = Array.isArray(node) ? node[Number(index[1])] : undefined;
      rest = rest.slice(index[0].length);
      continue;
    }
    const known = isPlainObject(node)
      ? Object.keys(node)
          .filter((k) => rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`))
          .sort((a, b) => b.length - a.length)[0]
      : undefined;
    const key = known ?? /^[^.[]*/.exec(rest)![0];
    if (key === '' && !rest.startsWith('.')) {
      out.push(rest); // not a path loadPolicy writes: keep it whole
      break;
    }
    out.push(key);
    node = isPlainObject(node) ? node[key] : undefined;
    rest = rest.slice(key.length).replace(/^\./, '');
  }
  return out;
}

/** A zod "Unrecognized keys" issue names each key; each becomes its own error, pointing at the key. */
function unrecognizedKeys(message: string): string[] {
  if (!/^Unrecognized keys?:/.test(message)) return [];
  return [...message.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}

function documentErrors(
  err: PolicyError,
  value: unknown,
  lineAt: (path: ReadonlyArray<PropertyKey>) => number | undefined,
): DocumentError[] {
  const issues = err.issues.length > 0 ? err.issues : [{ path: '', message: err.message }];
  return issues.flatMap((issue) => {
    const path = segmentsOf(issue.path, value);
    const keys = unrecognizedKeys(issue.message);
    const at = (p: PropertyKey[], message: string): DocumentError => {
      const line = lineAt(p);
      return { pointer: jsonPointer(p), ...(line === undefined ? {} : { line }), message };
    };
    return keys.length > 0 ? keys.map((k) => at([...path, k], `unknown key "${k}"`)) : [at(path, issue.message)];
  });
}

/** A document may name its schema (`"$schema": "…"`, for editors); it is not part of the policy. */
function withoutSchemaKey(value: unknown): { value: unknown } | { error: DocumentError } {
  if (!isPlainObject(value) || !Object.hasOwn(value, '$schema')) return { value };
  const { $schema, ...policy } = value;
  if (typeof $schema !== 'string') return { error: { pointer: '/$schema', message: 'expected the URL or path of the JSON Schema' } };
  return { value: policy };
}

/**
 * Reads a policy document: JSON or YAML (by content when no format is given), validated by
 * loadPolicy. Every error names its JSON pointer, and its line where the text tells it.
 */
export function parsePolicyDocument(text: string, format: DocumentFormat = detectFormat(text)): ParsedPolicyDocument {
  const read = format === 'json' ? readJson(text) : readYaml(text);
  if ('errors' in read) return read;
  const stripped = withoutSchemaKey(read.value);
  if ('error' in stripped) return { errors: [{ ...stripped.error, line: read.lineAt(['$schema']) }] };
  try {
    return { policy: loadPolicy(stripped.value) };
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    return { errors: documentErrors(err, stripped.value, read.lineAt) };
  }
}

export interface ExportOptions {
  /** The JSON Schema's URL or path: a `$schema` key (JSON), or the YAML language server's modeline. */
  schema?: string;
  /** Comment lines put first (YAML only). */
  comment?: string[];
}

/** Strings a YAML 1.1 reader would take for a number or a date ("09:00", "2026-12-24"): quoted, so every reader agrees. */
const looksNumeric = /^[-+]?[\d][\d:._-]*$/;
/** A collection of scalars (or of such collections) that fits on this many characters is written on one line. */
const FLOW_WIDTH = 60;

/** A policy (or a policy as written, defaults left out) as YAML: no anchors, no folded lines, short lists on one line. */
export function policyToYaml(policy: Policy | PolicyInput, options: ExportOptions = {}): string {
  return toYaml(policy, options);
}

/** Any part of a policy (a list of holiday rules, say) laid out as policyToYaml lays out a policy. */
export function toYaml(value: unknown, options: ExportOptions = {}): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  layOut(doc.contents);
  const header = [...(options.comment ?? []), ...(options.schema ? [`yaml-language-server: $schema=${options.schema}`] : [])];
  return `${header.map((line) => `# ${line}\n`).join('')}${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}

/** Quotes number-like strings; lays out the items of a collection, then the collection itself. */
function layOut(node: unknown): void {
  if (isScalar(node)) {
    if (typeof node.value === 'string' && looksNumeric.test(node.value)) node.type = 'QUOTE_DOUBLE';
    return;
  }
  if (!isCollection(node)) return;
  for (const item of node.items) layOut(isPair(item) ? item.value : item);
  if (node.items.length === 0) node.flow = true; // `holidays: []`
  if (!isSeq(node)) return;
  // A list of short mappings (open periods) puts all of them on one line each, or none: a list reads the same all through.
  const maps = node.items.filter(isMap);
  if (maps.length > 0 && maps.length === node.items.length && maps.every(isShort)) for (const m of maps) m.flow = true;
  node.flow = node.items.length === 0 || isShort(node);
}

/** Of scalars (or of one-line collections), and short. */
function isShort(node: unknown): boolean {
  if (!isCollection(node) || node.items.length === 0) return false;
  const children = isMap(node) ? node.items.map((p) => p.value) : node.items;
  if (!children.every((c) => isScalar(c) || (isCollection(c) && c.flow))) return false;
  return JSON.stringify(node.toJSON()).length <= FLOW_WIDTH;
}

/** A policy as pretty-printed JSON. */
export function policyToJson(policy: Policy | PolicyInput, options: ExportOptions = {}): string {
  return `${JSON.stringify(options.schema ? { $schema: options.schema, ...policy } : policy, null, 2)}\n`;
}

/** The catalog policies as their TypeScript files write them (policies/catalog/): the source of docs/policies/*.yaml. */
export const catalogSources: Readonly<Record<'infotecs' | 'ispsystem' | 'isode' | 'xecuritas', PolicyInput>> = Object.freeze({
  infotecs,
  ispsystem,
  isode,
  xecuritas,
});

/** docs/policies/<id>.yaml: a catalog policy as a document, each rule citing its paragraph in `source`. */
export function catalogPolicyDocument(id: keyof typeof catalogSources): string {
  return policyToYaml(catalogSources[id], {
    comment: [`Generated from policies/catalog/${id}.ts by \`npm run policy -- export ${id}\`: edit that file, then regenerate this one.`],
    schema: '../policy.schema.json',
  });
}
