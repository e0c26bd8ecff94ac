// Member as the I/O shell sees it: the effects of starting, leading alone, serving a client, expiring
// its session, snapshots and recovery from storage; and in a simulated ensemble, the role effects
// (quorum port only while leading, operator log lines) and replay from a seed.
import { describe, expect, it } from 'vitest';
import type { Effect, MemberInput } from '../../src/ensemble/core/effects.js';
import { Member, type MemberOptions } from '../../src/ensemble/core/member.js';
import { MemoryStorage } from '../../src/ensemble/storage/memory.js';
import { runScenario } from './scenario.js';
import { leaderCrashes } from './scenarios.js';
import { World } from './world.js';

const T0 = 1_700_000_000_000;

function single(storage: MemoryStorage, now: number, extra: Partial<MemberOptions> = {}): Member {
  return new Member({
    sid: 1,
    servers: [{ sid: 1, role: 'participant' }],
    tickMs: 100,
    initLimit: 10,
    syncLimit: 5,
    finalizeWaitMs: 200,
    minSessionTimeoutMs: 200,
    maxSessionTimeoutMs: 2000,
    secret: Buffer.alloc(32, 7),
    clientPort: 2181,
    dataDir: 'data',
    recovered: storage.load(),
    now,
    ...extra,
  });
}

/** Feeds one input and makes its persist effects durable, as the shell does. */
function feed(m: Member, storage: MemoryStorage, input: MemberInput): Effect[] {
  const effects = m.handle(input);
  for (const e of effects) {
    if (e.kind === 'persistTxns') storage.appendTxns(e.txns);
    else if (e.kind === 'persistEpochs') storage.setEpochs(e);
    else if (e.kind === 'truncateLog') storage.truncateAfter(e.afterZxid);
    else if (e.kind === 'saveSnapshot') storage.saveSnapshot(e.snapshot);
    else if (e.kind === 'takeSnapshot') for (const job = storage.beginSnapshot(e.snapshot); job.step(); );
  }
  return effects;
}

const logs = (effects: Effect[]): string[] => effects.flatMap((e) => (e.kind === 'log' ? [e.msg] : []));

function ticks(m: Member, storage: MemoryStorage, from: number, ms: number): Effect[] {
  const out: Effect[] = [];
  for (let t = from + 50; t <= from + ms; t += 50) out.push(...feed(m, storage, { kind: 'tick', now: t }));
  return out;
}

const CONNECT = {
  protocolVersion: 0,
  lastZxidSeen: 0n,
  timeOut: 1000,
  sessionId: 0n,
  passwd: Buffer.alloc(16),
  readOnly: undefined,
};

describe('a member alone', () => {
  it('starts LOOKING, leads after finalizeWait, and opens its quorum port only then', () => {
    const storage = new MemoryStorage();
    const m = single(storage, T0);
    const first = feed(m, storage, { kind: 'tick', now: T0 });
    expect(logs(first)).toEqual(['LOOKING']);
    expect(first).toContainEqual({
      kind: 'stateChanged',
      state: 'LOOKING',
      phase: 'election',
      leader: null,
      zxid: 0n,
      epoch: 0,
    });
    expect(first.some((e) => e.kind === 'listenQuorum')).toBe(false);
    const later = ticks(m, storage, T0, 300);
    expect(logs(later)).toEqual([
      'LEADING - LEADER ELECTION TOOK - 200 MS',
      'Have quorum of supporters, sids: [ 1 ]; starting up and setting last processed zxid: 0x100000000',
    ]);
    expect(later).toContainEqual({ kind: 'listenQuorum', listen: true });
    expect(
      later.filter((e) => e.kind === 'stateChanged').map((e) => e.kind === 'stateChanged' && `${e.state}/${e.phase}`),
    ).toEqual(['LEADING/discovery', 'LEADING/synchronization', 'LEADING/broadcast']);
    expect(storage.load()).toMatchObject({ acceptedEpoch: 1, currentEpoch: 1 });
    expect(m.replicated.lastZxid).toBe(0x100000000n);
  });

  it('answers four-letter words with what it is: not serving while LOOKING, then the leader of epoch 1', () => {
    const storage = new MemoryStorage();
    const m = single(storage, T0);
    const word = (w: string, now: number): string => {
      feed(m, storage, { kind: 'clientOpened', conn: 9, ip: '127.0.0.1', port: 5009, now });
      const e = feed(m, storage, { kind: 'clientFourLetterWord', conn: 9, word: w, now }).find(
        (x) => x.kind === 'fourLetterReply',
      );
      return e?.kind === 'fourLetterReply' ? e.text : '';
    };
    expect(word('srvr', T0)).toBe('This ZooKeeper instance is not currently serving requests\n');
    ticks(m, storage, T0, 300);
    const srvr = word('srvr', T0 + 300);
    expect(srvr).toContain('Zxid: 0x100000000\nMode: leader\n');
    expect(srvr).toContain('Proposal sizes last/min/max: -1/-1/-1\n');
    expect(word('mntr', T0 + 300)).toContain('zk_peer_state\tleading - broadcast\n');
    feed(m, storage, { kind: 'clientOpened', conn: 1, ip: '127.0.0.1', port: 5000, now: T0 + 300 });
    feed(m, storage, { kind: 'clientConnect', conn: 1, request: CONNECT, now: T0 + 300 });
    expect(word('srvr', T0 + 300)).toMatch(/Proposal sizes last\/min\/max: (\d+)\/\1\/\1\n/);
  });

  it('logs a new session before answering it, then expires it when the client goes quiet', () => {
    const storage = new MemoryStorage();
    const m = single(storage, T0);
    ticks(m, storage, T0 - 50, 350);
    feed(m, storage, { kind: 'clientOpened', conn: 1, ip: '127.0.0.1', port: 5000, now: T0 + 300 });
    const connect = feed(m, storage, { kind: 'clientConnect', conn: 1, request: CONNECT, now: T0 + 300 });
    const persisted = connect.findIndex((e) => e.kind === 'persistTxns');
    const answered = connect.findIndex((e) => e.kind === 'connectResponse');
    expect(persisted).toBeGreaterThan(-1);
    expect(persisted).toBeLessThan(answered);
    const session = connect.find((e) => e.kind === 'connectResponse');
    const sessionId = session?.kind === 'connectResponse' ? session.response.sessionId : 0n;
    expect(sessionId >> 56n).toBe(1n);
    const quiet = ticks(m, storage, T0 + 300, 1300);
    expect(logs(quiet)).toEqual([`Expiring session 0x${sessionId.toString(16)}, timeout of 1000ms exceeded`]);
    expect(quiet).toContainEqual({ kind: 'closeClient', conn: 1 });
    expect(m.replicated.sessions.size).toBe(0);
  });

  it('snapshots every snapCount txns and comes back from storage with the same state in a new epoch', () => {
    const storage = new MemoryStorage();
    const m = single(storage, T0, { snapCount: 3 });
    ticks(m, storage, T0 - 50, 350);
    const snaps: Effect[] = [];
    for (let conn = 1; conn <= 4; conn++) {
      feed(m, storage, { kind: 'clientOpened', conn, ip: '127.0.0.1', port: 5000 + conn, now: T0 + 400 });
      snaps.push(
        ...feed(m, storage, { kind: 'clientConnect', conn, request: CONNECT, now: T0 + 400 }).filter(
          (e) => e.kind === 'takeSnapshot',
        ),
      );
    }
    expect(snaps).toHaveLength(1);
    expect(storage.load()).toMatchObject({ snapshot: { lastZxid: 0x100000003n }, txns: [{ zxid: 0x100000004n }] });

    const again = single(storage, T0 + 1000);
    ticks(again, storage, T0 + 1000, 300);
    expect(again.peerState).toBe('LEADING');
    expect(again.replicated.sessions.size).toBe(4);
    expect(storage.load()).toMatchObject({ acceptedEpoch: 2, currentEpoch: 2 });
    expect(again.replicated.lastZxid).toBe(0x200000000n);
    expect(again.replicated.sessions).toEqual(m.replicated.sessions);
    expect(again.replicated.toSnapshot().nodes).toEqual(m.replicated.toSnapshot().nodes);
  });
});

