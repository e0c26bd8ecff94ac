// The election record built from what members' cores report, in simulated ensembles: every election
// has its votes, its decision with the reason, discovery and sync in order; a seed in which a crashed
// leader comes back with txns nobody else has gets a TRUNC, one in which a follower missed too much a SNAP.
import { describe, expect, it } from 'vitest';
import type { ElectionRecord, RecordedStep, SyncMode } from '../../src/common/election-record.js';
import { memberName } from '../../src/cluster/elections/text.js';
import { ElectionLog } from '../../src/cluster/elections/log.js';
import { runScenario, type Scenario } from './scenario.js';
import { followerBehind, leaderCrashes } from './scenarios.js';
import { World } from './world.js';

/** Feeds every step the world's members report into a log, and tells it of crashes as the supervisor would. */
function record(world: World): ElectionLog {
  const log = new ElectionLog({
    members: world.sids.map(memberName),
    masters: [],
    memberAt: () => null,
  });
  world.tap = (sid, e) => {
    if (e.kind === 'electionStep') log.member(memberName(sid), e.step, world.now);
  };
  const crash = world.crash.bind(world);
  world.crash = (sid: number): void => {
    const member = memberName(sid);
    const leading = world.member(sid)?.peerState === 'LEADING';
    log.timeline([
      { type: 'member-killed', at: world.now, member, pid: 0, role: null },
      ...(leading ? [{ type: 'leader-lost' as const, at: world.now, member }] : []),
    ]);
    crash(sid);
  };
  return log;
}

function elections(seed: number, scenario: Scenario): ElectionRecord[] {
  let log: ElectionLog | null = null;
  runScenario(seed, scenario, (world) => (log = record(world)));
  const kept = log as ElectionLog | null;
  if (kept === null) throw new Error('the scenario did not start');
  return kept
    .summaries()
    .map((s) => kept.record(s.id))
    .filter((r): r is ElectionRecord => r !== undefined);
}

const syncs = (r: ElectionRecord, mode: SyncMode): RecordedStep[] =>
  r.steps.filter((s) => s.detail.step === 'sync' && s.detail.mode === mode);

const kinds = (r: ElectionRecord): string[] => r.steps.map((s) => s.detail.step);

describe('the election record from members in a simulated ensemble', () => {
  it('records the first election: LOOKING, votes, the decision and why, discovery, sync and the first commit', () => {
    const world = new World({ seed: 11, participants: 3 });
    const log = record(world);
    world.runUntil('a leader', () => world.stableLeader() !== undefined, 5000);
    const [summary] = log.summaries();
    const first = log.record(summary?.id ?? 0);
    expect(first).toMatchObject({ kind: 'ensemble', winner: 'zk-3', lanes: ['zk-1', 'zk-2', 'zk-3'], dropped: 0 });
    expect(first?.verdict).toBe('zk-3 won: same epoch and zxid (0x0), highest sid 3; zk-1 had sid 1, zk-2 had sid 2');
    const steps = kinds(first as ElectionRecord);
    const at = (kind: string): number => steps.indexOf(kind);
    expect(steps.filter((k) => k === 'looking')).toHaveLength(3);
    for (const [before, after] of [
      ['looking', 'vote-sent'],
      ['vote-sent', 'vote-received'],
      ['vote-received', 'decided'],
      ['decided', 'learner-info'],
      ['learner-info', 'new-epoch'],
      ['new-epoch', 'epoch-acked'],
      ['epoch-acked', 'sync'],
      ['sync', 'newleader-acked'],
      ['newleader-acked', 'uptodate'],
    ])
      expect(at(before as string)).toBeLessThan(at(after as string));
    const sent = first?.steps.find((s) => s.detail.step === 'vote-sent');
    expect(sent?.to).toMatch(/^zk-\d$/);
    expect(sent?.text).toMatch(/^zk-\d → zk-\d: vote for zk-\d \(zxid 0x0, epoch 0, round 1\) from a LOOKING member$/);
    const times = first?.steps.map((s) => s.at) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('says TRUNC when a crashed leader comes back with txns the new leader never had (leaderCrashes, seed 1)', () => {
    const records = elections(1, leaderCrashes);
    const truncated = records.filter((r) => syncs(r, 'TRUNC').length > 0);
    expect(truncated.length).toBeGreaterThan(0);
    for (const r of truncated) {
      const [trunc] = syncs(r, 'TRUNC');
      expect(trunc?.text).toMatch(
        /^zk-\d → zk-\d: TRUNC from 0x[0-9a-f]+ to 0x[0-9a-f]+, then \d+ txns?, then NEWLEADER$/,
      );
      expect(r.winner).toMatch(/^zk-\d$/);
      expect(r.verdict).not.toBeNull();
    }
    expect(records.every((r) => r.steps.length > 0 && r.steps[0]?.detail.step !== 'sync')).toBe(true);
  });

  it('says SNAP when a follower missed more than the leader keeps for a DIFF (followerBehind, seed 1)', () => {
    const records = elections(1, followerBehind);
    const snapped = records.flatMap((r) => syncs(r, 'SNAP'));
    expect(snapped.length).toBeGreaterThan(0);
    expect(snapped[0]?.text).toMatch(
      /^zk-\d → zk-\d: SNAP at 0x[0-9a-f]+ \(its last zxid 0x[0-9a-f]+ is older than the leader's log\), then \d+ txns?, then NEWLEADER$/,
    );
    const rejoin = records.find((r) => syncs(r, 'SNAP').length > 0);
    expect(rejoin?.verdict).toMatch(/^zk-\d follows zk-\d, already LEADING in epoch \d+$/);
    expect(records.some((r) => syncs(r, 'DIFF').length > 0)).toBe(true);
  });
});
