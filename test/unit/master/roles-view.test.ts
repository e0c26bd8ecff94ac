// /master/roles and a standby's /metrics/snapshot from the leading master's core: every role in use with
// Mesos 1.11's fields (weight, quota, allocated, offered, reserved, frameworks), and every master/* metric of
// the leader present on a standby, at zero.
import { describe, expect, it } from 'vitest';
import { metricsSnapshot, rolesJson, standbyMetrics } from '../../../src/master/core/view.js';
import { Harness, offers, only, task } from './harness.js';

describe('/master/roles', () => {
  it('lists `*` even when nothing runs', () => {
    expect(rolesJson(new Harness().master.view())).toEqual({
      roles: [
        {
          name: '*',
          weight: 1,
          quota: { role: '*', guarantee: {}, limit: {}, consumed: {} },
          resources: { cpus: 0, gpus: 0, mem: 0, disk: 0 },
          allocated: { cpus: 0, gpus: 0, mem: 0, disk: 0 },
          offered: { cpus: 0, gpus: 0, mem: 0, disk: 0 },
          reserved: { cpus: 0, gpus: 0, mem: 0, disk: 0 },
          frameworks: [],
        },
      ],
    });
  });

  it("shows what a role's tasks hold and what it is offered, and which frameworks use it", () => {
    const h = new Harness();
    const a1 = h.registerAgent('a1', 'cpus:4;mem:4096;disk:100;ports:[31000-31099]');
    h.registerAgent('a2', 'cpus:2;mem:1024');
    const fw = h.subscribe('web');
    const offer = only(offers(fw.out).filter((o) => o.agent_id.value === a1.agentId));
    h.launch(fw, offer, [task('t1', a1.agentId, 'cpus:1;mem:512;ports:[31000-31000]')]);
    const [role] = rolesJson(h.master.view()).roles;
    expect(role).toEqual({
      name: '*',
      weight: 1,
      quota: { role: '*', guarantee: {}, limit: {}, consumed: { cpus: 1, mem: 512 } },
      resources: { cpus: 3, gpus: 0, mem: 1536, disk: 0, ports: '[31000-31000]' },
      allocated: { cpus: 1, gpus: 0, mem: 512, disk: 0, ports: '[31000-31000]' },
      offered: { cpus: 2, gpus: 0, mem: 1024, disk: 0 },
      reserved: { cpus: 0, gpus: 0, mem: 0, disk: 0 },
      frameworks: [fw.frameworkId],
    });
  });
});

describe('/metrics/snapshot on a standby', () => {
  it("has every key of the leader's, elected 0 and the rest zero but the uptime", () => {
    const leader = metricsSnapshot(new Harness().master.view(), { now: 5_000, startedAt: 1_000 });
    const standby = standbyMetrics({ now: 5_000, startedAt: 1_000 });
    expect(Object.keys(standby).sort()).toEqual(Object.keys(leader).sort());
    expect(standby).toMatchObject({ 'master/elected': 0, 'master/uptime_secs': 4, 'master/tasks_running': 0 });
    for (const key of ['master/tasks_staging', 'master/tasks_killed', 'master/tasks_lost', 'master/cpus_total'])
      expect(standby[key]).toBe(0);
    expect(Object.values(standby).filter((v) => v !== 0)).toEqual([4]);
  });
});
