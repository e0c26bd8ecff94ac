// Where the dashboard's cluster picture puts things (rows, spacing, observers after voters, agents and
// schedulers sharing the bottom row), the paths of its links, and when each message of a batch sets off.
import { describe, expect, it } from 'vitest';
import type { TrafficItem } from '../../../src/common/election-record.js';
import {
  NODE_SIZE,
  PACKET_MS,
  PICTURE_WIDTH,
  departures,
  layoutPicture,
  linkPath,
} from '../../../src/ui/dashboard/picture-layout.js';

const PARTS = {
  members: [
    { name: 'zk-4', kind: 'observer' as const },
    { name: 'zk-1', kind: 'participant' as const },
    { name: 'zk-2', kind: 'participant' as const },
  ],
  masters: ['master-1', 'master-2', 'master-3'],
  agents: ['agent-1', 'agent-2'],
  schedulers: ['scheduler-1'],
};

describe('the cluster picture layout', () => {
  it('puts the ensemble on top (observers last), masters in the middle, agents and schedulers at the bottom', () => {
    const placed = layoutPicture(PARTS);
    const at = (name: string) => placed.get(name)?.at;
    expect(['zk-1', 'zk-2', 'zk-4'].map((n) => at(n)?.x)).toEqual([190, 380, 570]);
    expect(placed.get('zk-4')?.kind).toBe('observer');
    const rows = new Set(['zk-1', 'master-1', 'agent-1'].map((n) => at(n)?.y));
    expect(rows.size).toBe(3);
    expect(at('master-2')).toEqual({ x: PICTURE_WIDTH / 2, y: at('master-1')?.y });
    expect(at('agent-1')?.y).toBe(at('scheduler-1')?.y);
    expect(Math.max(at('agent-1')?.x ?? 0, at('agent-2')?.x ?? 0)).toBeLessThan(at('scheduler-1')?.x ?? 0);
  });

  it('links the bottom of the upper node, under its text, to the top of the lower one, in either order', () => {
    const placed = layoutPicture(PARTS);
    const [master, agent] = [placed.get('master-1'), placed.get('agent-1')];
    if (master === undefined || agent === undefined) throw new Error('not placed');
    const down = linkPath(master, agent);
    const top = agent.at.y - NODE_SIZE.agent.h;
    expect(down).toMatch(new RegExp(`^M${master.at.x} \\d+ L${agent.at.x} ${top}$`));
    expect(Number(/^M\S+ (\d+)/.exec(down)?.[1])).toBeGreaterThan(master.at.y + NODE_SIZE.master.h);
    expect(linkPath(agent, master)).toMatch(new RegExp(`^M${agent.at.x} ${top} L${master.at.x} \\d+$`));
  });

  it('sends messages of one batch together, the rest one after another, and a round wave by wave', () => {
    const msg = (seq: number, at: number, from: string, label: string, wave = 0): TrafficItem => ({
      seq,
      at,
      from,
      to: from === 'zk-1' ? 'zk-2' : 'zk-1',
      label,
      wave,
    });
    const delays = departures([
      msg(1, 1000, 'zk-1', 'vote zk-1'),
      msg(2, 1000, 'zk-1', 'vote zk-1'),
      msg(3, 1001, 'zk-2', 'vote zk-2'),
      msg(4, 1900, 'zk-2', 'vote zk-2'),
      msg(5, 1900, 'zk-1', 'PROPOSAL'),
      msg(6, 1900, 'zk-2', 'ACK', 1),
      msg(7, 1900, 'zk-1', 'COMMIT', 2),
    ]).map(([t, delay]) => [t.seq, delay]);
    expect(delays).toEqual([
      [1, 0],
      [2, 0],
      [3, 220],
      [4, 900],
      [5, 1120],
      [6, 1120 + PACKET_MS],
      [7, 1120 + 2 * PACKET_MS],
    ]);
  });
});
