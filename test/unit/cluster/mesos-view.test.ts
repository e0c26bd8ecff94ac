// MesosView: elections with the leaderless gap, registrations and re-registrations, the failover
// summary once every running agent is back, and what counts as ready.
import { describe, expect, it } from 'vitest';
import { MesosView } from '../../../src/cluster/core/mesos-view.js';
import type { TimelineEntry } from '../../../src/cluster/core/timeline.js';

const MASTERS = [
  { name: 'master-1', port: 5051 },
  { name: 'master-2', port: 5052 },
];
const AGENTS = [
  { name: 'agent-1', port: 6001 },
  { name: 'agent-2', port: 6002 },
];

function started(now = 0): MesosView {
  const view = new MesosView({ masters: MASTERS, agents: AGENTS });
  for (const { name, port } of MASTERS) {
    view.apply({ type: 'launched', name }, now);
    view.apply({ type: 'master-message', name, message: { type: 'ready', url: `http://127.0.0.1:${port}` } }, now);
  }
  for (const { name } of AGENTS) {
    view.apply({ type: 'launched', name }, now);
    view.apply({ type: 'agent-message', name, message: { type: 'ready' } }, now);
  }
  return view;
}

function lead(view: MesosView, name: string, now: number): TimelineEntry[] {
  return view.apply({ type: 'master-message', name, message: { type: 'state', role: 'leading', leader: null } }, now);
}

function register(view: MesosView, agent: string, masterPort: number, now: number, tasks = 0): TimelineEntry[] {
  const message = {
    type: 'state',
    registered: true,
    agentId: `${agent}-id`,
    master: `master@127.0.0.1:${masterPort}`,
    tasks,
  } as const;
  return view.apply({ type: 'agent-message', name: agent, message }, now);
}

function lose(view: MesosView, agent: string, masterPort: number, now: number, tasks = 0): TimelineEntry[] {
  const message = {
    type: 'state',
    registered: false,
    agentId: `${agent}-id`,
    master: `master@127.0.0.1:${masterPort}`,
    tasks,
  } as const;
  return view.apply({ type: 'agent-message', name: agent, message }, now);
}

describe('MesosView', () => {
  it('reports the first election, first registrations, and is ready once every agent registered with the leader', () => {
    const view = started(1_000);
    expect(view.notReady()).toBe('no master is leading yet');
    expect(lead(view, 'master-2', 1_400)).toEqual([
      { type: 'master-elected', at: 1_400, master: 'master-2', leaderlessMs: 400 },
    ]);
    expect(view.notReady()).toBe('agent-1, agent-2 not registered with master-2 yet');
    expect(register(view, 'agent-1', 5052, 1_500)).toEqual([
      {
        type: 'agent-registered',
        at: 1_500,
        agent: 'agent-1',
        master: 'master-2',
        agentId: 'agent-1-id',
        again: false,
      },
    ]);
    register(view, 'agent-2', 5052, 1_510);
    expect(view.notReady()).toBeNull();
    expect(view.agent('agent-1')).toMatchObject({
      registered: true,
      master: 'master-2',
      agentId: 'agent-1-id',
      process: 'running',
    });
  });

  it('sums a failover up once the new leader has every running agent: lost → leading after → re-registered after; tasks kept', () => {
    const view = started();
    lead(view, 'master-1', 10);
    register(view, 'agent-1', 5051, 20, 2);
    register(view, 'agent-2', 5051, 20, 1);
    expect(view.apply({ type: 'killed', name: 'master-1' }, 1_000)).toEqual([
      { type: 'master-killed', at: 1_000, master: 'master-1', leading: true },
    ]);
    expect(view.leading()).toBeNull();
    expect(lose(view, 'agent-1', 5051, 1_010, 2)).toEqual([
      { type: 'agent-disconnected', at: 1_010, agent: 'agent-1', master: 'master-1' },
    ]);
    lose(view, 'agent-2', 5051, 1_010, 1);
    expect(lead(view, 'master-2', 1_900)).toEqual([
      { type: 'master-elected', at: 1_900, master: 'master-2', leaderlessMs: 900 },
    ]);
    expect(register(view, 'agent-1', 5052, 2_000, 2)).toEqual([
      { type: 'agent-registered', at: 2_000, agent: 'agent-1', master: 'master-2', agentId: 'agent-1-id', again: true },
    ]);
    expect(register(view, 'agent-2', 5052, 2_100, 1)).toEqual([
      { type: 'agent-registered', at: 2_100, agent: 'agent-2', master: 'master-2', agentId: 'agent-2-id', again: true },
      {
        type: 'failover',
        at: 2_100,
        lost: 'master-1',
        how: 'killed',
        leader: 'master-2',
        leaderlessMs: 900,
        reregistered: 2,
        agents: 2,
        afterMs: 1_100,
        tasks: 3,
      },
    ]);
    expect(view.notReady()).toBeNull();
  });

  it('leaves a killed agent out of the failover, and counts an agent that comes back with its old id as re-registered', () => {
    const view = started();
    lead(view, 'master-1', 0);
    register(view, 'agent-1', 5051, 0);
    register(view, 'agent-2', 5051, 0);
    expect(view.apply({ type: 'killed', name: 'agent-2' }, 100)).toEqual([
      { type: 'agent-killed', at: 100, agent: 'agent-2' },
    ]);
    view.apply({ type: 'exited', name: 'agent-2', code: 1 }, 101);
    view.apply(
      { type: 'master-message', name: 'master-1', message: { type: 'state', role: 'standby', leader: null } },
      200,
    );
    lead(view, 'master-2', 500);
    expect(register(view, 'agent-1', 5052, 600).at(-1)).toMatchObject({
      type: 'failover',
      how: 'deposed',
      reregistered: 1,
      agents: 2,
      afterMs: 400,
    });
    view.apply({ type: 'launched', name: 'agent-2' }, 700);
    view.apply(
      {
        type: 'agent-message',
        name: 'agent-2',
        message: { type: 'state', registered: false, agentId: 'agent-2-id', master: null, tasks: 0 },
      },
      750,
    );
    expect(register(view, 'agent-2', 5052, 800)).toEqual([
      { type: 'agent-registered', at: 800, agent: 'agent-2', master: 'master-2', agentId: 'agent-2-id', again: true },
    ]);
  });

  it('reports a master that exits on its own, and names masters that are not ours by their pid', () => {
    const view = started();
    lead(view, 'master-1', 0);
    expect(view.apply({ type: 'exited', name: 'master-1', code: 1 }, 50)).toEqual([
      { type: 'component-exited', at: 50, component: 'master-1', code: 1 },
    ]);
    expect(view.master('master-1')).toMatchObject({ process: 'exited', role: null });
    register(view, 'agent-1', 7777, 60);
    expect(view.agent('agent-1')?.master).toBe('master@127.0.0.1:7777');
    expect(view.apply({ type: 'killed', name: 'master-1' }, 70)).toHaveLength(1);
    expect(view.apply({ type: 'exited', name: 'master-1', code: null }, 80)).toEqual([]);
  });
});
