// The supervisor's election log: reported steps grouped into one record per election with the winner and
// the sentence saying why, a masters' contest told from the znodes and the expired session, bounds on
// steps and records, the messages the dashboard animates, and how the CLI prints a record.
import { describe, expect, it } from 'vitest';
import type { EnsembleStep, MasterStep } from '../../../src/common/election-record.js';
import { ElectionLog } from '../../../src/cluster/elections/log.js';
import { formatElection } from '../../../src/cli/election-format.js';

const T0 = 1_700_000_000_000;

function log(limits: { maxSteps?: number; maxElections?: number } = {}): ElectionLog {
  return new ElectionLog({
    members: ['zk-1', 'zk-2', 'zk-3'],
    masters: ['master-1', 'master-2'],
    memberAt: (server) => (server === '127.0.0.1:40001' ? 'zk-1' : null),
    ...limits,
  });
}

const looking = (zxid: string, epoch = 2): EnsembleStep => ({ step: 'looking', round: 4, zxid, epoch, voter: true });
const decided = (state: 'LEADING' | 'FOLLOWING', by: 'zxid' | 'established' = 'zxid'): EnsembleStep => ({
  step: 'decided',
  state,
  leader: 2,
  tookMs: 212,
  by,
  zxid: '0x200000041',
  epoch: 2,
  candidates: [
    { sid: 1, zxid: '0x200000040', epoch: 2 },
    { sid: 2, zxid: '0x200000041', epoch: 2 },
  ],
});

/** zk-3 (leading) killed; zk-1 and zk-2 elect zk-2, which syncs zk-1 and commits. */
function failover(l: ElectionLog): void {
  l.timeline([
    { type: 'member-killed', at: T0, member: 'zk-3', pid: 7, role: 'leader' },
    { type: 'leader-lost', at: T0, member: 'zk-3' },
  ]);
  l.member('zk-1', looking('0x200000040'), T0 + 5);
  l.member('zk-2', looking('0x200000041'), T0 + 6);
  l.member(
    'zk-1',
    { step: 'vote-sent', to: 2, vote: { leader: 1, zxid: '0x200000040', epoch: 2, round: 4, state: 'LOOKING' } },
    T0 + 7,
  );
  l.member('zk-2', decided('LEADING'), T0 + 212);
  l.member('zk-1', decided('FOLLOWING'), T0 + 213);
  l.member('zk-2', { step: 'learner-info', from: 1, acceptedEpoch: 2, observer: false }, T0 + 220);
  l.member(
    'zk-2',
    { step: 'sync', to: 1, mode: 'DIFF', txns: 1, peerZxid: '0x200000040', zxid: '0x200000041' },
    T0 + 225,
  );
  l.member('zk-2', { step: 'newleader-acked', sids: [1, 2], zxid: '0x300000000' }, T0 + 230);
  l.member('zk-2', { step: 'uptodate', to: 1 }, T0 + 231);
  l.member('zk-2', { step: 'commit', zxid: '0x300000001', acks: [1, 2], first: true }, T0 + 400);
}

