/** A small element builder: the console writes DOM nodes, never HTML strings (no injection through ticket text). */
type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: Array<Node | string>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children) el.append(child);
  return el;
}

/** Says `text` in the page's live region (screen readers hear refreshes and outcomes). */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (region) region.textContent = text;
}

/** An error box the person can read and a screen reader hears. */
export function errorBox(message: string): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, message);
}

/** An instant in the viewer's zone, with the calendar's (or product's) zone in full on hover. */
export function timeEl(
  iso: string,
  text: string,
  zone: string | null | undefined,
  full: (ms: number, zone: string) => string,
): HTMLElement {
  const ms = Date.parse(iso);
  const viewer = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const title = zone && zone !== viewer ? `${full(ms, zone)}; ${full(ms, viewer)}` : full(ms, zone ?? viewer);
  return h('time', { datetime: iso, title }, text);
}
