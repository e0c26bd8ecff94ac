// Fast Leader Election: vote order, rounds, finalizeWait, learning an existing leader, observers, re-sends.
import { describe, expect, it } from 'vitest';
import { beats, FastLeaderElection, whyWon, type ElectionAction } from '../../src/ensemble/core/election.js';
import type { ServerSpec } from '../../src/ensemble/core/effects.js';
import type { ElectionNotification } from '../../src/ensemble/wire/peer.js';

const FINALIZE = 200;

interface Peer {
  fle: FastLeaderElection;
  decided: Extract<ElectionAction, { kind: 'decided' }> | null;
}

/** Peers delivering notifications in FIFO order; `down` peers receive nothing. */
class Net {
  readonly peers = new Map<number, Peer>();
  readonly down = new Set<number>();
  private queue: { from: number; to: number; msg: ElectionNotification }[] = [];
  now = 0;
  sent = 0;

  constructor(readonly servers: ServerSpec[]) {
    for (const s of servers) this.peers.set(s.sid, { fle: this.make(s.sid), decided: null });
  }

  make(sid: number): FastLeaderElection {
    return new FastLeaderElection({ sid, servers: this.servers, finalizeWaitMs: FINALIZE, config: 'version=0' });
  }

  peer(sid: number): Peer {
    const p = this.peers.get(sid);
    if (p === undefined) throw new Error(`no peer ${sid}`);
    return p;
  }

  start(sid: number, lastZxid = 0n, currentEpoch = 0n): void {
    this.take(sid, this.peer(sid).fle.lookForLeader({ lastZxid, currentEpoch, now: this.now }));
  }

  take(from: number, actions: ElectionAction[]): void {
    for (const a of actions) {
      if (a.kind === 'send') {
        this.sent++;
        this.queue.push({ from, to: a.to, msg: a.msg });
      } else {
        this.peer(from).decided = a;
      }
    }
  }

  deliver(): void {
    while (this.queue.length > 0) {
      const m = this.queue.shift();
      if (m === undefined || this.down.has(m.to) || this.down.has(m.from)) continue;
      this.take(m.to, this.peer(m.to).fle.receive(m.from, m.msg, this.now));
    }
  }

  advance(ms: number, step = 10): void {
    for (let t = 0; t < ms; t += step) {
      this.now += step;
      for (const [sid, p] of this.peers) if (!this.down.has(sid)) this.take(sid, p.fle.tick(this.now));
      this.deliver();
    }
  }
}

const participants = (n: number): ServerSpec[] =>
  Array.from({ length: n }, (_, i) => ({ sid: i + 1, role: 'participant' }));

describe('vote order', () => {
  it('orders by peerEpoch, then zxid, then sid', () => {
    expect(beats({ leader: 1, zxid: 0n, peerEpoch: 2n }, { leader: 3, zxid: 9n, peerEpoch: 1n })).toBe(true);
    expect(beats({ leader: 1, zxid: 5n, peerEpoch: 1n }, { leader: 3, zxid: 4n, peerEpoch: 1n })).toBe(true);
    expect(beats({ leader: 3, zxid: 4n, peerEpoch: 1n }, { leader: 1, zxid: 4n, peerEpoch: 1n })).toBe(true);
    expect(beats({ leader: 1, zxid: 4n, peerEpoch: 1n }, { leader: 1, zxid: 4n, peerEpoch: 1n })).toBe(false);
  });
});

