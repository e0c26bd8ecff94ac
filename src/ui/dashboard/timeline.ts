// The timeline panel: newest event first, each as `minicluster events` prints it.
import { clock, h } from '../common/dom.js';
import type { TimelineLine } from './model.js';

export function timelineItems(lines: readonly TimelineLine[]): HTMLElement[] {
  return lines.map((line) =>
    h(
      'li',
      { class: line.type, 'data-seq': String(line.seq) },
      h('time', {}, clock(line.at)),
      h('span', { class: 'text' }, line.text),
    ),
  );
}
