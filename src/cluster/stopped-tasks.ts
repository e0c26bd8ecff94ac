// The tasks `down` stopped, kept for the next `up`: their agents send the updates of that stop (TASK_KILLING,
// TASK_KILLED) only once the cluster runs again, so the scheduler hears them at the start of the next run.
// Those updates fold into one timeline line saying how many tasks `down` stopped and that they are relaunched.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from '../common/file-modes.js';
import type { TimelineEntry } from './core/timeline.js';

/** Writes the ids of the tasks a stop is about to kill. */
export function writeStoppedTasks(file: string, taskIds: readonly string[]): void {
  if (taskIds.length === 0) rmSync(file, { force: true });
  else writeFileSync(file, `${JSON.stringify(taskIds)}\n`, { mode: PRIVATE_FILE_MODE });
}

/** The ids the last stop wrote (none when it wrote nothing, or not a list of ids); the file is gone after. */
export function takeStoppedTasks(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  rmSync(file, { force: true });
  try {
    const ids: unknown = JSON.parse(text);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Folds the previous run's stopped tasks out of the timeline, saying once how many there were. Pure. */
export class StoppedTasksFold {
  private readonly ids: ReadonlySet<string>;
  private said = false;

  constructor(taskIds: readonly string[]) {
    this.ids = new Set(taskIds);
  }

  /** The entries as they go into the timeline: a stopped task's first update becomes the one line, the rest go. */
  fold(entries: readonly TimelineEntry[]): TimelineEntry[] {
    return entries.flatMap((entry) => {
      if (entry.type !== 'task-state' || !this.ids.has(entry.task)) return [entry];
      if (this.said) return [];
      this.said = true;
      return [{ type: 'tasks-stopped-by-down', at: entry.at, count: this.ids.size }];
    });
  }
}
