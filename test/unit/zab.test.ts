// Zab leader and learners driven directly over in-memory links: discovery, DIFF/TRUNC/SNAP sync,
// broadcast and commit order, observers, sync answers, and the ways a role ends.
import { describe, expect, it } from 'vitest';
import type { ServerSpec } from '../../src/ensemble/core/effects.js';
import { zxidOf, type Txn } from '../../src/ensemble/core/txn.js';
import { Leader } from '../../src/ensemble/core/zab/leader.js';
import { Learner } from '../../src/ensemble/core/zab/learner.js';
import { ZabLog } from '../../src/ensemble/core/zab/log.js';
import type { Epochs, ZabAction, ZabHost } from '../../src/ensemble/core/zab/types.js';
import type { ZabMessage } from '../../src/ensemble/wire/peer.js';
import type { SnapshotData } from '../../src/ensemble/wire/snapshot.js';

const TIMING = { tickMs: 100, initLimit: 10, syncLimit: 5 };
const SERVERS: ServerSpec[] = [
  { sid: 1, role: 'participant' },
  { sid: 2, role: 'participant' },
  { sid: 3, role: 'participant' },
  { sid: 4, role: 'observer' },
];

const txn = (epoch: number, counter: number): Txn => ({
  zxid: zxidOf(epoch, counter),
  time: 0,
  sessionId: 1n,
  cxid: counter,
  body: { type: 'closeSession' },
});

/** One member's side: its log, epochs, applied txns (the stand-in replicated state) and what it emitted. */
class Node implements ZabHost {
  readonly actions: ZabAction[] = [];
  applied: bigint[];
  readonly log: ZabLog;
  readonly epochs: Epochs;
  touched: { sessionId: bigint; timeoutMs: number }[] = [];

  constructor(
    readonly sid: number,
    init: { applied?: Txn[]; pending?: Txn[]; accepted?: number; current?: number; committedLogSize?: number } = {},
  ) {
    this.applied = [];
    const applied = init.applied ?? [];
    this.log = new ZabLog({
      appliedZxid: 0n,
      pending: [...applied, ...(init.pending ?? [])],
      committedLogSize: init.committedLogSize,
    });
    this.log.commitThrough(applied.at(-1)?.zxid ?? 0n, (t) => this.apply(t));
    this.epochs = { acceptedEpoch: init.accepted ?? 0, currentEpoch: init.current ?? 0 };
  }

  emit(action: ZabAction): void {
    this.actions.push(action);
  }
  apply(t: Txn): void {
    this.applied.push(t.zxid);
  }
  snapshot(): SnapshotData {
    return {
      lastZxid: this.applied.at(-1) ?? 0n,
      nodes: this.applied.map((z) => ({ path: `/${z}` }) as never),
      sessions: [],
    };
  }
  installSnapshot(s: SnapshotData): void {
    this.applied = s.nodes.map((n) => BigInt(n.path.slice(1)));
  }
  touchedSessions(): { sessionId: bigint; timeoutMs: number }[] {
    const t = this.touched;
    this.touched = [];
    return t;
  }

  sent(): ZabMessage[] {
    return this.actions.flatMap((a) => (a.kind === 'sendQuorum' ? [a.msg] : []));
  }
  lost(): string | undefined {
    return this.actions.flatMap((a) => (a.kind === 'lost' ? [a.reason] : []))[0];
  }
}

/** A leader and its learners joined by FIFO links; link id = learner sid. */
class Cluster {
  now = 0;
  readonly leaderNode: Node;
  readonly leader: Leader;
  readonly learners = new Map<number, { node: Node; learner: Learner; cursor: number }>();
  private leaderCursor = 0;
  readonly cut = new Set<number>();

  constructor(leaderNode: Node) {
    this.leaderNode = leaderNode;
    this.leader = new Leader({
      sid: leaderNode.sid,
      servers: SERVERS,
      config: 'version=0',
      log: leaderNode.log,
      epochs: leaderNode.epochs,
      host: leaderNode,
      now: 0,
      ...TIMING,
    });
    this.leader.start();
  }

  join(node: Node): Learner {
    const learner = new Learner({
      sid: node.sid,
      observer: node.sid === 4,
      leaderSid: this.leaderNode.sid,
      log: node.log,
      epochs: node.epochs,
      host: node,
      now: this.now,
      ...TIMING,
    });
    this.learners.set(node.sid, { node, learner, cursor: 0 });
    learner.start();
    this.leader.linkUp(node.sid, this.now);
    learner.linkUp(node.sid, this.now);
    this.pump();
    return learner;
  }

