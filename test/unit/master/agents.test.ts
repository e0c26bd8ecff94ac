// Agents: admission to the registry, pings and their timeout (tasks TASK_UNREACHABLE or TASK_LOST),
// coming back from unreachability, disconnection, and a new leading master waiting for re-registration.
import { describe, expect, it } from 'vitest';
import type { MasterOutput, Registry } from '../../../src/master/core/protocol.js';
import { parseResourceText } from '../../../src/master/core/resources.js';
import type { Task } from '../../../src/master/core/v1.js';
import { agentMessages, events, Harness, logs, offers, only, task, updates, type FrameworkOptions } from './harness.js';

function registries(out: MasterOutput[]): Registry[] {
  return out.flatMap((o) => (o.kind === 'persistRegistry' ? [o.registry] : []));
}

function withRunningTask(o: FrameworkOptions = {}) {
  const h = new Harness();
  const agent = h.registerAgent('a1');
  const fw = h.subscribe('web', o);
  h.launch(fw, only(offers(fw.out)), [task('t1', agent.agentId, 'cpus:1;mem:128')]);
  h.statusUpdate(agent.connection, fw.frameworkId, { task_id: { value: 't1' }, state: 'TASK_RUNNING', uuid: 'u1' });
  return { h, agent, fw };
}

function reportedTask(frameworkId: string, agentId: string, id: string): Task {
  return {
    name: id,
    task_id: { value: id },
    framework_id: { value: frameworkId },
    agent_id: { value: agentId },
    state: 'TASK_RUNNING',
    resources: parseResourceText('cpus:1;mem:128'),
    statuses: [],
  };
}

describe('registration', () => {
  it('admits an agent to the registry before telling it its id, then pings it', () => {
    const h = new Harness();
    const { agentId, out } = h.registerAgent('a1');
    expect(agentId).toBe('m1-S0');
    expect(out.filter((o) => o.kind !== 'log').map((o) => o.kind)).toEqual(['persistRegistry', 'toAgent', 'toAgent']);
    expect(only(registries(out)).admitted).toMatchObject([{ id: { value: 'm1-S0' }, hostname: 'a1' }]);
    expect(agentMessages(out, 'PING')).toHaveLength(1);
    expect(logs(out)).toContain(
      `Registered agent m1-S0 at slave(1)@127.0.0.1:5052 (a1) with cpus:4; mem:4096; disk:10000; ports:[31000-31099]`,
    );
    expect(h.registerAgent('a2').agentId).toBe('m1-S1');
  });
});

describe('health', () => {
  it('keeps an agent that answers pings', () => {
    const h = new Harness();
    const { connection } = h.registerAgent('a1');
    for (let i = 0; i < 20; i++) {
      const out = h.advance(15_000);
      expect(agentMessages(out, 'PING')).toHaveLength(1);
      h.send({ kind: 'agentPong', connection });
    }
    expect(h.master.view().state.agents.size).toBe(1);
  });

  it('marks an agent unreachable after max_agent_ping_timeouts: tasks TASK_UNREACHABLE, FAILURE, registry', () => {
    const { h, agent, fw } = withRunningTask();
    expect(h.run(15_000 * 4, 15_000).some((o) => o.kind === 'persistRegistry')).toBe(false);
    const out = h.advance(15_000);
    const registry = only(registries(out));
    expect(registry.admitted).toEqual([]);
    expect(registry.unreachable).toEqual([{ id: { value: agent.agentId }, timestamp: { nanoseconds: h.now * 1e6 } }]);
    expect(only(updates(out))).toMatchObject({
      task_id: { value: 't1' },
      state: 'TASK_UNREACHABLE',
      reason: 'REASON_AGENT_REMOVED',
      source: 'SOURCE_MASTER',
      unreachable_time: { nanoseconds: h.now * 1e6 },
    });
    expect(events(out, 'FAILURE')).toEqual([{ type: 'FAILURE', failure: { agent_id: { value: agent.agentId } } }]);
    const framework = h.master.view().state.frameworks.get(fw.frameworkId);
    expect(framework?.unreachableTasks.has('t1')).toBe(true);
    expect(logs(out)).toContain(
      `Marking agent ${agent.agentId} at slave(1)@127.0.0.1:5052 (a1) unreachable: health check timed out`,
    );
  });

  it('sends TASK_LOST instead to a framework that is not partition-aware', () => {
    const { h, fw } = withRunningTask({ partitionAware: false });
    const out = h.run(15_000 * 5, 15_000);
    expect(only(updates(out))).toMatchObject({ state: 'TASK_LOST', reason: 'REASON_AGENT_REMOVED' });
    expect(h.master.view().state.frameworks.get(fw.frameworkId)?.completedTasks).toHaveLength(1);
  });

  it('lets an unreachable agent re-register and re-sends the real state of its tasks', () => {
    const { h, agent, fw } = withRunningTask();
    h.run(15_000 * 5, 15_000);
    const out = h.send({
      kind: 'agentReregister',
      connection: 'conn-back',
      agent: {
        id: { value: agent.agentId },
        hostname: 'a1',
        port: 5051,
        resources: parseResourceText('cpus:4;mem:4096'),
      },
      pid: 'slave(1)@127.0.0.1:5052',
      version: '1.11.0',
      tasks: [reportedTask(fw.frameworkId, agent.agentId, 't1')],
      frameworks: [],
    });
    expect(only(registries(out))).toMatchObject({ admitted: [{ id: { value: agent.agentId } }], unreachable: [] });
    expect(only(updates(out))).toMatchObject({
      task_id: { value: 't1' },
      state: 'TASK_RUNNING',
      reason: 'REASON_AGENT_REREGISTERED',
    });
    expect(only(agentMessages(out, 'REREGISTERED')).agent_id).toEqual({ value: agent.agentId });
    const framework = h.master.view().state.frameworks.get(fw.frameworkId);
    expect(framework?.tasks.get('t1')?.task.state).toBe('TASK_RUNNING');
    expect(framework?.unreachableTasks.size).toBe(0);
  });
});

