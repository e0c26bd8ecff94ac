// EnsembleView: roles, leader loss and election timing, and what counts as settled.
import { describe, expect, it } from 'vitest';
import { EnsembleView, roleOf } from '../../../src/cluster/core/ensemble-view.js';
import type { ServerPhase, ServerState } from '../../../src/cluster/member-config.js';

function started(names: string[], now = 0): EnsembleView {
  const view = new EnsembleView(names, now);
  names.forEach((member, i) => {
    view.apply({ type: 'forked', member, pid: 100 + i }, now);
    view.apply({ type: 'message', member, message: { type: 'ready' } }, now);
  });
  return view;
}

function report(
  view: EnsembleView,
  member: string,
  state: ServerState,
  now: number,
  zxid = '0x100000000',
  phase: ServerPhase = state === 'LOOKING' ? 'election' : 'broadcast',
) {
  const message = { type: 'state', state, phase, zxid, leader: null, epoch: 1 } as const;
  return view.apply({ type: 'message', member, message }, now);
}

describe('EnsembleView', () => {
  it('reports the first election with the time spent without a leader since start', () => {
    const view = started(['zk-1', 'zk-2', 'zk-3'], 1_000);
    report(view, 'zk-1', 'FOLLOWING', 1_300);
    const events = report(view, 'zk-3', 'LEADING', 1_400);
    expect(events).toContainEqual({ type: 'leader-elected', at: 1_400, member: 'zk-3', leaderlessMs: 400 });
    expect(view.leader()?.name).toBe('zk-3');
    expect(view.settled()).toBe(false);
    report(view, 'zk-2', 'FOLLOWING', 1_420, '0x100000000', 'synchronization');
    expect(view.settled()).toBe(false);
    report(view, 'zk-2', 'FOLLOWING', 1_450);
    expect(view.settled()).toBe(true);
  });

  it('a killed leader starts the leaderless clock; the next leader reports how long it lasted', () => {
    const view = started(['zk-1', 'zk-2', 'zk-3']);
    report(view, 'zk-1', 'FOLLOWING', 10);
    report(view, 'zk-2', 'FOLLOWING', 10);
    report(view, 'zk-3', 'LEADING', 10);
    const killed = view.apply({ type: 'killed', member: 'zk-3' }, 5_000);
    expect(killed).toEqual([
      { type: 'member-killed', at: 5_000, member: 'zk-3', pid: 102, role: 'leader' },
      { type: 'leader-lost', at: 5_000, member: 'zk-3' },
    ]);
    expect(view.apply({ type: 'exited', member: 'zk-3', code: null, signal: 'SIGKILL' }, 5_001)).toEqual([]);
    expect(view.member('zk-3')).toMatchObject({ process: 'killed', pid: null, serverState: null });
    report(view, 'zk-1', 'LOOKING', 5_010);
    expect(view.leader()).toBeUndefined();
    const elected = report(view, 'zk-2', 'LEADING', 5_420, '0x200000000');
    expect(elected).toContainEqual({ type: 'leader-elected', at: 5_420, member: 'zk-2', leaderlessMs: 420 });
  });

  it('a leader that drops to LOOKING is a lost leader too', () => {
    const view = started(['zk-1', 'zk-2', 'zk-3']);
    report(view, 'zk-2', 'LEADING', 10);
    const events = report(view, 'zk-2', 'LOOKING', 900);
    expect(events.map((e) => e.type)).toEqual(['leader-lost', 'member-state']);
    expect(report(view, 'zk-1', 'LEADING', 1_000)).toContainEqual(
      expect.objectContaining({ type: 'leader-elected', leaderlessMs: 100 }),
    );
  });

  it('an unexpected exit is reported with its code, and a repeated state is not an event', () => {
    const view = started(['zk-1']);
    report(view, 'zk-1', 'FOLLOWING', 1);
    expect(report(view, 'zk-1', 'FOLLOWING', 2, '0x5')).toEqual([]);
    expect(view.member('zk-1')?.zxid).toBe(5n);
    expect(view.apply({ type: 'exited', member: 'zk-1', code: 3, signal: null }, 9)).toEqual([
      { type: 'member-exited', at: 9, member: 'zk-1', code: 3, signal: null },
    ]);
    expect(view.member('zk-1')?.process).toBe('exited');
  });

  it('maps server states to roles, with no role before the first report', () => {
    const view = started(['zk-1', 'zk-4']);
    expect(roleOf(view.member('zk-1')!)).toBeNull();
    report(view, 'zk-4', 'OBSERVING', 1);
    expect(roleOf(view.member('zk-4')!)).toBe('observer');
  });

  it('picks the leader with the newest zxid when a stale claim is still around', () => {
    const view = started(['zk-1', 'zk-2']);
    report(view, 'zk-1', 'LEADING', 1, '0x100000005');
    report(view, 'zk-2', 'LEADING', 2, '0x200000000');
    expect(view.leader()?.name).toBe('zk-2');
    expect(view.settled()).toBe(false);
  });
});
