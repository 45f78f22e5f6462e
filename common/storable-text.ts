/**
 * Text PostgreSQL cannot store: NUL (U+0000) in text and jsonb, and UTF-16 surrogates without their
 * pair (jsonb refuses their escapes). The API refuses such text at the edge; persistence repairs
 * what still reaches it (activities/write-failures.ts).
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly the character PostgreSQL refuses
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string holds text PostgreSQL cannot store. */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/** A deep copy with every unstorable character replaced by U+FFFD, and whether anything changed. */
export function repairText<T>(value: T): { value: T; changed: boolean } {
  const everywhere = new RegExp(UNSTORABLE.source, 'g');
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const repaired = v.replace(everywhere, '\uFFFD');
      if (repaired !== v) changed = true;
      return repaired;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk(k) as string, walk(x)]));
    return v;
  };
  return { value: walk(value) as T, changed };
}

/** The first `max` UTF-16 units of a text, never ending on half a surrogate pair (which PostgreSQL could not store). */
export function clip(text: string, max: number): string {
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
