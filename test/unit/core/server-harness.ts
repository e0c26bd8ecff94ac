// A single-member commit loop around ZkServer for tests: submitted txns get the next zxid and are
// committed back (at once, or when the test says so); syncs complete at once.
import type {
  ConnectRequest,
  ClientRequest,
  Reply,
  WatcherEvent,
  ConnectResponse,
} from '../../../src/ensemble/wire/records.js';
import type { ConnId } from '../../../src/ensemble/core/effects.js';
import { ZkServer, type ServerOutput, type ZkServerOptions } from '../../../src/ensemble/core/server/server.js';
import type { MemberInfo } from '../../../src/ensemble/core/server/fourletter.js';
import { ReplicatedState } from '../../../src/ensemble/core/tree/state.js';
import type { Txn } from '../../../src/ensemble/core/txn.js';

export const TICK_MS = 2000;
export const START = 1_700_000_000_000;

export interface HarnessOptions {
  sid?: number;
  state?: ReplicatedState;
  /** false: submitted txns wait until commitNext(). */
  autoCommit?: boolean;
  superDigest?: string;
}

export class SingleMember {
  readonly server: ZkServer;
  state: ReplicatedState;
  now = START;
  autoCommit: boolean;
  /** Txns submitted and not yet committed (autoCommit off). */
  readonly held: Txn[] = [];
  readonly committedTxns: Txn[] = [];
  private nextConn = 1;

  constructor(opts: HarnessOptions = {}) {
    this.state = opts.state ?? new ReplicatedState();
    this.autoCommit = opts.autoCommit ?? true;
    const options: ZkServerOptions = {
      sid: opts.sid ?? 1,
      state: this.state,
      tickMs: TICK_MS,
      minSessionTimeoutMs: 2 * TICK_MS,
      maxSessionTimeoutMs: 20 * TICK_MS,
      secret: Buffer.from('test-secret-0123456789'),
    };
    if (opts.superDigest !== undefined) options.superDigest = opts.superDigest;
    this.server = new ZkServer(options);
    this.server.setServing(true, this.now);
  }

  open(ip = '127.0.0.1', port = 40000): ConnId {
    const conn = this.nextConn++;
    this.server.opened(conn, { ip, port: port + conn, now: this.now });
    return conn;
  }

  connect(conn: ConnId, req: Partial<ConnectRequest> = {}): ServerOutput[] {
    const full: ConnectRequest = {
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut: 30000,
      sessionId: 0n,
      passwd: Buffer.alloc(16),
      readOnly: false,
      ...req,
    };
    return this.run(this.server.connect(conn, full, this.now));
  }

  /** Opens a connection and establishes a new session on it. */
  session(req: Partial<ConnectRequest> = {}): { conn: ConnId; response: ConnectResponse } {
    const conn = this.open();
    const out = this.connect(conn, req);
    const cr = out.find((o) => o.kind === 'connectResponse');
    if (cr?.kind !== 'connectResponse')
      throw new Error(`no ConnectResponse: ${JSON.stringify(out.map((o) => o.kind))}`);
    return { conn, response: cr.response };
  }

  request(conn: ConnId, xid: number, req: ClientRequest): ServerOutput[] {
    return this.run(this.server.request(conn, xid, req, this.now));
  }

  /** Commits the oldest held txn. */
  commitNext(): ServerOutput[] {
    const txn = this.held.shift();
    if (txn === undefined) throw new Error('nothing held');
    return this.commit(txn);
  }

  commitRaw(txn: Omit<Txn, 'zxid' | 'time'>): ServerOutput[] {
    return this.commit({ ...txn, zxid: this.state.lastZxid + 1n + BigInt(this.held.length), time: this.now });
  }

  fourLetter(conn: ConnId, word: string, info: MemberInfo): ServerOutput[] {
    return this.server.fourLetterWord(conn, word, info, this.now);
  }

  /** Feeds submits and syncs back in; returns everything else in order. */
  run(outputs: ServerOutput[]): ServerOutput[] {
    const result: ServerOutput[] = [];
    for (const o of outputs) {
      switch (o.kind) {
        case 'submit': {
          const zxid = (this.held.at(-1)?.zxid ?? this.state.lastZxid) + 1n;
          const txn: Txn = { zxid, time: this.now, sessionId: o.sessionId, cxid: o.cxid, body: o.body };
          if (this.autoCommit) result.push(...this.commit(txn));
          else this.held.push(txn);
          break;
        }
        case 'sync':
          result.push(...this.run(this.server.syncDone(o.conn, o.xid, this.now)));
          break;
        default:
          result.push(o);
      }
    }
    return result;
  }

  private commit(txn: Txn): ServerOutput[] {
    this.committedTxns.push(txn);
    return this.run(this.server.committed(txn, this.now));
  }
}

export function replies(out: ServerOutput[]): Reply[] {
  return out.flatMap((o) => (o.kind === 'reply' ? [o.reply] : []));
}

export function onlyReply(out: ServerOutput[]): Reply {
  const r = replies(out);
  if (r.length !== 1 || r[0] === undefined)
    throw new Error(`expected one reply, got ${JSON.stringify(out.map((o) => o.kind))}`);
  return r[0];
}

export function events(out: ServerOutput[], conn?: ConnId): WatcherEvent[] {
  return out.flatMap((o) => (o.kind === 'notify' && (conn === undefined || o.conn === conn) ? [o.event] : []));
}

/** Output kinds in order, with the connection: "reply:1", "notify:2", "closeClient:1". */
export function trace(out: ServerOutput[]): string[] {
  return out.map((o) => ('conn' in o ? `${o.kind}:${o.conn}` : o.kind));
}

export const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
