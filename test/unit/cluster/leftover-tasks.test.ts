// How `down --purge` says what it stopped: one line naming each kind, nothing when nothing was left.
import { describe, expect, it } from 'vitest';
import { describeStoppedTasks } from '../../../src/cluster/leftover-tasks.js';

describe('describeStoppedTasks', () => {
  it('names each kind that was left, in the singular for one', () => {
    expect(describeStoppedTasks({ containers: 2, processGroups: 3 })).toBe('stopped 2 containers and 3 process groups');
    expect(describeStoppedTasks({ containers: 1, processGroups: 0 })).toBe('stopped 1 container');
    expect(describeStoppedTasks({ containers: 0, processGroups: 1 })).toBe('stopped 1 process group');
    expect(describeStoppedTasks({ containers: 0, processGroups: 0 })).toBeNull();
  });
});
