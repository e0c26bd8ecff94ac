// ZkServer: one member's client-facing request processing, pure — handshakes and session
// re-establishment, per-connection reply order, writes submitted as txns and answered on commit,
// local reads, watch notifications before replies, and the four-letter words.

import { createHmac } from 'node:crypto';
import { MAX_OUTSTANDING_PER_CONNECTION } from '../../../common/limits.js';
import {
  Err,
  type ClientRequest,
  type ClientResponse,
  type ConnectRequest,
  type ConnectResponse,
  type MarshallingErrorReq,
  type Reply,
  type WatcherEvent,
  type WriteRequest,
} from '../../wire/records.js';
import { authenticate } from '../acl.js';
import type { ConnId, Effect } from '../effects.js';
import { negotiateTimeout, SessionIdGenerator } from '../sessions.js';
import type { ReplicatedState } from '../tree/state.js';
import type { Txn, TxnBody } from '../txn.js';
import { WatchManager } from '../watches.js';
import { ClientConnection, type LocalRequest, type Slot } from './connection.js';
import { fourLetterText, type MemberInfo } from './fourletter.js';
import { answerLocal, lastOpName, marshallingErrorCode } from './local.js';
import { ServerStats } from './stats.js';

export type { MemberInfo } from './fourletter.js';

export type ServerOutput =
  | Extract<Effect, { kind: 'connectResponse' | 'reply' | 'notify' | 'closeClient' | 'fourLetterReply' | 'log' }>
  /** A txn for the leader to order; `committed` later reports it (on every member). */
  | { kind: 'submit'; sessionId: bigint; cxid: number; body: TxnBody }
  /** A sync for the leader; `syncDone` reports its completion. */
  | { kind: 'sync'; conn: ConnId; xid: number; path: string };

export interface ZkServerOptions {
  sid: number;
  state: ReplicatedState;
  tickMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** This server's secret: session passwords are derived from it and the session id. */
  secret: Buffer;
  /** `super:<hash>` (as digestId makes it): a digest auth matching it bypasses every ACL. */
  superDigest?: string;
}

const EMPTY: ClientResponse = { kind: 'empty' };
const PASSWORD_BYTES = 16;

/** Which requests are txns (submitted to the leader) and which this member answers itself. */
const WRITE_OPS: Record<WriteRequest['op'], true> = {
  create: true,
  create2: true,
  createContainer: true,
  createTTL: true,
  delete: true,
  setData: true,
  setACL: true,
  check: true,
  multi: true,
};
const LOCAL_OPS: Record<LocalRequest['op'], true> = {
  exists: true,
  getData: true,
  getChildren: true,
  getChildren2: true,
  multiRead: true,
  getACL: true,
  getAllChildrenNumber: true,
  getEphemerals: true,
  checkWatches: true,
  removeWatches: true,
  addWatch: true,
  setWatches: true,
  setWatches2: true,
  ping: true,
  whoAmI: true,
  reconfig: true,
  sasl: true,
  unknown: true,
  marshallingError: true,
};
const isWrite = (req: ClientRequest): req is WriteRequest => Object.hasOwn(WRITE_OPS, req.op);
const isLocal = (req: ClientRequest): req is LocalRequest => Object.hasOwn(LOCAL_OPS, req.op);
/** A write ZooKeeper could make no txn of still takes a zxid: it logs an error txn in its place. */
const takesZxid = (req: ClientRequest): req is MarshallingErrorReq =>
  req.op === 'marshallingError' && req.served === undefined && Object.hasOwn(WRITE_OPS, req.sent);

export class ZkServer {
  private state: ReplicatedState;
  private readonly watches = new WatchManager();
  private readonly stats = new ServerStats();
  private readonly conns = new Map<ConnId, ClientConnection>();
  /** Sessions established on this member → their connection. */
  private readonly sessionConns = new Map<bigint, ConnId>();
  /** New sessions whose createSession has not committed yet → the waiting connection. */
  private readonly handshakes = new Map<bigint, ConnId>();
  private readonly touched = new Set<bigint>();
  /** Null while not serving: handshakes are refused. */
  private ids: SessionIdGenerator | null = null;
  private servingSince = 0;

