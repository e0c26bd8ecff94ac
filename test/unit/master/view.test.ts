// The read-only endpoint views: /master/state, state-summary, frameworks, slaves, tasks and the
// master/* metrics, in the v0 shapes the web UI and tools read.
// biome-ignore-all lint/suspicious/noExplicitAny: these tests walk the endpoints' untyped JSON answers
import { describe, expect, it } from 'vitest';
import {
  frameworksJson,
  metricsSnapshot,
  slavesJson,
  stateJson,
  stateSummaryJson,
  tasksJson,
  type MasterIdentity,
} from '../../../src/master/core/view.js';
import { Harness, offers, only, task } from './harness.js';

const identity: MasterIdentity = {
  version: '1.11.0',
  build_date: '2024-08-23',
  build_time: 1724371200,
  build_user: 'minicluster',
  startedAt: 0,
  flags: { port: '5050' },
};

function cluster() {
  const h = new Harness();
  const a1 = h.registerAgent('a1', 'cpus:4;mem:4096;disk:100;ports:[31000-31099]');
  h.registerAgent('a2', 'cpus:4;mem:4096');
  const fw = h.subscribe('web');
  const offer = only(offers(fw.out).filter((o) => o.agent_id.value === a1.agentId));
  h.now = 2_000;
  h.launch(fw, offer, [
    task('t1', a1.agentId, 'cpus:1;mem:512;ports:[31000-31000]'),
    task('t2', a1.agentId, 'cpus:1;mem:512'),
  ]);
  h.statusUpdate(a1.connection, fw.frameworkId, {
    task_id: { value: 't1' },
    state: 'TASK_RUNNING',
    uuid: 'u1',
    timestamp: 3,
  });
  h.statusUpdate(a1.connection, fw.frameworkId, {
    task_id: { value: 't2' },
    state: 'TASK_RUNNING',
    uuid: 'u2',
    timestamp: 4,
  });
  h.statusUpdate(a1.connection, fw.frameworkId, {
    task_id: { value: 't2' },
    state: 'TASK_FAILED',
    uuid: 'u3',
    timestamp: 5,
  });
  h.call(fw, {
    type: 'ACKNOWLEDGE',
    acknowledge: { agent_id: { value: a1.agentId }, task_id: { value: 't2' }, uuid: 'u3' },
  });
  return { h, a1, fw };
}

describe('endpoint views', () => {
  it('renders /master/state with agents, frameworks, tasks and the leader', () => {
    const { h, a1, fw } = cluster();
    const state = stateJson(h.master.view(), identity) as Record<string, any>;
    expect(state).toMatchObject({
      version: '1.11.0',
      id: 'm1',
      pid: 'master@127.0.0.1:5050',
      leader: 'master@127.0.0.1:5050',
      leader_info: { id: 'm1', port: 5050, hostname: 'localhost' },
      activated_slaves: 2,
      deactivated_slaves: 0,
      unreachable_slaves: 0,
      flags: { port: '5050' },
      orphan_tasks: [],
      unregistered_frameworks: [],
    });
    const agent = state.slaves.find((s: any) => s.id === a1.agentId);
    expect(agent).toMatchObject({
      hostname: 'a1',
      pid: 'slave(1)@127.0.0.1:5052',
      active: true,
      resources: { cpus: 4, gpus: 0, mem: 4096, disk: 100, ports: '[31000-31099]' },
      used_resources: { cpus: 1, gpus: 0, mem: 512, disk: 0, ports: '[31000-31000]' },
    });
    const framework = only(state.frameworks as any[]);
    expect(framework).toMatchObject({
      id: fw.frameworkId,
      name: 'web',
      active: true,
      connected: true,
      roles: ['*'],
      checkpoint: true,
    });
    expect(only(framework.tasks as any[])).toMatchObject({
      id: 't1',
      slave_id: a1.agentId,
      state: 'TASK_RUNNING',
      executor_id: '',
      role: '*',
      statuses: [{ state: 'TASK_RUNNING', timestamp: 3 }],
    });
    expect(framework.completed_tasks.map((t: any) => [t.id, t.state])).toEqual([['t2', 'TASK_FAILED']]);
  });

  it('counts tasks per state in /master/state-summary', () => {
    const { h, a1, fw } = cluster();
    const summary = stateSummaryJson(h.master.view(), identity) as Record<string, any>;
    const agent = summary.slaves.find((s: any) => s.id === a1.agentId);
    expect(agent).toMatchObject({ TASK_RUNNING: 1, TASK_FAILED: 1, TASK_STAGING: 0, framework_ids: [fw.frameworkId] });
    expect(only(summary.frameworks as any[])).toMatchObject({
      id: fw.frameworkId,
      TASK_RUNNING: 1,
      TASK_FAILED: 1,
      slave_ids: [a1.agentId],
    });
  });

  it('filters /master/frameworks and /master/slaves by id', () => {
    const { h, a1, fw } = cluster();
    expect((frameworksJson(h.master.view(), { frameworkId: 'nope' }) as any).frameworks).toEqual([]);
    expect((frameworksJson(h.master.view(), { frameworkId: fw.frameworkId }) as any).frameworks).toHaveLength(1);
    const slaves = slavesJson(h.master.view(), { slaveId: a1.agentId }) as any;
    expect(only(slaves.slaves as any[]).used_resources_full).toContainEqual({
      name: 'ports',
      type: 'RANGES',
      ranges: { range: [{ begin: 31000, end: 31000 }] },
      role: '*',
    });
    expect(slaves.recovered_slaves).toEqual([]);
  });

  it('lists /master/tasks newest first with limit and offset', () => {
    const { h } = cluster();
    const ids = (q: Parameters<typeof tasksJson>[1]) =>
      ((tasksJson(h.master.view(), q) as any).tasks as any[]).map((t) => t.id);
    expect(ids({})).toEqual(['t2', 't1']);
    expect(ids({ order: 'asc' })).toEqual(['t1', 't2']);
    expect(ids({ limit: 1, offset: 1 })).toEqual(['t1']);
    expect(ids({ taskId: 't2' })).toEqual(['t2']);
  });

  it('reports master/* metrics', () => {
    const { h } = cluster();
    const m = metricsSnapshot(h.master.view(), { now: 10_000, startedAt: 0 });
    expect(m).toMatchObject({
      'master/elected': 1,
      'master/uptime_secs': 10,
      'master/slaves_active': 2,
      'master/frameworks_active': 1,
      'master/tasks_running': 1,
      'master/tasks_failed': 1,
      'master/tasks_staging': 0,
      'master/cpus_total': 8,
      'master/cpus_used': 1,
      'master/cpus_percent': 0.125,
      'master/slave_registrations': 2,
      'master/valid_status_updates': 3,
    });
    expect(m['master/outstanding_offers']).toBe(h.master.view().state.offers.size);
  });
});
