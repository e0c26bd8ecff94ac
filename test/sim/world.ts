// A simulated ensemble: Members in one process on a virtual clock, joined by a network that delays,
// reorders and drops election messages, keeps quorum and client links FIFO (stalled, not lost, by a
// partition), and crashes and restarts members from what their storage kept.

import {
  effectStage,
  type ConnId,
  type Effect,
  type LinkId,
  type MemberInput,
  type ServerSpec,
  type SnapshotJob,
} from '../../src/ensemble/core/effects.js';
import { Member } from '../../src/ensemble/core/member.js';
import { MemoryStorage } from '../../src/ensemble/storage/memory.js';
import type { ElectionNotification, ZabMessage } from '../../src/ensemble/wire/peer.js';
import type {
  ConnectRequest,
  ConnectResponse,
  ClientRequest,
  Reply,
  WatcherEvent,
} from '../../src/ensemble/wire/records.js';
import { Rng } from './prng.js';

export interface WorldOptions {
  seed: number;
  participants: number;
  observers?: number;
  tickMs?: number;
  initLimit?: number;
  syncLimit?: number;
  finalizeWaitMs?: number;
  snapCount?: number;
}

/** The client side of a simulated connection. */
export interface ClientEnd {
  onConnectResponse(r: ConnectResponse): void;
  onReply(r: Reply): void;
  onNotify(e: WatcherEvent): void;
  onClosed(): void;
}

type Event = { time: number; seq: number; run: () => void };

/** Events by (time, insertion order): a binary heap. */
class EventQueue {
  private readonly heap: Event[] = [];
  private seq = 0;

  push(time: number, run: () => void): void {
    const h = this.heap;
    h.push({ time, seq: this.seq++, run });
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as Event, h[parent] as Event)) break;
      [h[i], h[parent]] = [h[parent] as Event, h[i] as Event];
      i = parent;
    }
  }

  pop(): Event | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as Event, h[m] as Event)) m = l;
      if (r < h.length && before(h[r] as Event, h[m] as Event)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Event, h[i] as Event];
      i = m;
    }
    return top;
  }

  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }
}

const before = (a: Event, b: Event): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq);

/** One direction of a TCP-like stream: in order, delayed, stalled while `blocked`, ended by EOF. */
class Pipe<T> {
  private readonly queue: { item: T | null; readyAt: number }[] = [];
  private scheduled = false;
  /** The reader stopped reading (closed its end). */
  dead = false;

  constructor(
    private readonly world: World,
    private readonly deliver: (item: T) => void,
    private readonly onEof: () => void,
    private readonly blocked: () => boolean,
  ) {}

  push(item: T): void {
    this.enqueue(item);
  }

  end(): void {
    this.enqueue(null);
  }

  /** The writer's machine died: what was not delivered is lost, and the reader sees the link drop. */
  abort(): void {
    this.queue.length = 0;
    this.enqueue(null);
  }

  pump(): void {
    this.scheduled = false;
    while (!this.dead && !this.blocked()) {
      const head = this.queue[0];
      if (head === undefined) return;
      if (head.readyAt > this.world.now) {
        this.schedule(head.readyAt);
        return;
      }
      this.queue.shift();
      if (head.item === null) {
        this.dead = true;
        this.onEof();
      } else {
        this.deliver(head.item);
      }
    }
  }

  private enqueue(item: T | null): void {
    if (this.dead) return;
    const last = this.queue.at(-1)?.readyAt ?? 0;
    const readyAt = Math.max(last, this.world.now + this.world.latency());
    this.queue.push({ item, readyAt });
    if (this.queue.length === 1) this.schedule(readyAt);
  }

  private schedule(at: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.world.at(at, () => this.pump());
  }
}

interface QuorumLink {
  /** Per side: the member, its incarnation and its LinkId for this link. */
  ends: [{ sid: number; life: number; link: LinkId }, { sid: number; life: number; link: LinkId }];
  /** pipes[i] carries what side i sends. */
  pipes: [Pipe<ZabMessage>, Pipe<ZabMessage>];
  accepted: boolean;
}

interface SimConn {
  id: ConnId;
  sid: number;
  life: number;
  toServer: Pipe<MemberInput>;
  toClient: Pipe<Effect>;
}

