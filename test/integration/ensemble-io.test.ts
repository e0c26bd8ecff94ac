// The member's I/O shell on real loopback sockets, driven by a small scripted core: client framing,
// the handshake gate, four-letter words, malformed input, back-pressure, effect order and peer links.
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerEntry } from '../../src/cluster/member-config.js';
import { MAX_OUTSTANDING_PER_CONNECTION, QUORUM_REDIAL_MS } from '../../src/common/limits.js';
import { LOOPBACK, PortAllocator } from '../../src/common/ports.js';
import type { Effect, MemberInput, MemberStorage, SnapshotJob } from '../../src/ensemble/core/effects.js';
import type { Txn } from '../../src/ensemble/core/txn.js';
import { ClientListener } from '../../src/ensemble/io/client-listener.js';
import { ElectionLinks, QuorumLinks } from '../../src/ensemble/io/peer-links.js';
import { MemberRuntime } from '../../src/ensemble/io/runtime.js';
import {
  FrameDecoder,
  decodeConnectResponse,
  decodeReplyHeader,
  encodeConnectRequest,
  encodeRequest,
} from '../../src/ensemble/wire/index.js';
import type { ElectionNotification } from '../../src/ensemble/wire/peer.js';
import { fourLetterWord, waitUntil } from '../helpers/ensemble.js';

const log = pino({ level: 'silent' });
const ports = new PortAllocator();
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const CONNECT = {
  protocolVersion: 0,
  lastZxidSeen: 0n,
  timeOut: 30_000,
  sessionId: 0n,
  passwd: Buffer.alloc(16),
  readOnly: false,
};
const SESSION = { protocolVersion: 0, timeOut: 4_000, sessionId: 0x42n, passwd: Buffer.alloc(16, 7), readOnly: false };

/** A core that answers connects and requests at once unless told to hold replies. */
class ScriptedCore {
  readonly inputs: MemberInput[] = [];
  holdReplies = false;
  readonly held: Effect[] = [];
  /** Held replies the next tick lets out. */
  releaseOnTick = 0;

  handle(input: MemberInput): Effect[] {
    this.inputs.push(input);
    switch (input.kind) {
      case 'clientConnect':
        return [{ kind: 'connectResponse', conn: input.conn, response: SESSION }];
      case 'clientFourLetterWord':
        return [{ kind: 'fourLetterReply', conn: input.conn, text: input.word === 'ruok' ? 'imok' : `${input.word}?` }];
      case 'clientRequest': {
        const reply: Effect = {
          kind: 'reply',
          conn: input.conn,
          reply: { xid: input.xid, zxid: 5n, err: 0, response: { kind: 'empty' } },
        };
        if (!this.holdReplies) return [reply];
        this.held.push(reply);
        return [];
      }
      case 'tick': {
        const released = this.held.splice(0, this.releaseOnTick);
        this.releaseOnTick = 0;
        return released;
      }
      default:
        return [];
    }
  }

  count(kind: MemberInput['kind']): number {
    return this.inputs.filter((i) => i.kind === kind).length;
  }
}

class RecordingStorage implements MemberStorage {
  readonly calls: string[] = [];
  load(): never {
    throw new Error('not used');
  }
  appendTxns(txns: Txn[]): void {
    this.calls.push(`append ${txns.map((t) => t.zxid).join(',')}`);
  }
  setEpochs(): void {
    this.calls.push('epochs');
  }
  truncateAfter(): void {
    this.calls.push('truncate');
  }
  saveSnapshot(): void {
    this.calls.push('snapshot');
  }
  beginSnapshot(): SnapshotJob {
    this.calls.push('background snapshot');
    return { step: () => false };
  }
  close(): void {}
}

