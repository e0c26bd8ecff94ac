// The exit status `minicluster run` ends with, from the task's terminal status.
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../../src/api/run-task.js';
import type { TaskState } from '../../../src/master/core/v1.js';

const status = (state: TaskState, message?: string) => ({
  task_id: { value: 't' },
  state,
  ...(message === undefined ? {} : { message }),
});

describe('exitCodeOf', () => {
  it('is 0 when finished, the command status when it failed, 128 + n for a signal, 1 otherwise', () => {
    expect(exitCodeOf(status('TASK_FINISHED', 'Command exited with status 0'))).toBe(0);
    expect(exitCodeOf(status('TASK_FAILED', 'Command exited with status 3'))).toBe(3);
    expect(exitCodeOf(status('TASK_FAILED', 'Container exited with status 125'))).toBe(125);
    expect(exitCodeOf(status('TASK_KILLED', 'Command terminated with signal SIGTERM'))).toBe(143);
    expect(exitCodeOf(status('TASK_FAILED', 'Failed to launch container: no such image'))).toBe(1);
    expect(exitCodeOf(status('TASK_LOST'))).toBe(1);
  });
});
