// What a scheduler reports for the cluster timeline from its event bus: each deployment once per
// phase, a task only when its state changed.
import { describe, expect, it } from 'vitest';
import type { MarathonEvent, PlanSummary } from '../../../src/scheduler/core/model.js';
import { TimelineReporter } from '../../../src/scheduler/timeline-report.js';

const timestamp = '2024-01-01T00:00:00.000Z';
const plan: PlanSummary = {
  id: 'd-1',
  version: timestamp,
  steps: [
    { actions: [{ action: 'StartApplication', app: '/shop/db' }] },
    {
      actions: [
        { action: 'StartApplication', app: '/shop/api' },
        { action: 'ScaleApplication', app: '/shop/db' },
      ],
    },
  ],
};

function status(taskStatus: string, message = ''): MarathonEvent {
  return {
    eventType: 'status_update_event',
    timestamp,
    slaveId: 'S1',
    taskId: 'web.1',
    taskStatus,
    message,
    appId: '/web',
    host: '127.0.0.1',
    ipAddresses: [],
    ports: [31000],
    version: timestamp,
  } as MarathonEvent;
}

describe('TimelineReporter', () => {
  it('reports a deployment when its first step is announced, once, and when it ends', () => {
    const reporter = new TimelineReporter();
    const info: MarathonEvent = {
      eventType: 'deployment_info',
      timestamp,
      plan,
      currentStep: plan.steps[0] ?? { actions: [] },
    };
    expect(reporter.report(info)).toEqual({
      type: 'deployment',
      phase: 'started',
      id: 'd-1',
      steps: ['StartApplication /shop/db', 'StartApplication /shop/api, ScaleApplication /shop/db'],
      apps: ['/shop/db', '/shop/api'],
      reason: '',
    });
    expect(reporter.report({ ...info, currentStep: plan.steps[1] ?? { actions: [] } })).toBeNull();
    expect(reporter.report({ eventType: 'deployment_success', timestamp, id: 'd-1', plan })).toMatchObject({
      phase: 'succeeded',
      apps: ['/shop/db', '/shop/api'],
    });
    expect(
      reporter.report({
        eventType: 'deployment_failed',
        timestamp,
        id: 'd-2',
        plan: { ...plan, id: 'd-2' },
        reason: 'cancelled',
      }),
    ).toMatchObject({ phase: 'failed', id: 'd-2', reason: 'cancelled' });
  });

  it('reports task states only when they change, and forgets a task once it is terminal', () => {
    const reporter = new TimelineReporter();
    expect(reporter.report(status('TASK_RUNNING'))).toEqual({
      type: 'task',
      taskId: 'web.1',
      appId: '/web',
      state: 'TASK_RUNNING',
      host: '127.0.0.1',
      ports: [31000],
      message: '',
    });
    expect(reporter.report(status('TASK_RUNNING'))).toBeNull();
    expect(reporter.report(status('TASK_KILLED', 'killed'))).toMatchObject({ state: 'TASK_KILLED', message: 'killed' });
    expect(reporter.report({ eventType: 'app_terminated_event', timestamp, appId: '/web' })).toBeNull();
  });
});
