// Reconciliation answers: implicit (every non-terminal task) and explicit (per the reference's table),
// never carrying a uuid; withheld for agents that may still re-register after a failover.
import { describe, expect, it } from 'vitest';
import { Harness, offers, only, task, updates, type FrameworkOptions } from './harness.js';

function withTasks(o: FrameworkOptions = {}) {
  const h = new Harness();
  const agent = h.registerAgent('a1');
  const fw = h.subscribe('web', o);
  h.launch(fw, only(offers(fw.out)), [
    task('t1', agent.agentId, 'cpus:1'),
    task('t2', agent.agentId, 'cpus:1'),
    task('t3', agent.agentId, 'cpus:1'),
  ]);
  h.statusUpdate(agent.connection, fw.frameworkId, { task_id: { value: 't1' }, state: 'TASK_RUNNING', uuid: 'u1' });
  h.statusUpdate(agent.connection, fw.frameworkId, { task_id: { value: 't3' }, state: 'TASK_FAILED', uuid: 'u3' });
  return { h, agent, fw };
}

describe('implicit reconciliation', () => {
  it('sends the latest state of every non-terminal task, from the master, without uuid', () => {
    const { h, agent, fw } = withTasks();
    h.advance(1000);
    const answers = updates(h.call(fw, { type: 'RECONCILE', reconcile: { tasks: [] } }));
    expect(answers).toEqual([
      {
        task_id: { value: 't1' },
        state: 'TASK_RUNNING',
        source: 'SOURCE_MASTER',
        reason: 'REASON_RECONCILIATION',
        message: 'Reconciliation: Latest task state',
        agent_id: { value: agent.agentId },
        timestamp: 1,
      },
      expect.objectContaining({ task_id: { value: 't2' }, state: 'TASK_STAGING' }),
    ]);
  });
});

describe('explicit reconciliation', () => {
  it('answers per task from what the master knows (partition-aware framework)', () => {
    const { h, agent, fw } = withTasks();
    const ask = (taskId: string, agentId?: string) =>
      only(
        updates(
          h.call(fw, {
            type: 'RECONCILE',
            reconcile: {
              tasks: [
                { task_id: { value: taskId }, ...(agentId === undefined ? {} : { agent_id: { value: agentId } }) },
              ],
            },
          }),
        ),
      );
    expect(ask('t1', agent.agentId)).toMatchObject({ state: 'TASK_RUNNING', reason: 'REASON_RECONCILIATION' });
    expect(ask('t3')).toMatchObject({ state: 'TASK_FAILED' });
    expect(ask('nope', agent.agentId)).toMatchObject({
      state: 'TASK_GONE',
      message: 'Reconciliation: Task is unknown to the agent',
    });
    expect(ask('nope', 'm0-S7')).toMatchObject({ state: 'TASK_UNKNOWN', message: 'Reconciliation: Task is unknown' });
    expect(ask('nope')).toMatchObject({ state: 'TASK_UNKNOWN' });
  });

  it('answers TASK_LOST for whatever is not known to a framework that is not partition-aware', () => {
    const { h, agent, fw } = withTasks({ partitionAware: false });
    const out = h.call(fw, {
      type: 'RECONCILE',
      reconcile: {
        tasks: [{ task_id: { value: 'nope' }, agent_id: { value: agent.agentId } }, { task_id: { value: 'nope' } }],
      },
    });
    expect(updates(out).map((s) => s.state)).toEqual(['TASK_LOST', 'TASK_LOST']);
  });

  it('answers TASK_UNREACHABLE with unreachable_time for tasks of an unreachable agent', () => {
    const { h, agent, fw } = withTasks();
    h.run(15_000 * 5);
    const unreachableAt = h.master.view().state.unreachable.get(agent.agentId);
    expect(unreachableAt).toBeDefined();
    const out = h.call(fw, {
      type: 'RECONCILE',
      reconcile: {
        tasks: [{ task_id: { value: 't1' } }, { task_id: { value: 'other' }, agent_id: { value: agent.agentId } }],
      },
    });
    const answers = updates(out);
    expect(answers.map((s) => s.state)).toEqual(['TASK_UNREACHABLE', 'TASK_UNREACHABLE']);
    expect(answers[0]?.unreachable_time).toEqual({ nanoseconds: unreachableAt! * 1e6 });
  });

  it('answers a KILL of an unknown task by reconciliation', () => {
    const { h, agent, fw } = withTasks();
    const out = h.call(fw, { type: 'KILL', kill: { task_id: { value: 'ghost' }, agent_id: { value: agent.agentId } } });
    expect(only(updates(out))).toMatchObject({
      task_id: { value: 'ghost' },
      state: 'TASK_GONE',
      reason: 'REASON_RECONCILIATION',
    });
  });

  it('withholds answers about agents that may still re-register after a failover', () => {
    const registry = {
      admitted: [{ id: { value: 'm0-S0' }, hostname: 'a1', port: 5051, resources: [] }],
      unreachable: [],
    };
    const h = new Harness({ registry });
    const fw = h.subscribe('web', { id: 'm0-0000' });
    const ask = (agentId?: string) =>
      updates(
        h.call(fw, {
          type: 'RECONCILE',
          reconcile: {
            tasks: [{ task_id: { value: 't1' }, ...(agentId === undefined ? {} : { agent_id: { value: agentId } }) }],
          },
        }),
      );
    expect(ask('m0-S0')).toEqual([]);
    expect(ask()).toEqual([]);
    expect(ask('m0-S5')).toMatchObject([{ state: 'TASK_UNKNOWN' }]);
    h.advance(600_000);
    expect(ask('m0-S0')).toMatchObject([{ state: 'TASK_UNREACHABLE' }]);
    expect(ask()).toMatchObject([{ state: 'TASK_UNKNOWN' }]);
  });
});