describe('disconnection', () => {
  it('loses the tasks of frameworks that do not checkpoint and keeps the others', () => {
    const h = new Harness();
    const agent = h.registerAgent('a1', 'cpus:4;mem:4096');
    const keep = h.subscribe('keep', { checkpoint: true });
    const lose = h.subscribe('lose', { checkpoint: false });
    const offer = only(offers(keep.out));
    const rest = only(offers(h.launch(keep, offer, [task('k1', agent.agentId, 'cpus:1')], 0), lose.frameworkId));
    h.launch(lose, rest, [task('l1', agent.agentId, 'cpus:1')]);
    const out = h.send({ kind: 'agentDisconnected', connection: agent.connection });
    expect(updates(out, lose.frameworkId)).toMatchObject([
      { task_id: { value: 'l1' }, state: 'TASK_DROPPED', reason: 'REASON_AGENT_DISCONNECTED' },
    ]);
    expect(updates(out, keep.frameworkId)).toEqual([]);
    expect(h.master.view().state.frameworks.get(keep.frameworkId)?.tasks.has('k1')).toBe(true);
  });

  it('drops tasks the agent no longer has when it comes back on a new connection', () => {
    const { h, agent, fw } = withRunningTask();
    h.send({ kind: 'agentDisconnected', connection: agent.connection });
    const out = h.send({
      kind: 'agentReregister',
      connection: 'conn-again',
      agent: { id: { value: agent.agentId }, hostname: 'a1', resources: parseResourceText('cpus:4;mem:4096') },
      pid: 'slave(1)@127.0.0.1:5052',
      version: '1.11.0',
      tasks: [],
      frameworks: [],
    });
    expect(only(updates(out))).toMatchObject({
      task_id: { value: 't1' },
      state: 'TASK_DROPPED',
      reason: 'REASON_RECONCILIATION',
    });
    expect(registries(out)).toEqual([]);
    expect(h.master.view().state.connections.get('conn-again')).toBe(agent.agentId);
    expect(h.master.view().state.frameworks.get(fw.frameworkId)?.tasks.size).toBe(0);
  });
});

describe('a new leading master', () => {
  const registry: Registry = {
    admitted: [
      { id: { value: 'm0-S0' }, hostname: 'a1', resources: parseResourceText('cpus:4;mem:4096') },
      { id: { value: 'm0-S1' }, hostname: 'a2', resources: parseResourceText('cpus:4;mem:4096') },
    ],
    unreachable: [],
  };

  it('learns tasks and frameworks from re-registering agents and marks the rest unreachable after the timeout', () => {
    const h = new Harness({ registry, agentReregisterTimeoutMs: 60_000 });
    const first = h.advance(0);
    expect(logs(first)).toContain('Recovered 2 agents from the registry; allowing 1mins for agents to reregister');
    const out = h.send({
      kind: 'agentReregister',
      connection: 'c1',
      agent: registry.admitted[0]!,
      pid: 'slave(1)@127.0.0.1:5051',
      version: '1.11.0',
      tasks: [reportedTask('m0-0000', 'm0-S0', 'web.1')],
      frameworks: [{ id: { value: 'm0-0000' }, user: 'root', name: 'web', failover_timeout: 3600 }],
    });
    expect(registries(out)).toEqual([]);
    const fw = h.master.view().state.frameworks.get('m0-0000');
    expect(fw).toMatchObject({ recovered: true, streamId: null, info: { name: 'web' } });
    expect(fw?.tasks.get('web.1')?.task.state).toBe('TASK_RUNNING');
    expect(h.master.view().state.recovered.has('m0-S1')).toBe(true);

    expect(h.run(59_000).some((o) => o.kind === 'persistRegistry')).toBe(false);
    const timeout = h.advance(1000);
    expect(only(registries(timeout))).toEqual({
      admitted: [registry.admitted[0]],
      unreachable: [{ id: { value: 'm0-S1' }, timestamp: { nanoseconds: 60_000 * 1e6 } }],
    });
    expect(logs(timeout)).toContain(
      'Marking agent m0-S1 (a2) unreachable: did not reregister within 1mins after master failover',
    );
    expect(h.master.view().state.counters['master/recovery_slave_removals']).toBe(1);
  });

  it('shuts down frameworks it removed when their agent comes back with their tasks', () => {
    const h = new Harness({ registry });
    const fw = h.subscribe('web', { id: 'm0-0000' });
    h.call(fw, { type: 'TEARDOWN' });
    const out = h.send({
      kind: 'agentReregister',
      connection: 'c1',
      agent: registry.admitted[0]!,
      pid: 'slave(1)@127.0.0.1:5051',
      version: '1.11.0',
      tasks: [reportedTask('m0-0000', 'm0-S0', 'web.1')],
      frameworks: [],
    });
    expect(agentMessages(out, 'SHUTDOWN_FRAMEWORK')).toEqual([
      { type: 'SHUTDOWN_FRAMEWORK', framework_id: { value: 'm0-0000' } },
    ]);
    expect(h.master.view().state.frameworks.size).toBe(0);
  });
});