  /** Delivers queued messages both ways until quiet. */
  pump(): void {
    for (let moved = true; moved; ) {
      moved = false;
      const fromLeader = this.leaderNode.actions.slice(this.leaderCursor);
      this.leaderCursor = this.leaderNode.actions.length;
      for (const a of fromLeader) {
        const l = a.kind === 'sendQuorum' ? this.learners.get(a.link) : undefined;
        if (a.kind !== 'sendQuorum' || l === undefined || this.cut.has(a.link)) continue;
        l.learner.receive(a.link, a.msg, this.now);
        moved = true;
      }
      for (const [sid, l] of this.learners) {
        const out = l.node.actions.slice(l.cursor);
        l.cursor = l.node.actions.length;
        for (const a of out) {
          if (a.kind !== 'sendQuorum' || this.cut.has(sid)) continue;
          this.leader.receive(sid, a.msg, this.now);
          moved = true;
        }
      }
    }
  }

  tick(ms: number): void {
    for (let t = 0; t < ms; t += 50) {
      this.now += 50;
      this.leader.tick(this.now);
      for (const [sid, l] of this.learners) if (!this.cut.has(sid)) l.learner.tick(this.now);
      this.pump();
    }
  }

  node(sid: number): Node {
    const l = this.learners.get(sid);
    if (l === undefined) throw new Error(`no learner ${sid}`);
    return l.node;
  }
}

