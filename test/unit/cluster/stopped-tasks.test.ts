// The tasks `down` stopped, seen from the next run: their late updates make one timeline line, other tasks'
// updates go through as they are, and the list is read once.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEvent, type TimelineEntry } from '../../../src/cluster/core/timeline.js';
import { StoppedTasksFold, takeStoppedTasks, writeStoppedTasks } from '../../../src/cluster/stopped-tasks.js';

const dir = mkdtempSync(join(tmpdir(), 'stopped-tasks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const update = (task: string, state: string, at: number): TimelineEntry => ({
  type: 'task-state',
  at,
  task,
  app: '/shop/api',
  state,
  host: '127.0.0.1',
  ports: [],
  message: state === 'TASK_KILLED' ? 'Command terminated with signal SIGKILL' : '',
});

describe('StoppedTasksFold', () => {
  it("says once how many tasks down stopped, in place of their updates, and lets the new run's through", () => {
    const fold = new StoppedTasksFold(['a.1', 'a.2', 'a.3']);
    const first = fold.fold([update('a.1', 'TASK_KILLING', 10), update('a.2', 'TASK_KILLING', 11)]);
    expect(first).toEqual([{ type: 'tasks-stopped-by-down', at: 10, count: 3 }]);
    expect(describeEvent(first[0] as TimelineEntry)).toBe(
      '3 tasks of the previous run were stopped by down and are being relaunched',
    );
    const later = [
      update('a.1', 'TASK_KILLED', 12),
      update('a.4', 'TASK_STAGING', 13),
      update('a.3', 'TASK_KILLED', 14),
    ];
    expect(fold.fold(later)).toEqual([update('a.4', 'TASK_STAGING', 13)]);
  });

  it('leaves every entry alone when down stopped no task', () => {
    const entries = [
      update('a.1', 'TASK_KILLED', 1),
      { type: 'cluster-ready', at: 2, cluster: 'c', afterMs: 5 } as const,
    ];
    expect(new StoppedTasksFold([]).fold(entries)).toEqual(entries);
  });
});

describe('the stopped tasks file', () => {
  it('is read once, and not written for a stop that killed nothing', () => {
    const file = join(dir, 'stopped-tasks.json');
    writeStoppedTasks(file, ['a.1', 'a.2']);
    expect(takeStoppedTasks(file)).toEqual(['a.1', 'a.2']);
    expect(takeStoppedTasks(file)).toEqual([]);
    writeStoppedTasks(file, []);
    expect(existsSync(file)).toBe(false);
  });

  it('reads a damaged file as no tasks', () => {
    const file = join(dir, 'damaged.json');
    writeFileSync(file, '["a.1", ');
    expect(takeStoppedTasks(file)).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });
});