describe('FastLeaderElection', () => {
  it('elects the highest sid of a fresh ensemble once finalizeWait has passed', () => {
    const net = new Net(participants(3));
    for (const sid of [1, 2, 3]) net.start(sid);
    net.deliver();
    expect([...net.peers.values()].every((p) => p.decided === null)).toBe(true);
    net.advance(FINALIZE - 10);
    expect(net.peer(3).decided).toBeNull();
    net.advance(20);
    expect(net.peer(3).decided).toMatchObject({ state: 'LEADING', leader: 3 });
    expect(net.peer(1).decided).toMatchObject({ state: 'FOLLOWING', leader: 3 });
    expect(net.peer(2).decided).toMatchObject({ state: 'FOLLOWING', leader: 3 });
    expect(net.peer(3).decided?.tookMs).toBeGreaterThanOrEqual(FINALIZE);
  });

  it('with only sids 1 and 2 up, sid 2 leads; sid 3 then joins it as follower at once', () => {
    const net = new Net(participants(3));
    net.down.add(3);
    net.start(1);
    net.start(2);
    net.advance(FINALIZE + 20);
    expect(net.peer(2).decided).toMatchObject({ state: 'LEADING', leader: 2 });
    expect(net.peer(1).decided).toMatchObject({ state: 'FOLLOWING', leader: 2 });
    net.peer(2).fle.updatePeerEpoch(1n);
    net.peer(1).fle.updatePeerEpoch(1n);
    net.down.delete(3);
    net.start(3);
    net.deliver();
    expect(net.peer(3).decided).toMatchObject({ state: 'FOLLOWING', leader: 2, tookMs: 0 });
    expect(net.peer(3).fle.vote).toMatchObject({ leader: 2, peerEpoch: 1n });
  });

  it('prefers the member with the newest epoch and zxid over a higher sid', () => {
    const net = new Net(participants(3));
    net.start(1, 0x500000009n, 5n);
    net.start(2, 0x500000007n, 5n);
    net.start(3, 0x400000010n, 4n);
    net.advance(FINALIZE + 20);
    expect(net.peer(1).decided).toMatchObject({ state: 'LEADING', leader: 1 });
    expect(net.peer(3).decided).toMatchObject({ state: 'FOLLOWING', leader: 1 });
  });

  it('says why the winner won: the first of epoch, zxid and sid in which it beats the best other candidate', () => {
    const net = new Net(participants(3));
    net.start(1, 0x500000009n, 5n);
    net.start(2, 0x500000007n, 5n);
    net.start(3, 0x400000010n, 4n);
    net.advance(FINALIZE + 20);
    expect(net.peer(1).decided).toMatchObject({
      by: 'zxid',
      zxid: 0x500000009n,
      peerEpoch: 5n,
      candidates: [
        { sid: 1, zxid: 0x500000009n, peerEpoch: 5n },
        { sid: 2, zxid: 0x500000007n, peerEpoch: 5n },
        { sid: 3, zxid: 0x400000010n, peerEpoch: 4n },
      ],
    });
    const one = { leader: 1, zxid: 5n, peerEpoch: 2n };
    const rival = (sid: number, zxid: bigint, peerEpoch: bigint) => ({ sid, zxid, peerEpoch });
    expect(whyWon(one, [rival(1, 5n, 2n), rival(2, 9n, 1n)])).toBe('epoch');
    expect(whyWon(one, [rival(2, 4n, 2n)])).toBe('zxid');
    expect(whyWon({ ...one, leader: 3 }, [rival(2, 5n, 2n)])).toBe('sid');
    expect(whyWon(one, [rival(1, 5n, 2n)])).toBe('alone');
  });

  it('adopts a higher round and votes for the better of its own and the received vote', () => {
    const net = new Net(participants(3));
    const a = net.peer(1).fle;
    a.lookForLeader({ lastZxid: 0x100000005n, currentEpoch: 1n, now: 0 });
    const out = a.receive(
      2,
      { state: 'LOOKING', leader: 2, zxid: 0x100000001n, electionEpoch: 7n, peerEpoch: 1n, config: '' },
      0,
    );
    expect(a.round).toBe(7n);
    expect(a.vote).toMatchObject({ leader: 1, zxid: 0x100000005n });
    expect(
      out
        .filter((x) => x.kind === 'send')
        .map((x) => x.kind === 'send' && x.to)
        .sort(),
    ).toEqual([2, 3]);
  });

  it('answers a LOOKING peer of an older round with its own vote', () => {
    const net = new Net(participants(3));
    const a = net.peer(1).fle;
    a.lookForLeader({ lastZxid: 0n, currentEpoch: 0n, now: 0 });
    a.receive(2, { state: 'LOOKING', leader: 2, zxid: 0n, electionEpoch: 3n, peerEpoch: 0n, config: '' }, 0);
    const out = a.receive(
      3,
      { state: 'LOOKING', leader: 3, zxid: 0n, electionEpoch: 1n, peerEpoch: 0n, config: '' },
      0,
    );
    expect(out).toEqual([
      { kind: 'send', to: 3, msg: expect.objectContaining({ state: 'LOOKING', leader: 2, electionEpoch: 3n }) },
    ]);
  });

  it('restarts finalizeWait when a better vote arrives inside it', () => {
    const net = new Net(participants(3));
    net.down.add(3);
    net.start(1);
    net.start(2);
    net.deliver();
    net.advance(FINALIZE - 50);
    const one = net.peer(1).fle;
    one.receive(
      3,
      { state: 'LOOKING', leader: 3, zxid: 0n, electionEpoch: one.round, peerEpoch: 0n, config: '' },
      net.now,
    );
    net.advance(100);
    expect(net.peer(1).decided).toBeNull();
    expect(one.vote.leader).toBe(3);
  });

  it('keeps re-sending with exponential back-off while nothing arrives', () => {
    const net = new Net(participants(3));
    net.down.add(2);
    net.down.add(3);
    net.start(1);
    const times: number[] = [];
    let last = net.sent;
    for (let i = 0; i < 2000; i++) {
      net.advance(10);
      if (net.sent !== last) times.push(net.now);
      last = net.sent;
    }
    expect(times.slice(0, 4)).toEqual([200, 600, 1400, 3000]);
    net.advance(400_000, 1000);
    const one = net.sent;
    net.advance(60_000, 1000);
    expect(net.sent - one).toBe(2);
  });

  it('answers LOOKING peers with its settled vote and ignores settled ones', () => {
    const net = new Net(participants(3));
    for (const sid of [1, 2, 3]) net.start(sid);
    net.advance(FINALIZE + 20);
    const leader = net.peer(3).fle;
    leader.updatePeerEpoch(1n);
    const looking: ElectionNotification = {
      state: 'LOOKING',
      leader: 1,
      zxid: 0n,
      electionEpoch: 1n,
      peerEpoch: 0n,
      config: '',
    };
    expect(leader.receive(1, looking, net.now)).toEqual([
      {
        kind: 'send',
        to: 1,
        msg: { state: 'LEADING', leader: 3, zxid: 0n, electionEpoch: 1n, peerEpoch: 1n, config: 'version=0' },
      },
    ]);
    expect(leader.receive(1, { ...looking, state: 'FOLLOWING', leader: 3 }, net.now)).toEqual([]);
  });

  it('needs the leader itself to be LEADING before joining on FOLLOWING reports alone', () => {
    const net = new Net(participants(3));
    const three = net.peer(3).fle;
    three.lookForLeader({ lastZxid: 0n, currentEpoch: 0n, now: 0 });
    const following: ElectionNotification = {
      state: 'FOLLOWING',
      leader: 2,
      zxid: 0n,
      electionEpoch: 4n,
      peerEpoch: 1n,
      config: '',
    };
    expect(three.receive(1, following, 0)).toEqual([]);
    expect(three.receive(2, { ...following, state: 'LEADING' }, 0)).toEqual([
      {
        kind: 'decided',
        state: 'FOLLOWING',
        leader: 2,
        tookMs: 0,
        zxid: 0n,
        peerEpoch: 1n,
        by: 'established',
        candidates: [{ sid: 3, zxid: 0n, peerEpoch: 0n }],
      },
    ]);
    expect(three.round).toBe(4n);
  });
});

describe('observers', () => {
  const withObserver: ServerSpec[] = [...participants(3), { sid: 4, role: 'observer' }];

  it('never win, are not counted, and learn the leader', () => {
    const net = new Net(withObserver);
    for (const sid of [1, 2, 3, 4]) net.start(sid, sid === 4 ? 0x900000000n : 0n, sid === 4 ? 9n : 0n);
    net.advance(2000);
    expect(net.peer(3).decided).toMatchObject({ state: 'LEADING', leader: 3 });
    expect(net.peer(4).decided).toMatchObject({ state: 'OBSERVING', leader: 3 });
  });

  it('cannot make a quorum with one voter', () => {
    const net = new Net(withObserver);
    net.down.add(2);
    net.down.add(3);
    net.start(1);
    net.start(4);
    net.advance(5000);
    expect(net.peer(1).decided).toBeNull();
    expect(net.peer(4).decided).toBeNull();
  });
});