interface SimMember {
  spec: ServerSpec;
  storage: MemoryStorage;
  member: Member | null;
  /** Bumped at every start: events of an earlier life are ignored. */
  life: number;
  listening: boolean;
  nextLink: number;
  links: Map<LinkId, QuorumLink>;
  dialGeneration: number;
}

export class World {
  now = 1_700_000_000_000;
  readonly rng: Rng;
  private readonly netRng: Rng;
  private readonly events = new EventQueue();
  readonly servers: ServerSpec[];
  private readonly members = new Map<number, SimMember>();
  /** sid → partition group; members talk only within one group. */
  private groups = new Map<number, number>();
  /** Probability that an election message is lost. */
  electionLoss = 0;
  /** The newest election notification that found no link, per (from, to): sent when the link is back. */
  private readonly unsent = new Map<string, ElectionNotification>();
  private readonly conns = new Map<ConnId, SimConn>();
  private nextConn = 1;
  readonly tickMs: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  private readonly finalizeWaitMs: number;
  private readonly snapCount: number | undefined;
  /** epoch → the sid that led it. */
  readonly leaders = new Map<number, number>();
  readonly violations: string[] = [];
  readonly logs: { sid: number; msg: string; time: number }[] = [];
  /** Sees every effect a member asks for, as it is performed. */
  tap: ((sid: number, e: Effect) => void) | null = null;

  constructor(opts: WorldOptions) {
    this.rng = new Rng(opts.seed);
    this.netRng = this.rng.fork();
    this.tickMs = opts.tickMs ?? 100;
    this.initLimit = opts.initLimit ?? 10;
    this.syncLimit = opts.syncLimit ?? 5;
    this.finalizeWaitMs = opts.finalizeWaitMs ?? 200;
    this.snapCount = opts.snapCount;
    const observers = opts.observers ?? 0;
    this.servers = Array.from({ length: opts.participants + observers }, (_, i) => ({
      sid: i + 1,
      role: i < opts.participants ? 'participant' : 'observer',
    }));
    for (const spec of this.servers) {
      const m: SimMember = {
        spec,
        storage: new MemoryStorage(),
        member: null,
        life: 0,
        listening: false,
        nextLink: 1,
        links: new Map(),
        dialGeneration: 0,
      };
      this.members.set(spec.sid, m);
      this.start(m);
    }
  }

  get sids(): number[] {
    return this.servers.map((s) => s.sid);
  }

  member(sid: number): Member | null {
    return this.sim(sid).member;
  }

  storage(sid: number): MemoryStorage {
    return this.sim(sid).storage;
  }

  up(sid: number): boolean {
    return this.sim(sid).member !== null;
  }

  latency(): number {
    return this.netRng.int(1, 8);
  }

  at(time: number, run: () => void): void {
    this.events.push(Math.max(time, this.now), run);
  }

  after(ms: number, run: () => void): void {
    this.at(this.now + ms, run);
  }

  /** Runs events up to `time`. */
  runUntilTime(time: number): void {
    for (let t = this.events.peekTime(); t !== undefined && t <= time; t = this.events.peekTime()) {
      const e = this.events.pop();
      if (e === undefined) break;
      this.now = e.time;
      e.run();
    }
    this.now = Math.max(this.now, time);
  }

  run(ms: number): void {
    this.runUntilTime(this.now + ms);
  }

  /** Runs until `done` holds (checked every 10 ms), or fails after `limitMs`. */
  runUntil(what: string, done: () => boolean, limitMs: number): void {
    const deadline = this.now + limitMs;
    while (!done()) {
      if (this.now >= deadline) throw new Error(`${what} did not happen within ${limitMs} ms (at ${this.describe()})`);
      this.run(10);
    }
  }

  /** The sid that is LEADING in broadcast with every running member settled behind it, if any. */
  stableLeader(): number | undefined {
    const running = this.sids.filter((sid) => this.up(sid));
    const leader = running.find(
      (sid) => this.member(sid)?.peerState === 'LEADING' && this.member(sid)?.zabPhase === 'broadcast',
    );
    if (leader === undefined) return undefined;
    const settled = running.every((sid) => {
      const m = this.member(sid);
      return m !== null && m.zabPhase === 'broadcast' && m.leaderSid === leader;
    });
    return settled ? leader : undefined;
  }