async function startClientPort(core: ScriptedCore): Promise<{ port: number; runtime: MemberRuntime }> {
  const port = await ports.allocate();
  const runtime = new MemberRuntime({
    core,
    storage: new RecordingStorage(),
    tickMs: 1000,
    now: Date.now,
    log,
    report: () => {},
    onFatal: (e) => {
      throw e;
    },
  });
  const clients = new ClientListener({ host: LOOPBACK, port, submit: (i) => runtime.submit(i), now: Date.now, log });
  runtime.attach({
    clients,
    election: { send: () => {} },
    quorum: { listen: () => {}, connectToLeader: () => {}, send: () => {}, closeLink: () => {} },
  });
  await clients.listen();
  cleanups.push(() => clients.close());
  return { port, runtime };
}

/** A raw client socket that collects reply frames. */
async function rawClient(port: number): Promise<{ socket: Socket; frames: Buffer[]; closed: () => boolean }> {
  const socket = connect({ host: LOOPBACK, port });
  await new Promise((resolve) => socket.once('connect', resolve));
  const frames: Buffer[] = [];
  const decoder = new FrameDecoder();
  let isClosed = false;
  socket.on('data', (chunk) => frames.push(...decoder.push(chunk)));
  socket.on('error', () => {});
  socket.on('close', () => {
    isClosed = true;
  });
  cleanups.push(() => socket.destroy());
  return { socket, frames, closed: () => isClosed };
}

const ping = (xid: number): Buffer => encodeRequest(xid, { op: 'exists', path: '/a', watch: false });

describe('client listener', () => {
  it('answers a four-letter word split across packets and closes', async () => {
    const core = new ScriptedCore();
    const { port } = await startClientPort(core);
    const socket = connect({ host: LOOPBACK, port });
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.write('ru');
    await waitUntil('first bytes read', () => core.count('clientOpened') === 1);
    socket.end('ok\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(Buffer.concat(chunks).toString()).toBe('imok');
    expect(core.count('clientFourLetterWord')).toBe(1);
    expect(await fourLetterWord(port, 'srvr')).toBe('srvr?');
  });

  it('holds pipelined requests until the handshake is answered, then replies in order', async () => {
    const core = new ScriptedCore();
    const { port } = await startClientPort(core);
    const c = await rawClient(port);
    c.socket.write(Buffer.concat([encodeConnectRequest(CONNECT), ping(1), ping(2), ping(3)]));
    await waitUntil('three replies', () => c.frames.length === 4);
    const kinds = core.inputs.map((i) => i.kind).filter((k) => k !== 'tick');
    expect(kinds).toEqual(['clientOpened', 'clientConnect', 'clientRequest', 'clientRequest', 'clientRequest']);
    expect(decodeConnectResponse(c.frames[0] as Buffer).sessionId).toBe(0x42n);
    expect(c.frames.slice(1).map((f) => decodeReplyHeader(f).xid)).toEqual([1, 2, 3]);
  });

  it('closes only the connection that sent a bad length or a malformed request', async () => {
    const core = new ScriptedCore();
    const { port } = await startClientPort(core);
    const good = await rawClient(port);
    good.socket.write(encodeConnectRequest(CONNECT));
    const oversize = await rawClient(port);
    oversize.socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0]));
    const truncated = await rawClient(port);
    truncated.socket.write(Buffer.concat([encodeConnectRequest(CONNECT), Buffer.from([0, 0, 0, 6, 0, 0, 0, 1, 0, 0])]));
    await waitUntil('bad connections closed', () => oversize.closed() && truncated.closed());
    good.socket.write(ping(9));
    await waitUntil('good connection answered', () => good.frames.length === 2);
    expect(good.closed()).toBe(false);
  });

  it('stops reading from a connection with too many requests in flight', async () => {
    const core = new ScriptedCore();
    core.holdReplies = true;
    const { port, runtime } = await startClientPort(core);
    const c = await rawClient(port);
    const requests = Array.from({ length: MAX_OUTSTANDING_PER_CONNECTION + 50 }, (_, i) => ping(i + 1));
    c.socket.write(Buffer.concat([encodeConnectRequest(CONNECT), ...requests]));
    await waitUntil('limit reached', () => core.count('clientRequest') === MAX_OUTSTANDING_PER_CONNECTION);
    // That nothing more is read can only be shown by giving it time to happen.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(core.count('clientRequest')).toBe(MAX_OUTSTANDING_PER_CONNECTION);
    core.releaseOnTick = 10;
    runtime.submit({ kind: 'tick', now: Date.now() });
    await waitUntil('ten more read', () => core.count('clientRequest') === MAX_OUTSTANDING_PER_CONNECTION + 10);
    expect(c.frames.length).toBe(11);
  });
});

