// The elections panel: every recorded election with its winner, and the player that replays one as a
// sequence diagram (step by step, at real speed, or all at once) under the sentence saying why it was won.
import type { ElectionRecord, ElectionSummary } from '../../common/election-record.js';
import { clock, fill, h } from '../common/dom.js';
import type { Access } from './access.js';
import type { Report } from './apps.js';
import { messageOf } from './apps.js';
import { laneHeader, stepRows } from './sequence.js';

/** At real speed a pause longer than this (waiting for the first write, say) is cut to it. */
const LONGEST_PAUSE_MS = 3_000;

export class Replays {
  private rows: HTMLElement[] = [];
  private shown = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private record: ElectionRecord | null = null;
  /** The list as last drawn, so an unchanged one is not redrawn. */
  private listed = '';

  constructor(
    private readonly access: Access,
    private readonly list: HTMLElement,
    private readonly player: HTMLElement,
    private readonly report: Report,
  ) {}

  render(elections: readonly ElectionSummary[]): void {
    const key = JSON.stringify(elections);
    if (key === this.listed) return;
    this.listed = key;
    if (elections.length === 0) return fill(this.list, h('li', { class: 'muted' }, 'no election recorded yet'));
    fill(this.list, ...elections.map((e) => this.item(e)));
  }

  private item(e: ElectionSummary): HTMLElement {
    const button = h('button', { type: 'button', 'data-action': 'replay' }, 'Replay');
    button.addEventListener('click', () => void this.open(e.id));
    const took = e.decidedAt === null ? 'undecided' : `${((e.decidedAt - e.startedAt) / 1000).toFixed(2)} s`;
    const what = e.kind === 'ensemble' ? 'ensemble' : 'masters';
    return h(
      'li',
      { 'data-election': String(e.id), 'data-kind': e.kind, 'data-winner': e.winner ?? '' },
      h('time', {}, clock(e.startedAt)),
      h(
        'span',
        { class: 'summary' },
        `#${e.id} ${what}: ${e.winner === null ? 'no winner yet' : `${e.winner} won`} (${took}, ${e.steps} steps)`,
      ),
      button,
    );
  }

  private async open(id: number): Promise<void> {
    try {
      this.show(await this.access.get<ElectionRecord>(`elections/${id}`));
    } catch (err) {
      this.report(`election ${id} could not be read: ${messageOf(err)}`);
    }
  }

  private show(record: ElectionRecord): void {
    this.stop();
    this.record = record;
    this.rows = stepRows(record);
    this.shown = 0;
    const control = (action: string, label: string, run: () => void): HTMLElement => {
      const b = h('button', { type: 'button', 'data-action': action }, label);
      b.addEventListener('click', run);
      return b;
    };
    fill(
      this.player,
      h('h3', {}, `Election ${record.id} (${record.kind})`),
      h('p', { class: 'verdict' }, record.verdict ?? 'No winner yet.'),
      h(
        'div',
        { class: 'controls' },
        control('step', 'Step', () => this.step()),
        control('play', 'Play at real speed', () => this.play()),
        control('all', 'Show all', () => this.reveal(this.rows.length)),
        control('reset', 'From the start', () => this.reveal(0)),
      ),
      laneHeader(record),
      h('ol', { class: 'sequence' }, ...this.rows),
      record.dropped > 0 ? h('p', { class: 'muted' }, `${record.dropped} later steps were not kept.`) : null,
    );
  }

  private step(): void {
    this.stop();
    this.reveal(this.shown + 1);
  }

  /** Shows the steps one after another with the time that passed between them. */
  private play(): void {
    this.reveal(0);
    const next = (): void => {
      const steps = this.record?.steps ?? [];
      this.reveal(this.shown + 1);
      const [now, later] = [steps[this.shown - 1], steps[this.shown]];
      if (now === undefined || later === undefined) return this.stop();
      this.timer = setTimeout(next, Math.min(later.at - now.at, LONGEST_PAUSE_MS));
    };
    next();
  }

  private reveal(count: number): void {
    if (count === 0 || count >= this.rows.length) this.stop();
    this.shown = Math.max(0, Math.min(count, this.rows.length));
    this.rows.forEach((row, i) => (row.hidden = i >= this.shown));
    this.rows[this.shown - 1]?.scrollIntoView({ block: 'nearest' });
  }

  private stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