  describe(): string {
    return this.sids
      .map((sid) => {
        const m = this.member(sid);
        return m === null
          ? `${sid}:down`
          : `${sid}:${m.peerState}/${m.zabPhase}/L${m.leaderSid ?? '-'}/0x${m.replicated.lastZxid.toString(16)}`;
      })
      .join(' ');
  }

  // ---- faults ----

  crash(sid: number): void {
    const m = this.sim(sid);
    if (m.member === null) return;
    m.member = null;
    m.listening = false;
    m.dialGeneration++;
    for (const link of m.links.values()) {
      const side = this.sideOf(link, sid);
      link.pipes[side].abort();
      link.pipes[side === 0 ? 1 : 0].dead = true;
    }
    m.links.clear();
    for (const c of this.conns.values()) if (c.sid === sid && c.life === m.life) this.dropConn(c);
  }

  restart(sid: number): void {
    const m = this.sim(sid);
    if (m.member !== null) return;
    this.start(m);
    this.flushUnsent();
  }

  /** Splits the members into groups that cannot reach each other. */
  partition(groups: number[][]): void {
    this.groups = new Map(groups.flatMap((g, i) => g.map((sid) => [sid, i] as [number, number])));
  }

  heal(): void {
    this.groups.clear();
    this.flushUnsent();
    for (const m of this.members.values()) for (const link of m.links.values()) for (const p of link.pipes) p.pump();
  }

  connected(a: number, b: number): boolean {
    return this.up(a) && this.up(b) && (this.groups.get(a) ?? -1) === (this.groups.get(b) ?? -1);
  }

  // ---- clients ----

  /** Opens a client connection to `sid`; inputs go through `send`. */
  openConn(client: ClientEnd, sid: number, request: ConnectRequest): ConnId | null {
    const m = this.sim(sid);
    if (m.member === null) return null;
    const id = this.nextConn++;
    const life = m.life;
    const alive = (): boolean => m.life === life && m.member !== null;
    const conn: SimConn = {
      id,
      sid,
      life,
      toServer: new Pipe<MemberInput>(
        this,
        (input) => {
          if (alive()) this.input(sid, input);
        },
        () => {
          if (alive()) this.input(sid, { kind: 'clientClosed', conn: id });
        },
        () => false,
      ),
      toClient: new Pipe<Effect>(
        this,
        (e) => this.toClient(client, e),
        () => {
          this.conns.delete(id);
          client.onClosed();
        },
        () => false,
      ),
    };
    this.conns.set(id, conn);
    conn.toServer.push({ kind: 'clientOpened', conn: id, ip: '127.0.0.1', port: 40000 + id, now: 0 });
    conn.toServer.push({ kind: 'clientConnect', conn: id, request, now: 0 });
    return id;
  }

  sendRequest(conn: ConnId, xid: number, request: ClientRequest): void {
    this.conns.get(conn)?.toServer.push({ kind: 'clientRequest', conn, xid, request, now: 0 });
  }

  /** The client hangs up. */
  closeConn(conn: ConnId): void {
    const c = this.conns.get(conn);
    if (c === undefined) return;
    this.conns.delete(conn);
    c.toServer.end();
    c.toClient.dead = true;
  }

  private toClient(client: ClientEnd, e: Effect): void {
    switch (e.kind) {
      case 'connectResponse':
        return client.onConnectResponse(e.response);
      case 'reply':
        return client.onReply(e.reply);
      case 'notify':
        return client.onNotify(e.event);
      default:
        return;
    }
  }

  private dropConn(c: SimConn): void {
    c.toServer.dead = true;
    c.toClient.abort();
  }

  // ---- members ----

  private sim(sid: number): SimMember {
    const m = this.members.get(sid);
    if (m === undefined) throw new Error(`no member ${sid}`);
    return m;
  }

