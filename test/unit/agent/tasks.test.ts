// Task lifecycle in the agent core: the task checkpointed before its launch, launch validation, STARTING →
// RUNNING → terminal states with exit codes and messages, kills with grace periods (also during launch),
// framework shutdown.
import { describe, expect, it } from 'vitest';
import { commandTask, FRAMEWORK, Harness, ofKind } from './harness.js';
import type { TaskInfo } from '../../../src/master/core/v1.js';

function dockerTask(id: string, docker: NonNullable<NonNullable<TaskInfo['container']>['docker']>): TaskInfo {
  return commandTask(id, { command: { shell: false }, container: { type: 'DOCKER', docker } });
}

function statesOf(h: Harness, id: string): string[] {
  return h.task(id).statuses.map((s) => s.state);
}

describe('agent task lifecycle', () => {
  it('launches into a Mesos sandbox and goes STARTING → RUNNING → FINISHED', () => {
    const h = new Harness();
    h.register();
    const out = h.run(commandTask('t1'));
    const [launch] = ofKind(out, 'launch');
    expect(launch?.task.sandbox).toBe('/var/lib/mesos/slaves/a1/frameworks/fw-1/executors/t1/runs/c1');
    const kinds = out.map((o) => o.kind);
    expect(kinds.indexOf('persistTask')).toBeLessThan(kinds.indexOf('launch'));
    expect(ofKind(out, 'persistTask')[0]?.task.containerId).toBe('c1');
    h.send({ kind: 'launched', containerId: 'c1', handle: { type: 'mesos', pid: 7, startTime: 's' } });
    h.send({ kind: 'exited', containerId: 'c1', status: { code: 0 } });
    expect(statesOf(h, 't1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    expect(h.task('t1').statuses[2]?.message).toBe('Command exited with status 0');
  });

  it('reports a non-zero exit and death by signal as TASK_FAILED', () => {
    const h = new Harness();
    h.register();
    h.run(commandTask('t1'));
    h.run(commandTask('t2'));
    h.send({ kind: 'launched', containerId: 'c1', handle: { type: 'mesos', pid: 7, startTime: 's' } });
    h.send({ kind: 'launched', containerId: 'c2', handle: { type: 'mesos', pid: 8, startTime: 's' } });
    h.send({ kind: 'exited', containerId: 'c1', status: { code: 3 } });
    h.send({ kind: 'exited', containerId: 'c2', status: { code: 137 } });
    expect(h.task('t1').statuses.at(-1)).toMatchObject({
      state: 'TASK_FAILED',
      message: 'Command exited with status 3',
    });
    expect(h.task('t2').statuses.at(-1)).toMatchObject({
      state: 'TASK_FAILED',
      message: 'Command terminated with signal SIGKILL',
    });
  });

  it('fails Docker tasks without Docker, and port mappings outside the task ports or on HOST', () => {
    const h = new Harness({ containerizers: ['mesos'] });
    h.register();
    h.run(dockerTask('t1', { image: 'busybox', network: 'BRIDGE' }));
    expect(h.task('t1').statuses.at(-1)).toMatchObject({
      state: 'TASK_FAILED',
      reason: 'REASON_CONTAINER_LAUNCH_FAILED',
      source: 'SOURCE_AGENT',
    });
    const d = new Harness();
    d.register();
    d.run(
      dockerTask('t2', {
        image: 'busybox',
        network: 'BRIDGE',
        port_mappings: [{ host_port: 31001, container_port: 80 }],
      }),
    );
    d.run(
      dockerTask('t3', {
        image: 'busybox',
        network: 'HOST',
        port_mappings: [{ host_port: 31000, container_port: 80 }],
      }),
    );
    const ok = d.run(
      dockerTask('t4', {
        image: 'busybox',
        network: 'BRIDGE',
        port_mappings: [{ host_port: 31000, container_port: 80 }],
      }),
    );
    expect(d.task('t2').statuses.at(-1)?.message).toBe('Port [31001] not included in resources');
    expect(d.task('t3').statuses.at(-1)?.message).toMatch(/only supported for bridge/);
    expect(ofKind(ok, 'launch')).toHaveLength(1);
  });

  it('kills with the policy grace period and reports TASK_KILLED', () => {
    const h = new Harness();
    h.register();
    h.run(commandTask('t1', { kill_policy: { grace_period: { nanoseconds: 2e9 } } }));
    h.send({ kind: 'launched', containerId: 'c1', handle: { type: 'mesos', pid: 7, startTime: 's' } });
    const kill = h.fromMaster({ type: 'KILL_TASK', framework_id: { value: 'fw-1' }, task_id: { value: 't1' } });
    expect(ofKind(kill, 'kill').map((k) => k.graceMs)).toEqual([2000]);
    h.send({ kind: 'exited', containerId: 'c1', status: { signal: 'SIGTERM' } });
    expect(h.task('t1').statuses.at(-1)).toMatchObject({
      state: 'TASK_KILLED',
      message: 'Command terminated with signal SIGTERM',
    });
  });

  it('sends TASK_KILLING to frameworks that can take it, and kills once a pending launch completes', () => {
    const h = new Harness();
    h.register();
    const framework = { ...FRAMEWORK, capabilities: [{ type: 'TASK_KILLING_STATE' }] };
    h.run(commandTask('t1'), framework);
    const kill = h.fromMaster({ type: 'KILL_TASK', framework_id: { value: 'fw-1' }, task_id: { value: 't1' } });
    expect(ofKind(kill, 'kill')).toEqual([]);
    const later = h.send({ kind: 'launched', containerId: 'c1', handle: { type: 'docker', id: 'd1' } });
    expect(ofKind(later, 'kill').map((k) => k.graceMs)).toEqual([3000]);
    expect(statesOf(h, 't1')).toEqual(['TASK_STARTING', 'TASK_KILLING']);
  });

  it('reports a kill during a failed launch as TASK_KILLED', () => {
    const h = new Harness();
    h.register();
    h.run(commandTask('t1'));
    h.fromMaster({ type: 'KILL_TASK', framework_id: { value: 'fw-1' }, task_id: { value: 't1' } });
    h.send({ kind: 'launchFailed', containerId: 'c1', message: 'pull failed' });
    expect(h.task('t1').statuses.at(-1)).toMatchObject({
      state: 'TASK_KILLED',
      reason: 'REASON_TASK_KILLED_DURING_LAUNCH',
    });
  });

  it('kills every task of a framework on SHUTDOWN_FRAMEWORK', () => {
    const h = new Harness();
    h.register();
    h.run(commandTask('t1'));
    h.run(commandTask('t2'));
    h.send({ kind: 'launched', containerId: 'c1', handle: { type: 'mesos', pid: 7, startTime: 's' } });
    h.send({ kind: 'launched', containerId: 'c2', handle: { type: 'mesos', pid: 8, startTime: 's' } });
    const out = h.fromMaster({ type: 'SHUTDOWN_FRAMEWORK', framework_id: { value: 'fw-1' } });
    expect(ofKind(out, 'kill').map((k) => k.task.info.task_id.value)).toEqual(['t1', 't2']);
  });

  it('refuses task ids that would escape the sandbox directory', () => {
    const h = new Harness();
    h.register();
    const out = h.run(commandTask('..'));
    expect(ofKind(out, 'launch')).toEqual([]);
    expect(h.task('..').statuses.at(-1)?.state).toBe('TASK_FAILED');
  });
});