describe('the election log', () => {
  it('keeps one record per ensemble election, from the lost leader to the first commit, and says why the winner won', () => {
    const l = log();
    failover(l);
    const [summary] = l.summaries();
    expect(summary).toEqual({
      id: 1,
      kind: 'ensemble',
      startedAt: T0,
      decidedAt: T0 + 212,
      winner: 'zk-2',
      verdict: 'zk-2 won: highest zxid 0x200000041; zk-1 had 0x200000040',
      lanes: ['zk-1', 'zk-2', 'zk-3'],
      steps: 11,
      dropped: 0,
    });
    const record = l.record(1);
    expect(record?.steps.map((s) => [s.from, s.to, s.detail.step])).toEqual([
      ['zk-3', null, 'lost'],
      ['zk-1', null, 'looking'],
      ['zk-2', null, 'looking'],
      ['zk-1', 'zk-2', 'vote-sent'],
      ['zk-2', null, 'decided'],
      ['zk-1', null, 'decided'],
      ['zk-1', 'zk-2', 'learner-info'],
      ['zk-2', 'zk-1', 'sync'],
      ['zk-2', null, 'newleader-acked'],
      ['zk-2', 'zk-1', 'uptodate'],
      ['zk-2', null, 'commit'],
    ]);
    expect(record?.steps.map((s) => s.text)).toContain('zk-2 → zk-1: DIFF from 0x200000040, 1 txn, then NEWLEADER');
    expect(record?.steps[0]?.text).toBe('zk-3, the leader, killed');
  });

  it('starts a new record when a member looks for a leader after the last election settled, not before', () => {
    const l = log();
    failover(l);
    l.member('zk-2', { step: 'commit', zxid: '0x300000009', acks: [1, 2], first: false }, T0 + 3000);
    expect(l.record(1)?.steps).toHaveLength(11);
    l.member('zk-3', looking('0x200000041'), T0 + 5000);
    l.member('zk-3', { ...decided('FOLLOWING', 'established') }, T0 + 5100);
    expect(l.summaries().map((s) => [s.id, s.winner, s.verdict])).toEqual([
      [2, 'zk-2', 'zk-3 follows zk-2, already LEADING in epoch 2'],
      [1, 'zk-2', 'zk-2 won: highest zxid 0x200000041; zk-1 had 0x200000040'],
    ]);
  });

  it("tells the masters' contest: znodes, who watches whom, the expired session of the lost leader, the winner", () => {
    const l = log();
    l.master('master-1', { step: 'session', sessionId: '0x100', server: '127.0.0.1:40001' }, T0);
    l.master('master-1', { step: 'candidate', znode: 'json.info_0000000001', sessionId: '0x100' }, T0 + 1);
    l.master('master-2', { step: 'candidate', znode: 'json.info_0000000002', sessionId: '0x200' }, T0 + 2);
    const elected = (znode: string): MasterStep => ({ step: 'elected', znode, leader: znode, leading: true });
    l.master('master-1', elected('json.info_0000000001'), T0 + 3);
    l.master('master-2', { step: 'watching', znode: 'json.info_0000000002', watched: 'json.info_0000000001' }, T0 + 4);
    expect(l.contest()).toEqual([
      { master: 'master-1', znode: 'json.info_0000000001', watching: null, member: 'zk-1' },
      { master: 'master-2', znode: 'json.info_0000000002', watching: 'json.info_0000000001', member: null },
    ]);
    l.timeline([{ type: 'master-killed', at: T0 + 10, master: 'master-1', leading: true }]);
    expect(l.contest()[0]).toEqual({ master: 'master-1', znode: 'json.info_0000000001', watching: null, member: null });
    l.member('zk-1', { step: 'session-expired', sessionId: '0x100', timeoutMs: 1000 }, T0 + 1010);
    l.member('zk-1', { step: 'session-expired', sessionId: '0x999', timeoutMs: 1000 }, T0 + 1011);
    l.master('master-2', elected('json.info_0000000002'), T0 + 1020);
    expect(l.contest()).toEqual([
      { master: 'master-1', znode: null, watching: null, member: null },
      { master: 'master-2', znode: 'json.info_0000000002', watching: null, member: null },
    ]);
    const [contest, first] = l.summaries();
    expect(first).toMatchObject({ kind: 'masters', winner: 'master-1', lanes: ['master-1', 'master-2', 'ZooKeeper'] });
    expect(contest).toMatchObject({
      kind: 'masters',
      winner: 'master-2',
      startedAt: T0 + 10,
      decidedAt: T0 + 1020,
      verdict:
        "master-2 won: its json.info_0000000002 has the lowest sequence in the group; master-1's json.info_0000000001 is gone",
    });
    expect(l.record(first?.id ?? 0)?.steps.map((s) => s.text)).toEqual([
      "master-1's ZooKeeper session 0x100 is connected to zk-1",
      'master-1 entered the contest as json.info_0000000001 (session 0x100)',
      'master-2 entered the contest as json.info_0000000002 (session 0x200)',
      'master-1 is the leading master: json.info_0000000001 has the lowest sequence',
      'master-2 (standby) watches json.info_0000000001, the znode before its own json.info_0000000002',
    ]);
    expect(l.record(contest?.id ?? 0)?.steps.map((s) => [s.from, s.text])).toEqual([
      ['master-1', 'master-1, the leading master, killed'],
      ['ZooKeeper', 'zk-1 expired session 0x100 of master-1 after 1000 ms; its ephemeral znodes are deleted'],
      ['master-2', 'master-2 is the leading master: json.info_0000000002 has the lowest sequence'],
    ]);
  });

  it("remembers a master's current and previous session, not older ones", () => {
    const l = log();
    for (let i = 1; i <= 3; i++) l.master('master-1', { step: 'session', sessionId: `0x${i}`, server: null }, T0 + i);
    l.timeline([{ type: 'master-killed', at: T0 + 10, master: 'master-1', leading: true }]);
    l.member('zk-1', { step: 'session-expired', sessionId: '0x1', timeoutMs: 1000 }, T0 + 20);
    l.member('zk-1', { step: 'session-expired', sessionId: '0x2', timeoutMs: 1000 }, T0 + 30);
    const [contest] = l.summaries();
    expect(l.record(contest?.id ?? 0)?.steps.flatMap((s) => (s.text.includes('expired') ? [s.text] : []))).toEqual([
      'zk-1 expired session 0x2 of master-1 after 1000 ms; its ephemeral znodes are deleted',
    ]);
  });

  it('keeps at most maxSteps steps per election (counting the rest) and the newest maxElections records', () => {
    const l = log({ maxSteps: 3, maxElections: 2 });
    failover(l);
    expect(l.summaries()[0]).toMatchObject({ steps: 3, dropped: 8 });
    for (let i = 0; i < 3; i++) {
      l.member('zk-3', looking('0x1'), T0 + 10_000 * (i + 1));
      l.member('zk-3', decided('FOLLOWING', 'established'), T0 + 10_000 * (i + 1) + 5);
      l.member('zk-2', { step: 'uptodate', to: 3 }, T0 + 10_000 * (i + 1) + 9);
    }
    expect(l.summaries().map((s) => s.id)).toEqual([4, 3]);
    expect(l.record(1)).toBeUndefined();
  });

  it('hands the dashboard the messages to animate: votes, Zab packets and a proposal/ack/commit round', () => {
    const l = log();
    failover(l);
    expect(l.recentTraffic().map((t) => `${t.from}>${t.to} ${t.label} ${t.wave}`)).toEqual([
      'zk-1>zk-2 vote zk-1 0',
      'zk-1>zk-2 FOLLOWERINFO 0',
      'zk-2>zk-1 DIFF 0',
      'zk-2>zk-1 NEWLEADER 1',
      'zk-1>zk-2 ACK 0',
      'zk-2>zk-1 UPTODATE 0',
      'zk-2>zk-1 PROPOSAL 0',
      'zk-1>zk-2 ACK 1',
      'zk-2>zk-1 COMMIT 2',
    ]);
    expect(l.recentTraffic().map((t) => t.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('prints as `events --election` shows it: heading with the outcome, then each step with its offset', () => {
    const l = log();
    failover(l);
    const lines = formatElection(l.record(1) ?? expect.fail('no record'));
    expect(lines[0]).toMatch(
      /^election 1, ensemble election; decided after 0\.2 s: zk-2 won: highest zxid 0x200000041; zk-1 had 0x200000040$/,
    );
    expect(lines.slice(1, 4)).toEqual([
      '  +0.000 s  zk-3, the leader, killed',
      '  +0.005 s  zk-1 is LOOKING (round 4); its last zxid 0x200000040, epoch 2',
      '  +0.006 s  zk-2 is LOOKING (round 4); its last zxid 0x200000041, epoch 2',
    ]);
    expect(lines).toContain('  +0.212 s  zk-2 is LEADING after 212 ms (its vote: epoch 2, zxid 0x200000041)');
  });
});