  private start(m: SimMember): void {
    const sid = m.spec.sid;
    m.life++;
    m.links = new Map();
    m.listening = false;
    const secret = Buffer.alloc(32, sid);
    m.member = new Member({
      sid,
      servers: this.servers,
      tickMs: this.tickMs,
      initLimit: this.initLimit,
      syncLimit: this.syncLimit,
      finalizeWaitMs: this.finalizeWaitMs,
      minSessionTimeoutMs: 2 * this.tickMs,
      maxSessionTimeoutMs: 20 * this.tickMs,
      secret,
      clientPort: 2180 + sid,
      dataDir: `sim/zk-${sid}`,
      recovered: m.storage.load(),
      now: this.now,
      snapCount: this.snapCount,
    });
    const life = m.life;
    const half = Math.max(1, Math.floor(this.tickMs / 2));
    const tick = (): void => {
      if (m.life !== life || m.member === null) return;
      this.input(sid, { kind: 'tick', now: this.now });
      this.after(half, tick);
    };
    this.after(this.rng.int(0, half), tick);
  }

  /** Hands an input to a running member and performs its effects: persist, then send, then reply. */
  private input(sid: number, input: MemberInput): void {
    const m = this.sim(sid);
    if (m.member === null) return;
    const stamped = 'now' in input ? { ...input, now: this.now } : input;
    const effects = m.member.handle(stamped);
    if (this.tap !== null) for (const e of effects) this.tap(sid, e);
    for (const e of effects) if (effectStage(e) === 'persist') this.persist(m, e);
    for (const e of effects) if (effectStage(e) === 'send') this.send(m, e);
    for (const e of effects) if (effectStage(e) === 'reply') this.reply(e);
    for (const e of effects) if (effectStage(e) === 'observe') this.observe(sid, e);
  }

  private persist(m: SimMember, e: Effect): void {
    const s = m.storage;
    if (e.kind === 'persistTxns') s.appendTxns(e.txns);
    else if (e.kind === 'persistEpochs') s.setEpochs(e);
    else if (e.kind === 'truncateLog') s.truncateAfter(e.afterZxid);
    else if (e.kind === 'saveSnapshot') s.saveSnapshot(e.snapshot);
    else if (e.kind === 'takeSnapshot') this.stepInBackground(m, s.beginSnapshot(e.snapshot));
  }

  /** A background snapshot takes one step per simulated millisecond, until done or its member crashes. */
  private stepInBackground(m: SimMember, job: SnapshotJob): void {
    const life = m.life;
    const step = (): void => {
      if (m.life === life && job.step()) this.after(1, step);
    };
    this.after(1, step);
  }

  private send(m: SimMember, e: Effect): void {
    const sid = m.spec.sid;
    switch (e.kind) {
      case 'sendElection':
        return this.sendElection(sid, e.to, e.msg);
      case 'listenQuorum':
        m.listening = e.listen;
        if (!e.listen)
          for (const link of [...m.links.values()])
            if (link.accepted && link.ends[1].sid === sid) this.endLink(link, 1);
        return;
      case 'connectToLeader':
        return this.dial(m, e.sid);
      case 'sendQuorum': {
        const link = m.links.get(e.link);
        if (link !== undefined) link.pipes[this.sideOf(link, sid)].push(e.msg);
        return;
      }
      case 'closeQuorumLink': {
        const link = m.links.get(e.link);
        if (link !== undefined) this.endLink(link, this.sideOf(link, sid));
        return;
      }
      default:
        return;
    }
  }

  private reply(e: Effect): void {
    if (!('conn' in e)) return;
    const c = this.conns.get(e.conn);
    if (c === undefined) return;
    if (e.kind === 'closeClient') {
      this.conns.delete(c.id);
      c.toClient.end();
      c.toServer.end();
    } else {
      c.toClient.push(e);
    }
  }

  private observe(sid: number, e: Effect): void {
    if (e.kind === 'log') {
      this.logs.push({ sid, msg: e.msg, time: this.now });
      return;
    }
    if (e.kind !== 'stateChanged' || e.state !== 'LEADING' || e.phase === 'election' || e.phase === 'discovery') return;
    const earlier = this.leaders.get(e.epoch);
    if (earlier !== undefined && earlier !== sid) this.violations.push(`epoch ${e.epoch} led by ${earlier} and ${sid}`);
    this.leaders.set(e.epoch, sid);
  }