describe('runtime', () => {
  it('persists a batch (txns in one append) before any send or reply', async () => {
    const storage = new RecordingStorage();
    const order: string[] = [];
    const txn = (zxid: bigint): Txn => ({ zxid, time: 0, sessionId: 1n, cxid: 1, body: { type: 'closeSession' } });
    const effects: Effect[] = [
      { kind: 'reply', conn: 1, reply: { xid: 1, zxid: 1n, err: 0, response: { kind: 'empty' } } },
      { kind: 'persistTxns', txns: [txn(1n)] },
      { kind: 'sendQuorum', link: 1, msg: { type: 'ACK', zxid: 1n } },
      { kind: 'persistTxns', txns: [txn(2n)] },
      { kind: 'persistEpochs', currentEpoch: 1 },
      { kind: 'persistTxns', txns: [txn(3n)] },
    ];
    const runtime = new MemberRuntime({
      core: { handle: () => effects },
      storage,
      tickMs: 1000,
      now: Date.now,
      log,
      report: () => {},
      onFatal: (e) => {
        throw e;
      },
    });
    const record = (what: string) => () => order.push(`${what} after ${storage.calls.length} writes`);
    runtime.attach({
      clients: {
        connectResponse: () => {},
        reply: record('reply'),
        notify: () => {},
        fourLetterReply: () => {},
        closeClient: () => {},
      },
      election: { send: () => {} },
      quorum: { listen: () => {}, connectToLeader: () => {}, send: record('send'), closeLink: () => {} },
    });
    runtime.submit({ kind: 'tick', now: 0 });
    await waitUntil('batch performed', () => order.length === 2);
    expect(storage.calls).toEqual(['append 1,2', 'epochs', 'append 3']);
    expect(order).toEqual(['send after 3 writes', 'reply after 3 writes']);
  });
});

describe('runtime snapshots', () => {
  it('takes a background snapshot one step per turn, performing other batches in between', async () => {
    const order: string[] = [];
    const snapshot = { lastZxid: 1n, nodes: [], sessions: [] };
    const reply: Effect = { kind: 'reply', conn: 1, reply: { xid: 1, zxid: 1n, err: 0, response: { kind: 'empty' } } };
    let steps = 0;
    const storage = new RecordingStorage();
    storage.beginSnapshot = () => ({
      step: () => {
        order.push('step');
        if (++steps === 1) runtime.submit({ kind: 'tick', now: 1 });
        return steps < 4;
      },
    });
    const core = {
      handle: (i: MemberInput): Effect[] =>
        i.kind !== 'tick' ? [] : i.now === 0 ? [{ kind: 'takeSnapshot', snapshot }] : [reply],
    };
    const runtime = new MemberRuntime({
      core,
      storage,
      tickMs: 1000,
      now: Date.now,
      log,
      report: () => {},
      onFatal: (e) => {
        throw e;
      },
    });
    runtime.attach({
      clients: {
        connectResponse: () => {},
        reply: () => order.push('reply'),
        notify: () => {},
        fourLetterReply: () => {},
        closeClient: () => {},
      },
      election: { send: () => {} },
      quorum: { listen: () => {}, connectToLeader: () => {}, send: () => {}, closeLink: () => {} },
    });
    runtime.submit({ kind: 'tick', now: 0 });
    await waitUntil('snapshot finished', () => steps === 4);
    expect(order).toEqual(['step', 'reply', 'step', 'step', 'step']);
  });
});

async function servers(n: number): Promise<ServerEntry[]> {
  const out: ServerEntry[] = [];
  for (let sid = 1; sid <= n; sid++) {
    out.push({
      sid,
      host: LOOPBACK,
      clientPort: await ports.allocate(),
      quorumPort: await ports.allocate(),
      electionPort: await ports.allocate(),
      role: 'participant',
    });
  }
  return out;
}