describe('members in a simulated ensemble', () => {
  it('elect the highest sid, open the quorum port only on the leader, and log in ZooKeeper words', () => {
    const world = new World({ seed: 11, participants: 3 });
    const listens: { sid: number; listen: boolean }[] = [];
    world.tap = (sid, e) => {
      if (e.kind === 'listenQuorum') listens.push({ sid, listen: e.listen });
    };
    world.runUntil('a leader', () => world.stableLeader() !== undefined, 5000);
    expect(world.stableLeader()).toBe(3);
    expect(listens).toEqual([{ sid: 3, listen: true }]);
    const msgs = world.logs.map((l) => `${l.sid} ${l.msg.replace(/\d+ MS$/, 'N MS')}`);
    expect(msgs).toContain('3 LEADING - LEADER ELECTION TOOK - N MS');
    expect(msgs).toContain('1 FOLLOWING - LEADER ELECTION TOOK - N MS');
    expect(msgs).toContain('1 FOLLOWING - leader is sid 3');
    expect(msgs.find((x) => x.startsWith('3 Have quorum'))).toMatch(
      /^3 Have quorum of supporters, sids: \[ (1,)?(2,)?3 \]; starting up and setting last processed zxid: 0x100000000$/,
    );
  });

  it('a leader cut off from its followers gives up, closes the quorum port and its clients, and the rest elect anew', () => {
    const world = new World({ seed: 12, participants: 3 });
    world.runUntil('a leader', () => world.stableLeader() !== undefined, 5000);
    let closed = false;
    const client = {
      onConnectResponse: () => undefined,
      onReply: () => undefined,
      onNotify: () => undefined,
      onClosed: () => (closed = true),
    };
    world.openConn(client, 3, CONNECT);
    world.run(50);
    const effects: { sid: number; e: Effect }[] = [];
    world.tap = (sid, e) => effects.push({ sid, e });
    world.partition([[3], [1, 2]]);
    world.runUntil(
      'a new leader',
      () => world.member(2)?.peerState === 'LEADING' && world.member(2)?.zabPhase === 'broadcast',
      10_000,
    );
    const old = effects.filter((x) => x.sid === 3).map((x) => x.e);
    expect(old).toContainEqual({
      kind: 'log',
      level: 'warn',
      msg: 'Not sufficient followers synced, only synced with sids: [ 3 ]',
    });
    expect(old).toContainEqual({ kind: 'listenQuorum', listen: false });
    expect(world.member(3)?.peerState).toBe('LOOKING');
    expect(closed).toBe(true);
    world.heal();
    world.runUntil('the old leader following', () => world.stableLeader() === 2, 10_000);
  });

  it('replays a run exactly from its seed', () => {
    const trace = (): string => {
      const r = runScenario(5, leaderCrashes);
      return JSON.stringify(r.world.logs) + r.world.describe();
    };
    expect(trace()).toBe(trace());
  });
});
