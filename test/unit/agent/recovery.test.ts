// Recovery planning: checkpoint + containerizer reports → follow running containers, report ended ones,
// interrupted launches and orphans; then re-registration with the same id replays pending updates.
import { describe, expect, it } from 'vitest';
import type { AgentTask, ContainerReport } from '../../../src/agent/core/protocol.js';
import { planRecovery } from '../../../src/agent/core/recovery.js';
import { commandTask, FRAMEWORK, Harness, messages, ofKind, updates } from './harness.js';

function checkpointedTask(id: string, over: Partial<AgentTask> = {}): AgentTask {
  return {
    framework: FRAMEWORK,
    info: commandTask(id),
    containerizer: 'mesos',
    containerId: `c-${id}`,
    sandbox: `/var/lib/mesos/slaves/a1/frameworks/fw-1/executors/${id}/runs/c-${id}`,
    state: 'TASK_RUNNING',
    statuses: [],
    pending: [],
    handle: { type: 'mesos', pid: 10, startTime: 's' },
    kill: null,
    ...over,
  };
}

const ORPHAN = { containerizer: 'docker' as const, id: 'd9', name: 'mesos-x' };
/** The processes of a launch the restart cut short. */
const PROCESS_ORPHAN = { containerizer: 'mesos' as const, id: 'c-unlaunched', name: 'process group 42' };

describe('agent recovery', () => {
  it('plans from the checkpoint and the containerizer reports', () => {
    const tasks = [
      checkpointedTask('running'),
      checkpointedTask('killing', { kill: { graceMs: 1000 } }),
      checkpointedTask('ended'),
      checkpointedTask('gone'),
      checkpointedTask('unlaunched', { state: 'TASK_STARTING', handle: null }),
      checkpointedTask('unacked', {
        state: 'TASK_FINISHED',
        pending: [{ task_id: { value: 'unacked' }, state: 'TASK_FINISHED', uuid: 'p1' }],
      }),
      checkpointedTask('done', { state: 'TASK_FAILED' }),
    ];
    const containers = new Map<string, ContainerReport>([
      ['c-running', { kind: 'running' }],
      ['c-killing', { kind: 'running' }],
      ['c-ended', { kind: 'exited', status: { code: 1 } }],
    ]);
    const plan = planRecovery({ agentId: 'a1', tasks }, { containers, orphans: [ORPHAN] });
    const ids = (list: AgentTask[]) => list.map((t) => t.info.task_id.value);
    expect(ids(plan.running)).toEqual(['running', 'killing']);
    expect(ids(plan.killAgain)).toEqual(['killing']);
    expect(plan.ended.map((e) => [e.task.info.task_id.value, e.status])).toEqual([
      ['ended', { code: 1 }],
      ['gone', null],
    ]);
    expect(ids(plan.interrupted)).toEqual(['unlaunched']);
    expect(ids(plan.unacknowledged)).toEqual(['unacked']);
    expect(ids(plan.done)).toEqual(['done']);
    expect(plan.orphans).toEqual([ORPHAN]);
  });

  it('applies the plan, then re-registers with the same id and replays the updates', () => {
    const h = new Harness();
    const tasks = [
      checkpointedTask('running'),
      checkpointedTask('ended'),
      checkpointedTask('unlaunched', { state: 'TASK_STARTING', handle: null }),
    ];
    const containers = new Map<string, ContainerReport>([
      ['c-running', { kind: 'running' }],
      ['c-ended', { kind: 'exited', status: { code: 0 } }],
    ]);
    const out = h.send({
      kind: 'recover',
      checkpointed: { agentId: 'a1', tasks },
      report: { containers, orphans: [ORPHAN, PROCESS_ORPHAN] },
    });
    expect(ofKind(out, 'watch').map((w) => w.task.containerId)).toEqual(['c-running']);
    expect(ofKind(out, 'destroyOrphan').map((d) => d.container.id)).toEqual(['d9', 'c-unlaunched']);
    const kinds = out.map((o) => o.kind);
    expect(kinds.lastIndexOf('persistTask')).toBeLessThan(kinds.indexOf('destroyOrphan'));
    expect(h.task('ended').statuses.at(-1)).toMatchObject({
      state: 'TASK_FINISHED',
      message: 'Command exited with status 0',
    });
    expect(h.task('unlaunched').statuses.at(-1)).toMatchObject({
      state: 'TASK_DROPPED',
      reason: 'REASON_AGENT_RESTARTED',
    });
    expect(messages(out)).toEqual([]);

    const reg = h.register('a1');
    const [rereg] = messages(reg);
    if (rereg?.type !== 'REREGISTER') throw new Error('expected REREGISTER');
    expect(rereg.tasks.map((t) => [t.task_id.value, t.state])).toEqual([
      ['running', 'TASK_RUNNING'],
      ['ended', 'TASK_FINISHED'],
      ['unlaunched', 'TASK_DROPPED'],
    ]);
    expect(updates(reg).map((u) => u.state)).toEqual(['TASK_FINISHED', 'TASK_DROPPED']);
  });

  it('reports a container that left no exit status as failed (or killed when a kill was asked for)', () => {
    const h = new Harness();
    const tasks = [checkpointedTask('a'), checkpointedTask('b', { kill: { graceMs: 0 } })];
    h.send({ kind: 'recover', checkpointed: { agentId: 'a1', tasks }, report: { containers: new Map(), orphans: [] } });
    expect(h.task('a').statuses.at(-1)).toMatchObject({ state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_TERMINATED' });
    expect(h.task('b').statuses.at(-1)?.state).toBe('TASK_KILLED');
  });
});
