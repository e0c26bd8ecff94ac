// Mesos-level health checks on the agent: reading TaskInfo.health_check with Mesos's defaults, folding
// results (grace period, consecutive_failures, reports only on change), and the core's RUNNING/healthy
// updates and kill.
import { describe, expect, it } from 'vitest';
import {
  type CheckState,
  foldResult,
  type MesosHealthCheck,
  readHealthCheck,
} from '../../../src/agent/health-checks.js';
import { commandTask, Harness, ofKind } from './harness.js';

describe('readHealthCheck', () => {
  it('fills in Mesos defaults', () => {
    expect(readHealthCheck({ type: 'TCP', tcp: { port: 8080 } })).toEqual({
      delaySeconds: 15,
      intervalSeconds: 10,
      timeoutSeconds: 20,
      consecutiveFailures: 3,
      gracePeriodSeconds: 10,
      probe: { type: 'TCP', port: 8080 },
    });
  });

  it('reads what Marathon sends for MESOS_HTTPS and COMMAND, and infers a missing type', () => {
    const timing = {
      delay_seconds: 1,
      interval_seconds: 2,
      timeout_seconds: 3,
      consecutive_failures: 0,
      grace_period_seconds: 4,
    };
    expect(readHealthCheck({ type: 'HTTP', http: { port: 80, path: '/ping', scheme: 'https' }, ...timing })).toEqual({
      delaySeconds: 1,
      intervalSeconds: 2,
      timeoutSeconds: 3,
      consecutiveFailures: 0,
      gracePeriodSeconds: 4,
      probe: { type: 'HTTP', port: 80, path: '/ping', https: true },
    });
    expect(readHealthCheck({ command: { value: 'true' } })?.probe).toEqual({
      type: 'COMMAND',
      command: { value: 'true' },
    });
  });

  it('is null without a check or without what its type needs', () => {
    expect(readHealthCheck(undefined)).toBeNull();
    expect(readHealthCheck({ type: 'HTTP' })).toBeNull();
    expect(readHealthCheck({ type: 'GRPC', grpc: { port: 1 } })).toBeNull();
  });
});

describe('foldResult', () => {
  const check = (over: Partial<MesosHealthCheck> = {}): MesosHealthCheck => ({
    delaySeconds: 0,
    intervalSeconds: 1,
    timeoutSeconds: 1,
    consecutiveFailures: 3,
    gracePeriodSeconds: 10,
    probe: { type: 'TCP', port: 1 },
    ...over,
  });
  const fresh: CheckState = { startedAt: 0, succeeded: false, consecutiveFailures: 0, healthy: null };

  function run(
    c: MesosHealthCheck,
    results: { passed: boolean; now: number }[],
  ): ReturnType<typeof foldResult>['report'][] {
    let state = fresh;
    return results.map((r) => {
      const out = foldResult(c, state, r);
      state = out.state;
      return out.report;
    });
  }

  it('ignores failures inside the grace period until the first success', () => {
    expect(
      run(check(), [
        { passed: false, now: 1000 },
        { passed: false, now: 9000 },
        { passed: false, now: 10_000 },
      ]),
    ).toEqual([null, null, { healthy: false, kill: false }]);
    expect(
      run(check(), [
        { passed: true, now: 1000 },
        { passed: false, now: 2000 },
      ]),
    ).toEqual([
      { healthy: true, kill: false },
      { healthy: false, kill: false },
    ]);
  });

  it('reports only changes, and the kill at consecutive_failures', () => {
    const at = (passed: boolean, s: number) => ({ passed, now: 20_000 + s * 1000 });
    expect(run(check(), [at(true, 0), at(true, 1), at(false, 2), at(false, 3), at(false, 4)])).toEqual([
      { healthy: true, kill: false },
      null,
      { healthy: false, kill: false },
      null,
      { healthy: false, kill: true },
    ]);
  });

  it('consecutive_failures 0 kills on the first failure', () => {
    expect(run(check({ consecutiveFailures: 0 }), [{ passed: false, now: 20_000 }])).toEqual([
      { healthy: false, kill: true },
    ]);
  });
});

describe('AgentCore health input', () => {
  function runningTask(): Harness {
    const h = new Harness();
    h.register();
    h.run(commandTask('web', { health_check: { type: 'TCP', tcp: { port: 31000 } } }));
    h.send({ kind: 'launched', containerId: 'c1', handle: { type: 'mesos', pid: 7, startTime: 's' } });
    return h;
  }

  it('a health change is a TASK_RUNNING update with healthy and the Mesos reason', () => {
    const h = runningTask();
    h.send({ kind: 'health', containerId: 'c1', healthy: false, kill: false, cause: 'connection refused' });
    expect(h.task('web').statuses.at(-1)).toMatchObject({
      state: 'TASK_RUNNING',
      healthy: false,
      reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED',
      message: 'connection refused',
    });
    expect(ofKind(h.log, 'kill')).toEqual([]);
  });

  it('a kill verdict kills the task, and its terminal update says unhealthy', () => {
    const h = runningTask();
    const out = h.send({ kind: 'health', containerId: 'c1', healthy: false, kill: true, cause: 'connection refused' });
    expect(ofKind(out, 'kill').map((k) => k.task.info.task_id.value)).toEqual(['web']);
    h.send({ kind: 'health', containerId: 'c1', healthy: true, kill: false, cause: null });
    h.send({ kind: 'exited', containerId: 'c1', status: { signal: 'SIGTERM' } });
    expect(h.task('web').statuses.map((s) => [s.state, s.healthy])).toEqual([
      ['TASK_STARTING', undefined],
      ['TASK_RUNNING', undefined],
      ['TASK_RUNNING', false],
      ['TASK_KILLED', false],
    ]);
  });
});
