// The agent's endpoint bodies from its core: `/slave(1)/state` writes `role` on every executor and task (a
// multi-role framework has none of its own) and the build facts; `/slave(1)/monitor/statistics` lists the
// running executors in Mesos's shape with their limits and what the shell measured.
// biome-ignore-all lint/suspicious/noExplicitAny: these tests walk the endpoint's untyped JSON answer
import { describe, expect, it } from 'vitest';
import { monitorStatistics, agentState, type StateExtras } from '../../../src/agent/core/view.js';
import { BUILD } from '../../../src/common/build-info.js';
import { parseResourceText, resourcesToV1, resourcesFromV1 } from '../../../src/master/core/resources.js';
import type { FrameworkInfo } from '../../../src/master/core/v1.js';
import { commandTask, FRAMEWORK, Harness } from './harness.js';

const MULTI_ROLE: FrameworkInfo = {
  ...FRAMEWORK,
  roles: ['*', 'web'],
  capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }],
};

const extras: StateExtras = {
  startTime: 1,
  pid: 'slave(1)@127.0.0.1:5051',
  flags: { work_dir: '/var/lib/mesos', log_dir: '/var/log/mesos' },
  build: BUILD,
};

/** A registered agent running t1 (allocated to `web` by a multi-role framework) and t2 (of a one-role framework). */
function running(): Harness {
  const h = new Harness();
  h.register();
  const allocated = resourcesToV1(resourcesFromV1(parseResourceText('cpus:0.5;mem:64;disk:10')), 'web');
  h.run(commandTask('t1', { resources: allocated }), MULTI_ROLE);
  h.run(commandTask('t2'), { ...FRAMEWORK, id: { value: 'fw-2' }, role: 'batch' });
  h.send({ kind: 'launched', containerId: 'c1', handle: { type: 'mesos', pid: 7, startTime: 's' } });
  return h;
}

describe('/slave(1)/state', () => {
  it("writes every executor's and task's role: the allocation's, else the framework's", () => {
    const state = agentState(running().core.view(), extras) as Record<string, any>;
    const byId = new Map<string, any>(
      state.frameworks.flatMap((f: any) => f.executors.map((e: any) => [e.id, e] as const)),
    );
    expect(byId.get('t1')).toMatchObject({ role: 'web', tasks: [{ id: 't1', role: 'web' }] });
    expect(byId.get('t2')).toMatchObject({ role: 'batch', tasks: [{ id: 't2', role: 'batch' }] });
    const multi = state.frameworks.find((f: any) => f.id === 'fw-1');
    expect(multi).toMatchObject({ roles: ['*', 'web'] });
    expect(multi.role).toBeUndefined();
  });

  it('reports the build facts and log_dir beside the flags', () => {
    const state = agentState(running().core.view(), extras) as Record<string, any>;
    expect(state).toMatchObject({ ...BUILD, log_dir: '/var/log/mesos', flags: { log_dir: '/var/log/mesos' } });
    expect(state['build_time']).toBeGreaterThan(0);
    expect(state['build_date']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});

describe('/slave(1)/monitor/statistics', () => {
  it('lists each running executor with its limits and the usage measured, in Mesos words', () => {
    const h = running();
    const usage = new Map([
      ['c1', { cpus_user_time_secs: 1.5, cpus_system_time_secs: 0.25, mem_rss_bytes: 4096, disk_used_bytes: 8192 }],
    ]);
    expect(monitorStatistics(h.core.view(), usage, 12_500)).toEqual([
      {
        executor_id: 't1',
        executor_name: "Command Executor (Task: t1) (Command: sh -c 'sleep 100')",
        framework_id: 'fw-1',
        source: 't1',
        statistics: {
          timestamp: 12.5,
          cpus_user_time_secs: 1.5,
          cpus_system_time_secs: 0.25,
          cpus_limit: 0.5,
          mem_limit_bytes: 64 * 1024 * 1024,
          mem_rss_bytes: 4096,
          disk_limit_bytes: 10 * 1024 * 1024,
          disk_used_bytes: 8192,
        },
      },
    ]);
  });

  it('leaves out what was not measured, and executors not running', () => {
    const h = running();
    h.send({ kind: 'launched', containerId: 'c2', handle: { type: 'mesos', pid: 8, startTime: 's' } });
    h.send({ kind: 'exited', containerId: 'c1', status: { code: 0 } });
    const [only, ...rest] = monitorStatistics(h.core.view(), new Map(), 1_000);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ executor_id: 't2', framework_id: 'fw-2' });
    expect(Object.keys(only?.statistics ?? {})).toEqual([
      'timestamp',
      'cpus_limit',
      'mem_limit_bytes',
      'disk_limit_bytes',
    ]);
  });
});
