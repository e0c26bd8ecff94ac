// An election record as a sequence diagram: one row per step, an arrow between lanes for a message or a dot
// on one lane, with its time since the election began and its words.
import type { ElectionRecord, RecordedStep } from '../../common/election-record.js';
import { h } from '../common/dom.js';
import { svg } from '../common/svg.js';

/** Matches the lane lines drawn by style.css (`.lanes`: one line in the middle of every 72 px). */
const LANE_WIDTH = 72;
const ARROW_HEIGHT = 14;

function laneX(index: number): number {
  return LANE_WIDTH / 2 + index * LANE_WIDTH;
}

/** The cell that holds a row's lanes: its lines are its background, so they run on however tall the row is. */
function lanesCell(count: number, ...children: SVGElement[]): HTMLElement {
  const cell = h('div', { class: 'lanes' });
  cell.style.width = `${count * LANE_WIDTH}px`;
  cell.append(...children);
  return cell;
}

/** The lane names over the diagram. */
export function laneHeader(record: ElectionRecord): HTMLElement {
  const cell = lanesCell(record.lanes.length);
  for (const name of record.lanes) cell.append(h('span', { class: 'lane-name' }, name));
  return h('div', { class: 'sequence-head' }, cell);
}

/** One row per step, in order; `hidden` until revealed by the player. */
export function stepRows(record: ElectionRecord): HTMLElement[] {
  return record.steps.map((step, i) => {
    const row = h(
      'li',
      { class: `step ${step.detail.step}`, 'data-step': step.detail.step, 'data-index': String(i) },
      lanesCell(record.lanes.length, stepMark(record.lanes, step)),
      h('time', { title: new Date(step.at).toISOString() }, `+${((step.at - record.startedAt) / 1000).toFixed(3)} s`),
      h('span', { class: 'words' }, step.text),
    );
    row.hidden = true;
    return row;
  });
}

/** An arrow from sender to receiver, or a dot on the lane where the step happened. */
function stepMark(names: readonly string[], step: RecordedStep): SVGElement {
  const width = names.length * LANE_WIDTH;
  const mark = svg('svg', { width, height: ARROW_HEIGHT, viewBox: `0 0 ${width} ${ARROW_HEIGHT}` });
  const mid = ARROW_HEIGHT / 2;
  const from = names.indexOf(step.from);
  const to = step.to === null ? -1 : names.indexOf(step.to);
  if (from >= 0 && to >= 0 && to !== from) {
    const [x1, x2] = [laneX(from), laneX(to)];
    const tip = x2 > x1 ? -6 : 6;
    mark.append(
      svg('line', { class: 'arrow', x1, x2: x2 + tip, y1: mid, y2: mid }),
      svg('path', { class: 'arrow-head', d: `M${x2} ${mid} l${tip} -4 l0 8 z` }),
    );
  } else if (from >= 0) {
    mark.append(svg('circle', { class: 'event', cx: laneX(from), cy: mid, r: 5 }));
  }
  return mark;
}
