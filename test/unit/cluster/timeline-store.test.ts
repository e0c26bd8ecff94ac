// TimelineStore: numbering across restarts, live subscribers, and the bound on the file.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TIMELINE_EVENTS } from '../../../src/common/limits.js';
import { TimelineStore, readTimeline } from '../../../src/cluster/timeline-store.js';

const dirs: string[] = [];
function eventsFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'timeline-'));
  dirs.push(dir);
  return join(dir, 'events.jsonl');
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('TimelineStore', () => {
  it('numbers events on after the ones already in the file', () => {
    const file = eventsFile();
    new TimelineStore(file).record({ type: 'cluster-stopped', cluster: 'a', at: 1 });
    const again = new TimelineStore(file);
    const seen: number[] = [];
    again.subscribe((e) => seen.push(e.seq));
    again.record({ type: 'cluster-starting', cluster: 'a', profile: 'demo', at: 2 });
    expect(seen).toEqual([2]);
    expect(readTimeline(file).map((e) => [e.seq, e.type])).toEqual([
      [1, 'cluster-stopped'],
      [2, 'cluster-starting'],
    ]);
    expect(again.since(1).map((e) => e.seq)).toEqual([2]);
  });

  it(`keeps at most ${MAX_TIMELINE_EVENTS} events, dropping the oldest`, () => {
    const file = eventsFile();
    const store = new TimelineStore(file);
    const total = MAX_TIMELINE_EVENTS + 10;
    for (let i = 0; i < total; i++) store.record({ type: 'member-started', member: 'zk-1', pid: i, at: i });
    const kept = readTimeline(file);
    expect(kept.length).toBeLessThanOrEqual(MAX_TIMELINE_EVENTS);
    expect(kept.at(-1)?.seq).toBe(total);
    expect(kept.map((e) => e.seq)).toEqual(kept.map((_, i) => total - kept.length + 1 + i));
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  });

  it('skips a torn last line', () => {
    const file = eventsFile();
    new TimelineStore(file).record({ type: 'cluster-stopped', cluster: 'a', at: 1 });
    appendFileSync(file, '{"seq":2,"type":"clu');
    expect(readTimeline(file).map((e) => e.seq)).toEqual([1]);
    expect(new TimelineStore(file).record({ type: 'cluster-stopped', cluster: 'a', at: 3 }).seq).toBe(2);
  });
});