  constructor(private readonly options: ZkServerOptions) {
    this.state = options.state;
  }

  opened(conn: ConnId, from: { ip: string; port: number; now: number }): void {
    this.conns.set(conn, new ClientConnection(conn, from.ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, ''), from.port));
  }

  closed(conn: ConnId): ServerOutput[] {
    const c = this.conns.get(conn);
    if (c !== undefined) this.detach(c);
    return [];
  }

  // ---- handshake ----

  connect(conn: ConnId, req: ConnectRequest, now: number): ServerOutput[] {
    const c = this.conns.get(conn);
    if (c === undefined) return [{ kind: 'closeClient', conn }];
    this.received(c);
    if (this.ids === null) return [this.close(c)];
    if (c.phase !== 'new') return [log('warn', 'second ConnectRequest on a connection', { conn }), this.close(c)];
    if (req.lastZxidSeen > this.state.lastZxid) {
      const msg = `refusing session: client has seen zxid 0x${req.lastZxidSeen.toString(16)}, our last zxid is 0x${this.state.lastZxid.toString(16)}`;
      return [log('info', msg, { conn }), this.close(c)];
    }
    c.timeoutMs = negotiateTimeout(req.timeOut, this.options);
    c.readOnlyByte = req.readOnly;
    return req.sessionId === 0n ? this.createSession(c, this.ids) : this.reopenSession(c, req, now);
  }

  private createSession(c: ClientConnection, ids: SessionIdGenerator): ServerOutput[] {
    const sessionId = ids.nextId();
    c.phase = 'handshaking';
    c.sessionId = sessionId;
    this.handshakes.set(sessionId, c.id);
    const body: TxnBody = { type: 'createSession', timeoutMs: c.timeoutMs, passwd: this.passwordFor(sessionId) };
    return [{ kind: 'submit', sessionId, cxid: 0, body }];
  }

  /** A reconnect: other connections of the session here are closed first, then id and password are checked. */
  private reopenSession(c: ClientConnection, req: ConnectRequest, now: number): ServerOutput[] {
    const out = this.closeSessionConnection(req.sessionId);
    const session = this.state.sessions.get(req.sessionId);
    if (session === undefined || req.passwd === null || !session.passwd.equals(req.passwd)) {
      this.stats.unsuccessfulHandshakes++;
      const why = session === undefined ? 'expired or unknown session' : 'wrong password';
      out.push(log('info', `refusing reconnect of session 0x${hex(req.sessionId)}: ${why}`, { conn: c.id }));
      out.push(
        this.connectResponse(c, { timeOut: 0, sessionId: 0n, passwd: Buffer.alloc(PASSWORD_BYTES) }),
        this.close(c),
      );
      return out;
    }
    this.establish(c, req.sessionId, now);
    this.touched.add(req.sessionId);
    out.push(
      this.connectResponse(c, { timeOut: c.timeoutMs, sessionId: req.sessionId, passwd: Buffer.from(session.passwd) }),
    );
    return out;
  }

  private establish(c: ClientConnection, sessionId: bigint, now: number): void {
    c.phase = 'established';
    c.sessionId = sessionId;
    c.establishedAt = now;
    this.sessionConns.set(sessionId, c.id);
  }

  private connectResponse(
    c: ClientConnection,
    r: Pick<ConnectResponse, 'timeOut' | 'sessionId' | 'passwd'>,
  ): ServerOutput {
    this.sent(c);
    const readOnly = c.readOnlyByte === undefined ? undefined : false;
    return { kind: 'connectResponse', conn: c.id, response: { protocolVersion: 0, ...r, readOnly } };
  }

  private passwordFor(sessionId: bigint): Buffer {
    const id = Buffer.alloc(8);
    id.writeBigInt64BE(sessionId);
    return createHmac('sha256', this.options.secret).update(id).digest().subarray(0, PASSWORD_BYTES);
  }

  // ---- requests ----

  request(conn: ConnId, xid: number, req: ClientRequest, now: number): ServerOutput[] {
    const c = this.conns.get(conn);
    if (c === undefined || c.phase === 'closing') return [];
    this.received(c);
    if (c.phase === 'new') return [log('warn', 'request before ConnectRequest', { conn }), this.close(c)];
    if (c.closeSubmitted) return [];
    if (c.phase === 'established') this.touched.add(c.sessionId);
    if (c.queue.length >= MAX_OUTSTANDING_PER_CONNECTION) {
      return [log('warn', `more than ${MAX_OUTSTANDING_PER_CONNECTION} requests outstanding`, { conn }), this.close(c)];
    }
    const out = this.enqueue(c, xid, req, now);
    out.push(...this.drain(c, now));
    return out;
  }

  private enqueue(c: ClientConnection, xid: number, req: ClientRequest, now: number): ServerOutput[] {
    if (isWrite(req)) {
      const authIds = c.authIds.map((id) => ({ ...id }));
      return this.submitWrite(c, xid, { type: 'request', request: req, authIds }, lastOpName(req.op), now);
    }
    if (takesZxid(req)) {
      return this.submitWrite(c, xid, { type: 'error', err: marshallingErrorCode(req) }, lastOpName(req.op), now);
    }
    if (isLocal(req)) {
      c.queue.push({ kind: 'local', xid, receivedAt: now, request: req });
      return [];
    }
    switch (req.op) {
      case 'closeSession':
        c.closeSubmitted = true;
        c.queue.push({ kind: 'write', xid, receivedAt: now, lop: lastOpName(req.op), closes: true });
        return [{ kind: 'submit', sessionId: c.sessionId, cxid: xid, body: { type: 'closeSession' } }];
      case 'sync':
        c.queue.push({ kind: 'sync', xid, receivedAt: now, path: req.path, done: false });
        return [{ kind: 'sync', conn: c.id, xid, path: req.path }];
      case 'auth': {
        const ids = authenticate(req.scheme, req.auth, { ip: c.ip, superDigest: this.options.superDigest });
        if (ids === null) this.stats.authFailed++;
        else c.addAuthIds(ids);
        c.queue.push({ kind: 'auth', xid, receivedAt: now, failed: ids === null });
        return [];
      }
      default:
        throw new Error(`request op ${req.op} is neither a write nor local`);
    }
  }

  private submitWrite(c: ClientConnection, xid: number, body: TxnBody, lop: string, now: number): ServerOutput[] {
    c.queue.push({ kind: 'write', xid, receivedAt: now, lop, closes: false });
    return [{ kind: 'submit', sessionId: c.sessionId, cxid: xid, body }];
  }

  /** Answers from the head of the queue for as long as the head can be answered. */
  private drain(c: ClientConnection, now: number): ServerOutput[] {
    const out: ServerOutput[] = [];
    for (let head = c.queue[0]; head !== undefined && c.phase === 'established'; head = c.queue[0]) {
      const step = this.answer(c, head, now);
      if (step === null) break;
      c.queue.shift();
      out.push(...step);
    }
    return out;
  }

  /** The outputs that answer `slot`, or null while it still waits (uncommitted write, unfinished sync). */
  private answer(c: ClientConnection, slot: Slot, now: number): ServerOutput[] | null {
    switch (slot.kind) {
      case 'local':
        return this.answerLocal(c, slot, now);
      case 'auth': {
        const reply = this.reply(c, {
          xid: slot.xid,
          zxid: 0n,
          err: slot.failed ? Err.AuthFailed : Err.Ok,
          response: EMPTY,
        });
        return slot.failed ? [reply, this.close(c)] : [reply];
      }
      case 'write': {
        if (slot.reply === undefined) return null;
        const reply = this.reply(c, slot.reply, { lop: slot.lop, receivedAt: slot.receivedAt, now });
        return slot.closes ? [reply, this.close(c)] : [reply];
      }
      case 'sync': {
        if (!slot.done) return null;
        const r = {
          xid: slot.xid,
          zxid: this.state.lastZxid,
          err: Err.Ok,
          response: { kind: 'path' as const, path: slot.path },
        };
        return [this.reply(c, r, { lop: lastOpName('sync'), receivedAt: slot.receivedAt, now })];
      }
      default: {
        const never: never = slot;
        return never;
      }
    }
  }

  private answerLocal(c: ClientConnection, slot: Extract<Slot, { kind: 'local' }>, now: number): ServerOutput[] {
    const stats = { lop: lastOpName(slot.request.op), receivedAt: slot.receivedAt, now };
    if (!this.state.sessions.has(c.sessionId)) {
      const expired = { xid: slot.xid, zxid: this.state.lastZxid, err: Err.SessionExpired, response: EMPTY };
      return [this.reply(c, expired, stats)];
    }
    const a = answerLocal(slot.request, { state: this.state, watches: this.watches, conn: c });
    const out: ServerOutput[] = (a.missed ?? []).map((event) => this.notify(c, event));
    const reply = { xid: slot.xid, zxid: a.zxid ?? this.state.lastZxid, err: a.err, response: a.response };
    out.push(this.reply(c, reply, stats));
    if (a.close === true) out.push(this.close(c));
    return out;
  }

  // ---- commits ----

  /** Applies a committed txn: notifications first, then the replies it completes on this member. */
  committed(txn: Txn, now: number): ServerOutput[] {
    const result = this.state.apply(txn);
    const out: ServerOutput[] = [];
    for (const e of result.events) {
      for (const n of this.watches.trigger(e.path, e.type)) {
        const c = this.conns.get(n.conn);
        if (c !== undefined) out.push(this.notify(c, n.event));
      }
    }
    const body = txn.body;
    switch (body.type) {
      case 'createSession':
        out.push(...this.finishHandshake(txn.sessionId, body, now));
        break;
      case 'closeSession':
        out.push(...this.sessionClosed(txn, now));
        break;
      case 'request':
      case 'error': {
        const reply = { zxid: txn.zxid, err: result.err, response: result.err === Err.Ok ? result.response : EMPTY };
        out.push(...this.writeAnswered(txn, reply, now));
        break;
      }
      case 'deleteContainer':
        break;
      default: {
        const never: never = body;
        return never;
      }
    }
    return out;
  }

  private finishHandshake(sessionId: bigint, body: { timeoutMs: number; passwd: Buffer }, now: number): ServerOutput[] {
    const c = this.connOf(this.handshakes.get(sessionId));
    if (c === undefined) return [];
    this.handshakes.delete(sessionId);
    this.establish(c, sessionId, now);
    const response = this.connectResponse(c, { timeOut: body.timeoutMs, sessionId, passwd: Buffer.from(body.passwd) });
    return [response, ...this.drain(c, now)];
  }

  /** The session's own closeSession is answered, then its connection closes; an expiry just closes it. */
  private sessionClosed(txn: Txn, now: number): ServerOutput[] {
    const c = this.connOf(this.sessionConns.get(txn.sessionId));
    if (c === undefined) return [];
    const slot = this.awaitingCommit(c);
    if (slot?.closes !== true || slot.xid !== txn.cxid) return [this.close(c)];
    slot.reply = { xid: slot.xid, zxid: txn.zxid, err: Err.Ok, response: EMPTY };
    return this.drain(c, now);
  }

  private writeAnswered(txn: Txn, r: Omit<Reply, 'xid'>, now: number): ServerOutput[] {
    const c = this.connOf(this.sessionConns.get(txn.sessionId));
    const slot = c === undefined ? undefined : this.awaitingCommit(c);
    if (c === undefined || slot === undefined || slot.closes || slot.xid !== txn.cxid) return [];
    slot.reply = { xid: slot.xid, ...r };
    return this.drain(c, now);
  }

  /** The connection's oldest write still waiting for its txn (a session's txns commit in order). */
  private awaitingCommit(c: ClientConnection): Extract<Slot, { kind: 'write' }> | undefined {
    for (const s of c.queue) if (s.kind === 'write' && s.reply === undefined) return s;
    return undefined;
  }

  /** The leader confirmed a sync this member forwarded. */
  syncDone(conn: ConnId, xid: number, now?: number): ServerOutput[] {
    const c = this.conns.get(conn);
    const slot = c?.queue.find(
      (s): s is Extract<Slot, { kind: 'sync' }> => s.kind === 'sync' && s.xid === xid && !s.done,
    );
    if (c === undefined || slot === undefined) return [];
    slot.done = true;
    return this.drain(c, now ?? slot.receivedAt);
  }

  // ---- member state ----

  /** Not serving: every client connection closes and handshakes are refused until serving again. */
  setServing(serving: boolean, now: number): ServerOutput[] {
    if (serving) {
      if (this.ids === null) {
        this.ids = new SessionIdGenerator(this.options.sid, now);
        this.servingSince = now;
      }
      return [];
    }
    this.ids = null;
    return [...this.conns.values()].map((c) => this.close(c));
  }

  /** After a SNAP sync (connections were closed when serving stopped). */
  replaceState(state: ReplicatedState): void {
    this.state = state;
  }

  /** Sessions that sent anything since the last drain (a learner reports them to the leader). */
  drainTouchedSessions(): bigint[] {
    const ids = [...this.touched];
    this.touched.clear();
    return ids;
  }

  fourLetterWord(conn: ConnId, word: string, info: MemberInfo, now: number): ServerOutput[] {
    const c = this.conns.get(conn);
    if (c !== undefined) this.received(c);
    else this.stats.packetsReceived++;
    const serving = this.ids !== null && info.mode !== null;
    const text = fourLetterText(word, {
      info,
      serving,
      state: this.state,
      stats: this.stats,
      connections: [...this.conns.values()],
      watches: this.watches,
      sessionOf: (id) => this.conns.get(id)?.sessionId ?? 0n,
      uptimeMs: serving ? now - this.servingSince : 0,
    });
    const out: ServerOutput[] = text === null ? [] : [{ kind: 'fourLetterReply', conn, text }];
    out.push(c === undefined ? { kind: 'closeClient', conn } : this.close(c));
    return out;
  }

  // ---- helpers ----

  private connOf(conn: ConnId | undefined): ClientConnection | undefined {
    return conn === undefined ? undefined : this.conns.get(conn);
  }

  private closeSessionConnection(sessionId: bigint): ServerOutput[] {
    const c = this.connOf(this.sessionConns.get(sessionId));
    return c === undefined ? [] : [this.close(c)];
  }

  /** Emits closeClient and forgets the connection (its watches go with it; its session lives on). */
  private close(c: ClientConnection): ServerOutput {
    c.phase = 'closing';
    this.detach(c);
    return { kind: 'closeClient', conn: c.id };
  }

  private detach(c: ClientConnection): void {
    this.conns.delete(c.id);
    this.watches.removeConnection(c.id);
    if (this.sessionConns.get(c.sessionId) === c.id) this.sessionConns.delete(c.sessionId);
    if (this.handshakes.get(c.sessionId) === c.id) this.handshakes.delete(c.sessionId);
  }

  private received(c: ClientConnection): void {
    this.stats.packetsReceived++;
    c.packetsReceived++;
  }

  private sent(c: ClientConnection): void {
    this.stats.packetsSent++;
    c.packetsSent++;
  }

  private notify(c: ClientConnection, event: WatcherEvent): ServerOutput {
    this.sent(c);
    return { kind: 'notify', conn: c.id, event };
  }

  /** A reply; `timing` (absent for auth replies) feeds the latency and cons stats. */
  private reply(
    c: ClientConnection,
    reply: Reply,
    timing?: { lop: string; receivedAt: number; now: number },
  ): ServerOutput {
    if (timing === undefined) {
      this.sent(c);
    } else {
      const latencyMs = timing.now - timing.receivedAt;
      this.stats.packetsSent++;
      this.stats.latency.add(latencyMs);
      c.replied({ xid: reply.xid, zxid: reply.zxid, lop: timing.lop, latencyMs, now: timing.now });
    }
    return { kind: 'reply', conn: c.id, reply };
  }
}

const hex = (id: bigint): string => BigInt.asUintN(64, id).toString(16);

function log(level: 'info' | 'warn', msg: string, fields: Record<string, unknown>): ServerOutput {
  return { kind: 'log', level, msg, fields };
}
