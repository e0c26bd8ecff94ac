// How the timeline's deployment, task and failover events read, and how task state changes are kept
// from flooding it.
import { describe, expect, it } from 'vitest';
import { TaskEventLimiter } from '../../../src/cluster/core/task-events.js';
import { describeEvent, type TimelineEntry } from '../../../src/cluster/core/timeline.js';

const failover = {
  type: 'failover',
  lost: 'master-1',
  how: 'killed',
  leader: 'master-2',
  leaderlessMs: 900,
  reregistered: 2,
  agents: 2,
  afterMs: 1_100,
} as const;

function taskState(at: number, state = 'TASK_RUNNING'): Extract<TimelineEntry, { type: 'task-state' }> {
  return {
    type: 'task-state',
    at,
    task: `web.${at}`,
    app: '/web',
    state,
    host: '127.0.0.1',
    ports: [31000],
    message: '',
  };
}

describe('timeline texts', () => {
  it('ends a failover with the tasks that kept running (and reads older entries without the count)', () => {
    expect(describeEvent({ ...failover, tasks: 3 })).toBe(
      'master-1 lost (killed) → master-2 leading after 0.9 s → 2/2 agents re-registered after 1.1 s; 3 tasks kept running',
    );
    expect(describeEvent({ ...failover, tasks: 1 })).toMatch(/; 1 task kept running$/);
    expect(describeEvent(failover)).toBe(
      'master-1 lost (killed) → master-2 leading after 0.9 s → 2/2 agents re-registered after 1.1 s',
    );
  });

  it('tells deployments with their steps, their end and why they stopped', () => {
    expect(
      describeEvent({
        type: 'deployment-started',
        deployment: 'd-1',
        steps: ['StartApplication /shop/db', 'StartApplication /shop/api'],
      }),
    ).toBe('deployment d-1 started: step 1: StartApplication /shop/db; step 2: StartApplication /shop/api');
    expect(describeEvent({ type: 'deployment-succeeded', deployment: 'd-1', apps: ['/shop/db', '/shop/api'] })).toBe(
      'deployment d-1 of /shop/db, /shop/api succeeded',
    );
    expect(describeEvent({ type: 'deployment-failed', deployment: 'd-2', apps: ['/web'], reason: 'cancelled' })).toBe(
      'deployment d-2 of /web stopped: cancelled',
    );
  });

  it('tells a task state change with its app, host:port and message', () => {
    expect(describeEvent(taskState(1))).toBe('task web.1 of /web TASK_RUNNING on 127.0.0.1:31000');
    expect(describeEvent({ ...taskState(2, 'TASK_FAILED'), ports: [], message: 'Command exited with status 3' })).toBe(
      'task web.2 of /web TASK_FAILED on 127.0.0.1 (Command exited with status 3)',
    );
    expect(
      describeEvent({
        type: 'task-states-skipped',
        count: 480,
        states: { TASK_STAGING: 240, TASK_RUNNING: 240 },
        periodMs: 1_000,
      }),
    ).toBe('480 more task state changes in 1.0 s not listed (TASK_STAGING 240, TASK_RUNNING 240)');
  });
});

describe('TaskEventLimiter', () => {
  it('lets the first N of a second through and sums up the rest once the second is over', () => {
    const limiter = new TaskEventLimiter(2);
    expect(limiter.admit(taskState(0))).toHaveLength(1);
    expect(limiter.admit(taskState(100))).toHaveLength(1);
    expect(limiter.admit(taskState(200))).toEqual([]);
    expect(limiter.admit(taskState(300, 'TASK_KILLED'))).toEqual([]);
    expect(limiter.dueAt()).toBe(1_000);
    expect(limiter.flush(999)).toEqual([]);
    expect(limiter.flush(1_000)).toEqual([
      {
        type: 'task-states-skipped',
        at: 1_000,
        count: 2,
        states: { TASK_RUNNING: 1, TASK_KILLED: 1 },
        periodMs: 1_000,
      },
    ]);
    expect(limiter.dueAt()).toBeNull();
    expect(limiter.admit(taskState(1_100))).toEqual([taskState(1_100)]);
  });

  it('puts the summary before the first change of the next second when no flush came in between', () => {
    const limiter = new TaskEventLimiter(1);
    limiter.admit(taskState(0));
    limiter.admit(taskState(10));
    expect(limiter.admit(taskState(1_500)).map((e) => e.type)).toEqual(['task-states-skipped', 'task-state']);
    limiter.admit(taskState(1_600));
    expect(limiter.flush(1_700)).toEqual([]);
    expect(limiter.flush(1_700, true)).toMatchObject([{ count: 1, periodMs: 200 }]);
  });
});