describe('discovery and synchronization', () => {
  it('runs the captured exchange: FOLLOWERINFO, LEADERINFO, ACKEPOCH, DIFF, NEWLEADER, ACK, UPTODATE, ACK', () => {
    const history = [txn(6, 1), txn(6, 2)];
    const c = new Cluster(new Node(2, { applied: history, accepted: 6, current: 6 }));
    const f = new Node(1, { applied: history, accepted: 6, current: 6 });
    c.join(f);
    expect(f.sent()).toEqual([
      { type: 'FOLLOWERINFO', sid: 1, acceptedEpoch: 6 },
      { type: 'ACKEPOCH', lastZxid: zxidOf(6, 2), currentEpoch: 6 },
      { type: 'ACK', zxid: zxidOf(7, 0) },
      { type: 'ACK', zxid: zxidOf(7, 0) },
    ]);
    expect(c.leaderNode.sent()).toEqual([
      { type: 'LEADERINFO', newEpoch: 7 },
      { type: 'DIFF', zxid: zxidOf(6, 2) },
      { type: 'NEWLEADER', zxid: zxidOf(7, 0), config: 'version=0' },
      { type: 'UPTODATE' },
    ]);
    expect(c.leader.phase).toBe('broadcast');
    expect(c.learners.get(1)?.learner.phase).toBe('broadcast');
    expect(f.epochs).toEqual({ acceptedEpoch: 7, currentEpoch: 7 });
    expect(c.leaderNode.epochs).toEqual({ acceptedEpoch: 7, currentEpoch: 7 });
    const persisted = f.actions.filter((a) => a.kind === 'persistEpochs');
    expect(persisted).toEqual([
      { kind: 'persistEpochs', acceptedEpoch: 7 },
      { kind: 'persistEpochs', currentEpoch: 7 },
    ]);
    expect(c.leaderNode.actions.find((a) => a.kind === 'log' && a.msg.startsWith('Have quorum'))).toMatchObject({
      msg: 'Have quorum of supporters, sids: [ 1,2 ]; starting up and setting last processed zxid: 0x700000000',
    });
  });

  it('picks the new epoch from the highest accepted epoch of the quorum', () => {
    const c = new Cluster(new Node(3, { accepted: 2, current: 2 }));
    c.join(new Node(1, { accepted: 5, current: 2 }));
    expect(c.leader.epoch).toBe(6);
  });

  it('waits for a quorum before choosing an epoch and times out without one', () => {
    const c = new Cluster(new Node(3));
    expect(c.leader.epoch).toBeNull();
    c.tick(TIMING.initLimit * TIMING.tickMs + 100);
    expect(c.leaderNode.lost()).toBe('Timeout while waiting for epoch from quorum');
  });

  it('sends the missing committed txns as PROPOSAL + COMMIT pairs, and the uncommitted history as PROPOSAL alone', () => {
    const committed = [txn(1, 1), txn(1, 2), txn(1, 3)];
    const c = new Cluster(new Node(3, { applied: committed, pending: [txn(1, 4)], accepted: 1, current: 1 }));
    const f = new Node(1, { applied: committed.slice(0, 1), accepted: 1, current: 1 });
    c.join(f);
    const sync = c.leaderNode.sent().slice(1);
    expect(sync.map((m) => `${m.type}${'zxid' in m ? ` ${m.zxid}` : 'txn' in m ? ` ${m.txn.zxid}` : ''}`)).toEqual([
      `DIFF ${zxidOf(1, 4)}`,
      `PROPOSAL ${zxidOf(1, 2)}`,
      `COMMIT ${zxidOf(1, 2)}`,
      `PROPOSAL ${zxidOf(1, 3)}`,
      `COMMIT ${zxidOf(1, 3)}`,
      `PROPOSAL ${zxidOf(1, 4)}`,
      `NEWLEADER ${zxidOf(2, 0)}`,
      'UPTODATE',
    ]);
    expect(f.applied).toEqual([1, 2, 3, 4].map((n) => zxidOf(1, n)));
    expect(c.leaderNode.applied).toEqual([1, 2, 3, 4].map((n) => zxidOf(1, n)));
    const persistedFirst = f.actions.findIndex((a) => a.kind === 'persistTxns');
    const ackFirst = f.actions.findIndex((a) => a.kind === 'sendQuorum' && a.msg.type === 'ACK');
    expect(persistedFirst).toBeLessThan(ackFirst);
  });

  it('truncates a follower that logged txns the leader never had', () => {
    const shared = [txn(1, 1), txn(1, 2)];
    const c = new Cluster(new Node(3, { applied: shared, pending: [txn(2, 1)], accepted: 2, current: 2 }));
    const f = new Node(1, { applied: shared, pending: [txn(1, 3), txn(1, 4)], accepted: 1, current: 1 });
    c.join(f);
    expect(c.leaderNode.sent()[1]).toEqual({ type: 'TRUNC', zxid: zxidOf(1, 2) });
    expect(f.actions).toContainEqual({ kind: 'truncateLog', afterZxid: zxidOf(1, 2) });
    expect(f.applied).toEqual([zxidOf(1, 1), zxidOf(1, 2), zxidOf(2, 1)]);
    expect(f.log.lastLoggedZxid).toBe(zxidOf(2, 1));
  });

  it('truncates a follower that is ahead of the leader in an older epoch', () => {
    const c = new Cluster(new Node(3, { applied: [txn(1, 1)], accepted: 1, current: 1 }));
    c.join(new Node(2, { applied: [txn(1, 1)], accepted: 1, current: 1 }));
    const f = new Node(1, { applied: [txn(1, 1)], pending: [txn(1, 2)], accepted: 1, current: 0 });
    c.join(f);
    expect(c.leaderNode.sent()).toContainEqual({ type: 'TRUNC', zxid: zxidOf(1, 1) });
    expect(f.log.lastLoggedZxid).toBe(zxidOf(1, 1));
  });

  it('sends a snapshot to a follower older than the committed log, then the rest', () => {
    const all = [1, 2, 3, 4, 5, 6].map((n) => txn(1, n));
    const c = new Cluster(new Node(3, { applied: [], pending: all, accepted: 1, current: 1, committedLogSize: 2 }));
    c.join(new Node(2, { applied: all, accepted: 1, current: 1 }));
    const f = new Node(1, { applied: all.slice(0, 1), accepted: 1, current: 1 });
    c.join(f);
    expect(c.leaderNode.sent().find((m) => m.type === 'SNAP')).toMatchObject({ type: 'SNAP', zxid: zxidOf(1, 6) });
    expect(f.applied).toEqual(all.map((t) => t.zxid));
    expect(f.actions).toContainEqual(expect.objectContaining({ kind: 'saveSnapshot' }));
    expect(f.actions).toContainEqual({ kind: 'truncateLog', afterZxid: zxidOf(1, 6) });
  });

  it('abandons leadership when a follower is ahead of it', () => {
    const c = new Cluster(new Node(3, { applied: [txn(1, 1)], accepted: 1, current: 1 }));
    c.join(new Node(1, { applied: [txn(1, 1)], pending: [txn(1, 2)], accepted: 1, current: 1 }));
    expect(c.leaderNode.lost()).toMatch(/^Follower sid: 1 is ahead of the leader/);
    expect(c.leaderNode.actions).toContainEqual({ kind: 'closeQuorumLink', link: 1 });
  });

  it('truncates an observer that is ahead instead of giving up (an observer can never lead)', () => {
    const c = new Cluster(new Node(3, { applied: [txn(1, 1)], accepted: 1, current: 1 }));
    const o = new Node(4, { applied: [txn(1, 1)], pending: [txn(1, 2)], accepted: 1, current: 1 });
    c.join(o);
    c.join(new Node(2, { applied: [txn(1, 1)], accepted: 1, current: 1 }));
    expect(c.leaderNode.lost()).toBeUndefined();
    expect(o.actions).toContainEqual({ kind: 'truncateLog', afterZxid: zxidOf(1, 1) });
    expect(c.learners.get(4)?.learner.phase).toBe('broadcast');
  });

  it('a learner refuses a leader whose epoch is below the one it accepted', () => {
    const c = new Cluster(new Node(3, { accepted: 1, current: 1 }));
    c.join(new Node(2, { accepted: 1, current: 1 }));
    const f = new Node(1, { accepted: 5, current: 1 });
    c.join(f);
    expect(f.lost()).toBe('Leaders epoch, 2 is less than accepted epoch, 5');
  });
});

