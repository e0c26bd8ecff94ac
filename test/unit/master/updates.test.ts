// Status updates: forwarded to the framework with their uuid, acknowledged back to the agent; terminal
// updates free resources and complete the task once acknowledged; KILL reaches the agent.
import { describe, expect, it } from 'vitest';
import { agentMessages, Harness, logs, offers, only, task, updates } from './harness.js';

function running() {
  const h = new Harness();
  const agent = h.registerAgent('a1');
  const fw = h.subscribe('web');
  h.launch(fw, only(offers(fw.out)), [task('t1', agent.agentId, 'cpus:4;mem:4096')]);
  return { h, agent, fw };
}

describe('status updates', () => {
  it('forwards an update with its uuid and relays the acknowledgement to the agent', () => {
    const { h, agent, fw } = running();
    const out = h.statusUpdate(agent.connection, fw.frameworkId, {
      task_id: { value: 't1' },
      state: 'TASK_RUNNING',
      source: 'SOURCE_EXECUTOR',
      uuid: 'dXVpZC0x',
      timestamp: 12,
    });
    expect(only(updates(out, fw.frameworkId))).toEqual({
      task_id: { value: 't1' },
      state: 'TASK_RUNNING',
      source: 'SOURCE_EXECUTOR',
      uuid: 'dXVpZC0x',
      timestamp: 12,
      agent_id: { value: agent.agentId },
    });
    const rec = h.master.view().state.frameworks.get(fw.frameworkId)?.tasks.get('t1');
    expect(rec?.task).toMatchObject({
      state: 'TASK_RUNNING',
      status_update_state: 'TASK_RUNNING',
      status_update_uuid: 'dXVpZC0x',
    });

    const ack = h.call(fw, {
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: { value: agent.agentId }, task_id: { value: 't1' }, uuid: 'dXVpZC0x' },
    });
    expect(ack).toContainEqual({
      kind: 'toAgent',
      agentId: agent.agentId,
      connection: agent.connection,
      message: {
        type: 'ACKNOWLEDGE',
        framework_id: { value: fw.frameworkId },
        task_id: { value: 't1' },
        uuid: 'dXVpZC0x',
      },
    });
  });

  it('shows the latest state while older updates are unacknowledged', () => {
    const { h, agent, fw } = running();
    h.send({
      kind: 'statusUpdate',
      connection: agent.connection,
      update: {
        framework_id: { value: fw.frameworkId },
        status: { task_id: { value: 't1' }, state: 'TASK_STARTING', uuid: 'u1' },
        latest_state: 'TASK_RUNNING',
      },
    });
    expect(h.master.view().state.frameworks.get(fw.frameworkId)?.tasks.get('t1')?.task).toMatchObject({
      state: 'TASK_RUNNING',
      status_update_state: 'TASK_STARTING',
    });
  });

  it('frees resources on a terminal update and completes the task once it is acknowledged', () => {
    const { h, agent, fw } = running();
    const out = h.statusUpdate(agent.connection, fw.frameworkId, {
      task_id: { value: 't1' },
      state: 'TASK_FINISHED',
      uuid: 'u2',
    });
    expect(only(offers(out))).toBeDefined();
    const state = h.master.view().state;
    expect(state.frameworks.get(fw.frameworkId)?.tasks.has('t1')).toBe(true);
    h.call(fw, {
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: { value: agent.agentId }, task_id: { value: 't1' }, uuid: 'u2' },
    });
    const framework = state.frameworks.get(fw.frameworkId);
    expect(framework?.tasks.has('t1')).toBe(false);
    expect(framework?.completedTasks.map((r) => [r.task.task_id.value, r.task.state])).toEqual([
      ['t1', 'TASK_FINISHED'],
    ]);
    expect(state.counters['master/tasks_finished']).toBe(1);
  });

  it('keeps the state but drops the event while the framework is disconnected', () => {
    const { h, agent, fw } = running();
    h.send({ kind: 'streamClosed', streamId: fw.streamId });
    const out = h.statusUpdate(agent.connection, fw.frameworkId, {
      task_id: { value: 't1' },
      state: 'TASK_RUNNING',
      uuid: 'u3',
    });
    expect(updates(out)).toEqual([]);
    expect(logs(out).some((l) => l.startsWith('Dropping update TASK_RUNNING'))).toBe(true);
    expect(h.master.view().state.frameworks.get(fw.frameworkId)?.tasks.get('t1')?.task.state).toBe('TASK_RUNNING');
  });

  it('ignores updates from a connection that is not a registered agent', () => {
    const { h, fw } = running();
    const out = h.statusUpdate('stranger', fw.frameworkId, {
      task_id: { value: 't1' },
      state: 'TASK_FAILED',
      uuid: 'u4',
    });
    expect(updates(out)).toEqual([]);
    expect(h.master.view().state.counters['master/invalid_status_updates']).toBe(1);
  });

  it('sends KILL to the agent running the task', () => {
    const { h, agent, fw } = running();
    const out = h.call(fw, {
      type: 'KILL',
      kill: { task_id: { value: 't1' }, kill_policy: { grace_period: { nanoseconds: 1e9 } } },
    });
    expect(only(agentMessages(out, 'KILL_TASK'))).toEqual({
      type: 'KILL_TASK',
      framework_id: { value: fw.frameworkId },
      task_id: { value: 't1' },
      kill_policy: { grace_period: { nanoseconds: 1e9 } },
    });
    expect(out.find((o) => o.kind === 'toAgent' && o.message.type === 'KILL_TASK')).toMatchObject({
      agentId: agent.agentId,
      connection: agent.connection,
    });
  });
});