const vote = (leader: number): ElectionNotification => ({
  state: 'LOOKING',
  leader,
  zxid: 0n,
  electionEpoch: 1n,
  peerEpoch: 0n,
  config: '',
});

describe('peer links', () => {
  it('forms the election mesh from the higher sids and delivers both ways, also before links exist', async () => {
    const all = await servers(3);
    const inbox = new Map<number, MemberInput[]>(all.map((s) => [s.sid, []]));
    const links = all.map(
      (self) =>
        new ElectionLinks({
          self,
          servers: all,
          submit: (i) => inbox.get(self.sid)?.push(i),
          log,
          leaderDialTimeoutMs: 1000,
        }),
    );
    cleanups.push(() => links.forEach((l) => l.close()));
    await Promise.all(links.map((l) => l.listen()));
    // sid 1 speaks first to higher sids, which have not dialled yet: its knock brings them.
    links[0]?.send(3, vote(1));
    links[0]?.send(2, vote(1));
    links.forEach((l) => l.start());
    links[2]?.send(1, vote(3));
    links[1]?.send(3, vote(2));
    const got = (sid: number, from: number): boolean =>
      (inbox.get(sid) ?? []).some((i) => i.kind === 'electionMessage' && i.from === from);
    await waitUntil('all notifications delivered', () => got(3, 1) && got(2, 1) && got(1, 3) && got(3, 2));
    links[2]?.close();
    await waitUntil('link down seen by 1 and 2', () =>
      [1, 2].every((sid) => (inbox.get(sid) ?? []).some((i) => i.kind === 'electionLinkDown' && i.sid === 3)),
    );
  });

  it('lets a learner dial a quorum port that opens late, and drops learners when it closes', async () => {
    const [leaderEntry, learnerEntry] = await servers(2);
    if (leaderEntry === undefined || learnerEntry === undefined) throw new Error('no servers');
    const all = [leaderEntry, learnerEntry];
    const leaderInbox: MemberInput[] = [];
    const learnerInbox: MemberInput[] = [];
    const leader = new QuorumLinks({
      self: leaderEntry,
      servers: all,
      submit: (i) => leaderInbox.push(i),
      log,
      leaderDialTimeoutMs: 5000,
    });
    const learner = new QuorumLinks({
      self: learnerEntry,
      servers: all,
      submit: (i) => learnerInbox.push(i),
      log,
      leaderDialTimeoutMs: 5000,
    });
    cleanups.push(() => [leader, learner].forEach((l) => l.close()));
    learner.connectToLeader(leaderEntry.sid);
    // Let a few dials be refused before the leader opens its port.
    await new Promise((resolve) => setTimeout(resolve, 3 * QUORUM_REDIAL_MS));
    leader.listen(true);
    const up = (inbox: MemberInput[]): number | undefined =>
      inbox.flatMap((i) => (i.kind === 'quorumLinkUp' ? [i.link] : []))[0];
    const leaderLink = await waitUntil('leader accepted the learner', () => up(leaderInbox));
    const learnerLink = await waitUntil('learner connected', () => up(learnerInbox));
    learner.send(learnerLink, { type: 'FOLLOWERINFO', sid: 2, acceptedEpoch: 0 });
    leader.send(leaderLink, { type: 'LEADERINFO', newEpoch: 1 });
    await waitUntil(
      'messages both ways',
      () => leaderInbox.some((i) => i.kind === 'quorumMessage') && learnerInbox.some((i) => i.kind === 'quorumMessage'),
    );
    expect(leaderInbox.find((i) => i.kind === 'quorumMessage')).toMatchObject({
      msg: { type: 'FOLLOWERINFO', sid: 2, acceptedEpoch: 0 },
    });
    leader.listen(false);
    await waitUntil(
      'both sides see the link go',
      () =>
        leaderInbox.some((i) => i.kind === 'quorumLinkDown') && learnerInbox.some((i) => i.kind === 'quorumLinkDown'),
    );
  });
});
