// The building blocks of the master UI's pages: panels, tables, state badges, links and the
// "used / total" resource cells.
import { h, type Child } from '../common/dom.js';
import { stateName } from './format.js';

export function panel(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}

/** A table, or a muted line saying what is missing when there are no rows. */
export function table(headers: readonly string[], rows: readonly Child[][], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  const row = (cells: readonly Child[]): HTMLElement => h('tr', {}, ...cells.map((c) => h('td', {}, c)));
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows.map(row)),
  );
}

/** A badge coloured by `kind` (a task state, or ok/warn/bad), saying `label`. */
export function badge(kind: string, label = stateName(kind)): HTMLElement {
  return h('span', { class: `badge ${kind}` }, label);
}

export function link(href: string, text: string, attrs: Record<string, string> = {}): HTMLElement {
  return h('a', { href, ...attrs }, text);
}

export function mono(text: string): HTMLElement {
  return h('code', { title: text }, text);
}

/** `0.35 / 2` with a bar showing the share in use. */
export function usage(used: number, total: number, format: (n: number) => string): HTMLElement {
  const share = total > 0 ? Math.min(1, used / total) : 0;
  const bar = h('span', { class: 'usage-bar' }, h('span', { style: `width: ${(share * 100).toFixed(1)}%` }));
  return h('span', { class: 'usage' }, `${format(used)} / ${format(total)}`, bar);
}