describe('broadcast', () => {
  function running(): Cluster {
    const c = new Cluster(new Node(1));
    c.join(new Node(2));
    c.join(new Node(3));
    c.join(new Node(4));
    expect(c.leader.phase).toBe('broadcast');
    return c;
  }

  it('numbers txns from epoch<<32|1, logs before proposing, commits on a quorum and informs observers', () => {
    const c = new Cluster(new Node(1));
    c.join(new Node(2));
    c.join(new Node(4));
    c.leader.propose({ sessionId: 5n, cxid: 1, body: { type: 'closeSession' } }, 1234);
    const la = c.leaderNode.actions;
    const persisted = la.findIndex((a) => a.kind === 'persistTxns');
    const proposed = la.findIndex(
      (a) => a.kind === 'sendQuorum' && a.msg.type === 'PROPOSAL' && a.msg.txn.zxid === zxidOf(1, 1),
    );
    expect(persisted).toBeGreaterThan(-1);
    expect(persisted).toBeLessThan(proposed);
    c.pump();
    expect(c.leaderNode.applied).toEqual([zxidOf(1, 1)]);
    expect(c.node(2).applied).toEqual([zxidOf(1, 1)]);
    expect(c.node(4).applied).toEqual([zxidOf(1, 1)]);
    expect(
      c
        .node(4)
        .sent()
        .filter((m) => m.type === 'ACK' && m.zxid === zxidOf(1, 1)),
    ).toEqual([]);
    expect(c.leaderNode.sent()).toContainEqual({
      type: 'INFORM',
      txn: expect.objectContaining({ zxid: zxidOf(1, 1), time: 1234 }),
    });
  });

  it('does not commit without a quorum, and commits in zxid order once acks arrive', () => {
    const c = running();
    c.cut.add(2);
    c.cut.add(3);
    c.leader.propose({ sessionId: 5n, cxid: 1, body: { type: 'closeSession' } }, 0);
    c.leader.propose({ sessionId: 5n, cxid: 2, body: { type: 'closeSession' } }, 0);
    c.pump();
    expect(c.leaderNode.applied).toEqual([]);
    c.leader.receive(3, { type: 'ACK', zxid: zxidOf(1, 2) }, 0);
    expect(c.leaderNode.applied).toEqual([]);
    c.leader.receive(2, { type: 'ACK', zxid: zxidOf(1, 1) }, 0);
    expect(c.leaderNode.applied).toEqual([zxidOf(1, 1), zxidOf(1, 2)]);
    const commits = c.leaderNode.sent().filter((m) => m.type === 'COMMIT');
    expect(commits.slice(-4)).toEqual([
      { type: 'COMMIT', zxid: zxidOf(1, 1) },
      { type: 'COMMIT', zxid: zxidOf(1, 1) },
      { type: 'COMMIT', zxid: zxidOf(1, 2) },
      { type: 'COMMIT', zxid: zxidOf(1, 2) },
    ]);
  });

  it('brings a late follower in while proposals are outstanding', () => {
    const c = new Cluster(new Node(1));
    c.join(new Node(2));
    c.cut.add(2);
    c.leader.propose({ sessionId: 5n, cxid: 1, body: { type: 'closeSession' } }, 0);
    const late = new Node(3);
    c.join(late);
    expect(late.applied).toEqual([zxidOf(1, 1)]);
    expect(c.leaderNode.applied).toEqual([zxidOf(1, 1)]);
  });

  it('answers a forwarded sync after the proposals outstanding when it arrived', () => {
    const c = running();
    c.cut.add(3);
    c.leader.propose({ sessionId: 5n, cxid: 1, body: { type: 'closeSession' } }, 0);
    c.learners.get(2)?.learner.sync('/a', 7);
    c.cut.add(2);
    c.leader.receive(2, { type: 'SYNCREQUEST', path: '/a', token: 7 }, 0);
    expect(c.leaderNode.sent().filter((m) => m.type === 'SYNC')).toEqual([]);
    c.leader.sync({ kind: 'local' });
    c.leader.receive(3, { type: 'ACK', zxid: zxidOf(1, 1) }, 0);
    const toTwo = c.leaderNode.actions.flatMap((a) => (a.kind === 'sendQuorum' && a.link === 2 ? [a.msg] : []));
    expect(toTwo.slice(-2)).toEqual([
      { type: 'COMMIT', zxid: zxidOf(1, 1) },
      { type: 'SYNC', path: '/a' },
    ]);
    expect(c.leaderNode.actions.filter((a) => a.kind === 'syncDone')).toHaveLength(1);
    c.leader.sync({ kind: 'local' });
    expect(c.leaderNode.actions.filter((a) => a.kind === 'syncDone')).toHaveLength(2);
  });

  it('passes sessions touched on learners to the leader in ping replies', () => {
    const c = running();
    c.node(2).touched = [{ sessionId: 9n, timeoutMs: 4000 }];
    c.tick(50);
    expect(c.leaderNode.actions).toContainEqual({
      kind: 'touchSessions',
      sessions: [{ sessionId: 9n, timeoutMs: 4000 }],
    });
  });

  it('keeps leading with one follower gone and gives up when no quorum is synced', () => {
    const c = running();
    c.cut.add(2);
    c.tick(TIMING.syncLimit * TIMING.tickMs + 200);
    expect(c.leaderNode.lost()).toBeUndefined();
    expect(c.leaderNode.actions).toContainEqual({ kind: 'closeQuorumLink', link: 2 });
    c.cut.add(3);
    c.tick(TIMING.syncLimit * TIMING.tickMs + 200);
    expect(c.leaderNode.lost()).toBe('Not sufficient followers synced, only synced with sids: [ 1 ]');
  });

  it('a follower drops to LOOKING when the leader falls silent or the link closes', () => {
    const c = running();
    c.cut.add(2);
    c.tick(TIMING.syncLimit * TIMING.tickMs);
    expect(c.node(2).lost()).toBeUndefined();
    c.learners.get(2)?.learner.tick(c.now + 100);
    expect(c.node(2).lost()).toBe('Read timed out');
    c.learners.get(3)?.learner.linkDown(3);
    expect(c.node(3).lost()).toBe('Connection to the leader closed');
    expect(c.node(3).actions).toContainEqual(
      expect.objectContaining({ kind: 'log', msg: 'Exception when following the leader' }),
    );
  });

  it('rolls over to a new epoch before the zxid counter overflows', () => {
    const c = running();
    (c.leader as unknown as { counter: number }).counter = 0xffffffff;
    c.leader.propose({ sessionId: 5n, cxid: 1, body: { type: 'closeSession' } }, 0);
    expect(c.leaderNode.lost()).toMatch(/rolled over/);
  });
});

describe('ZabLog.planSync', () => {
  const log = new ZabLog({ appliedZxid: zxidOf(1, 2), pending: [], committedLogSize: 3 });
  for (const n of [3, 4, 5, 6]) log.append(txn(1, n));
  log.commitThrough(zxidOf(1, 5), () => undefined);

  it('diffs from a zxid inside the window, truncates past its end, snaps below it', () => {
    expect(log.planSync(zxidOf(1, 4), true)).toMatchObject({
      mode: 'DIFF',
      zxid: zxidOf(1, 6),
      entries: [{ committed: true }, { committed: false }],
    });
    expect(log.planSync(zxidOf(1, 6), false)).toMatchObject({ mode: 'TRUNC', zxid: zxidOf(1, 5), entries: [] });
    expect(log.planSync(zxidOf(1, 2), true)).toMatchObject({ mode: 'DIFF', entries: [{}, {}, {}, {}] });
    expect(log.planSync(zxidOf(1, 1), true)).toMatchObject({ mode: 'SNAP', entries: [{ committed: false }] });
  });

  it('refuses appends out of order and truncation below what was applied', () => {
    expect(log.append(txn(1, 6))).toBe(false);
    expect(log.truncateAfter(zxidOf(1, 4))).toBe(false);
  });
});
