// What every page of the UI is (an element built once, plus a refresh that re-reads the API into it)
// and the small building blocks they share: panels, badges, times and app links.
import { clock, h, type Child } from '../common/dom.js';

export interface View {
  readonly root: HTMLElement;
  /** Re-reads the API and fills the view's data parts; never touches what the user is typing. */
  refresh(): Promise<void>;
}

export function panel(title: string, attrs: Record<string, string>, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel', ...attrs }, h('h2', {}, title), ...children);
}

export function badge(text: string, cls: string): HTMLElement {
  return h('span', { class: `badge ${cls}`.trim() }, text);
}

/** A Marathon timestamp as local wall time, with the full value on hover. */
export function time(ts: string | undefined): Child {
  if (ts === undefined) return h('span', { class: 'muted' }, '—');
  return h('span', { title: ts }, clock(Date.parse(ts)));
}

/** The UI address of an app page. */
function appHref(id: string): string {
  return `#/apps${id}`;
}

export function appLink(id: string): HTMLElement {
  return h('a', { href: appHref(id), class: 'mono' }, id);
}

/** A table with a header row; `rows` empty shows `empty` across it. */
export function table(
  headers: readonly string[],
  rows: readonly HTMLTableRowElement[],
  empty: string,
): HTMLTableElement {
  const body =
    rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: String(headers.length), class: 'muted' }, empty))];
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', {}, name)))),
    h('tbody', {}, ...body),
  );
}
