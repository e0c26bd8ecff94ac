// Keeps task state changes from flooding the timeline: at most a given number per one-second window
// go in; the others are counted by state and summed up in one line once the window is over. Pure.
import type { TimelineEntry } from './timeline.js';

type TaskStateEntry = Extract<TimelineEntry, { type: 'task-state' }>;

const WINDOW_MS = 1_000;

export class TaskEventLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private admitted = 0;
  private skipped = new Map<string, number>();

  constructor(private readonly perSecond: number) {}

  /** The entries to record for this task state change: a summary of the last window first, if due. */
  admit(entry: TaskStateEntry): TimelineEntry[] {
    const out = this.flush(entry.at);
    if (entry.at >= this.windowStart + WINDOW_MS) {
      this.windowStart = entry.at;
      this.admitted = 0;
    }
    if (this.admitted < this.perSecond) {
      this.admitted++;
      return [...out, entry];
    }
    this.skipped.set(entry.state, (this.skipped.get(entry.state) ?? 0) + 1);
    return out;
  }

  /** The summary of the window once it is over (or now, with `early`) and something was left out; [] otherwise. */
  flush(now: number, early = false): TimelineEntry[] {
    if (this.skipped.size === 0 || (now < this.windowStart + WINDOW_MS && !early)) return [];
    const states = Object.fromEntries(this.skipped);
    const count = [...this.skipped.values()].reduce((a, b) => a + b, 0);
    this.skipped = new Map();
    return [{ type: 'task-states-skipped', at: now, count, states, periodMs: now - this.windowStart }];
  }

  /** When flush has a summary to give, or null when nothing is held back. */
  dueAt(): number | null {
    return this.skipped.size === 0 ? null : this.windowStart + WINDOW_MS;
  }
}
