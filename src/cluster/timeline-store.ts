// The cluster timeline on disk (events.jsonl, one JSON event per line) and in memory, with live
// subscribers; the file keeps at most MAX_TIMELINE_EVENTS entries, dropping the oldest.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { MAX_TIMELINE_EVENTS } from '../common/limits.js';
import type { TimelineEntry, TimelineEvent } from './core/timeline.js';
import { PRIVATE_FILE_MODE } from '../common/file-modes.js';

export type TimelineListener = (event: TimelineEvent) => void;

export function readTimeline(file: string): TimelineEvent[] {
  return parseLines(existsSync(file) ? readFileSync(file, 'utf8') : '');
}

function parseLines(text: string): TimelineEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as TimelineEvent];
      } catch {
        return [];
      }
    });
}

export class TimelineStore {
  private readonly events: TimelineEvent[];
  private readonly listeners = new Set<TimelineListener>();

  constructor(private readonly file: string) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    this.events = parseLines(text).slice(-MAX_TIMELINE_EVENTS);
    // A line torn by a crash mid-append would swallow the next event: start clean instead.
    if (text !== '' && !text.endsWith('\n')) this.rewrite();
  }

  record(entry: TimelineEntry): TimelineEvent {
    const event: TimelineEvent = { ...entry, seq: (this.events.at(-1)?.seq ?? 0) + 1 };
    this.events.push(event);
    if (this.events.length > MAX_TIMELINE_EVENTS) this.dropOldest();
    else appendFileSync(this.file, `${JSON.stringify(event)}\n`, { mode: PRIVATE_FILE_MODE });
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Events with a seq greater than `after`. */
  since(after: number): TimelineEvent[] {
    return this.events.filter((e) => e.seq > after);
  }

  subscribe(listener: TimelineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops the oldest quarter so the file is rewritten once per MAX_TIMELINE_EVENTS / 4 events. */
  private dropOldest(): void {
    this.events.splice(0, this.events.length - Math.floor((MAX_TIMELINE_EVENTS * 3) / 4));
    this.rewrite();
  }

  private rewrite(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, this.events.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: PRIVATE_FILE_MODE });
    renameSync(tmp, this.file);
  }
}