  // ---- election links ----

  private sendElection(from: number, to: number, msg: ElectionNotification): void {
    if (!this.connected(from, to)) {
      this.unsent.set(`${from}>${to}`, msg);
      return;
    }
    if (this.netRng.chance(this.electionLoss)) return;
    const toLife = this.sim(to).life;
    this.after(this.netRng.int(1, 15), () => {
      if (this.sim(to).life !== toLife || !this.connected(from, to)) {
        this.unsent.set(`${from}>${to}`, msg);
        return;
      }
      this.input(to, { kind: 'electionMessage', from, msg });
    });
  }

  /** Links that come back carry the newest notification that found none (as the transport does). */
  private flushUnsent(): void {
    for (const [key, msg] of [...this.unsent]) {
      const [from, to] = key.split('>').map(Number) as [number, number];
      if (!this.connected(from, to)) continue;
      this.unsent.delete(key);
      this.sendElection(from, to, msg);
    }
  }

  // ---- quorum links ----

  /** Dials the leader's quorum port, retrying every 50 ms while it is not open, as the shell does. */
  private dial(m: SimMember, leaderSid: number): void {
    const generation = ++m.dialGeneration;
    const life = m.life;
    const deadline = this.now + this.initLimit * this.tickMs;
    const attempt = (): void => {
      if (m.life !== life || m.dialGeneration !== generation || m.member === null) return;
      const leader = this.sim(leaderSid);
      if (this.connected(m.spec.sid, leaderSid) && leader.listening) {
        this.after(this.latency(), () => this.establish(m, life, generation, leader, leader.life));
      } else if (this.now < deadline) {
        this.after(50, attempt);
      }
    };
    attempt();
  }

  private establish(m: SimMember, life: number, generation: number, leader: SimMember, leaderLife: number): void {
    if (m.life !== life || m.dialGeneration !== generation || leader.life !== leaderLife || !leader.listening) return;
    if (!this.connected(m.spec.sid, leader.spec.sid)) return;
    const ends: QuorumLink['ends'] = [
      { sid: m.spec.sid, life, link: m.nextLink++ },
      { sid: leader.spec.sid, life: leaderLife, link: leader.nextLink++ },
    ];
    const link = { ends, accepted: true } as QuorumLink;
    const pipe = (to: 0 | 1): Pipe<ZabMessage> =>
      new Pipe<ZabMessage>(
        this,
        (msg) => this.atEnd(link, to, (end) => this.input(end.sid, { kind: 'quorumMessage', link: end.link, msg })),
        () => this.atEnd(link, to, (end) => this.linkGone(end)),
        () => !this.connected(ends[0].sid, ends[1].sid),
      );
    link.pipes = [pipe(1), pipe(0)];
    m.links.set(ends[0].link, link);
    leader.links.set(ends[1].link, link);
    this.input(leader.spec.sid, { kind: 'quorumLinkUp', link: ends[1].link });
    this.input(m.spec.sid, { kind: 'quorumLinkUp', link: ends[0].link });
  }

  /** Runs `f` for side `i` of the link if that member is still the life that opened it. */
  private atEnd(link: QuorumLink, i: 0 | 1, f: (end: QuorumLink['ends'][0]) => void): void {
    const end = link.ends[i];
    const m = this.sim(end.sid);
    if (m.life === end.life && m.member !== null && m.links.get(end.link) === link) f(end);
  }

  /** Side `i` closes: it stops reading and reports the link down; the other side gets EOF after the data. */
  private endLink(link: QuorumLink, i: 0 | 1): void {
    const from = link.pipes[i];
    const to = link.pipes[i === 0 ? 1 : 0];
    from.end();
    if (to.dead) return;
    to.dead = true;
    this.after(0, () => this.atEnd(link, i, (e) => this.linkGone(e)));
  }

  private linkGone(end: QuorumLink['ends'][0]): void {
    const m = this.sim(end.sid);
    m.links.delete(end.link);
    this.input(end.sid, { kind: 'quorumLinkDown', link: end.link });
  }

  private sideOf(link: QuorumLink, sid: number): 0 | 1 {
    return link.ends[0].sid === sid ? 0 : 1;
  }
}
