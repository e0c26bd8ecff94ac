// A simulated ZooKeeper client: connects to a random member, keeps its session across reconnects,
// pings, and creates nodes; it remembers which writes were acknowledged (reply err 0).

import type { ConnId } from '../../src/ensemble/core/effects.js';
import { CreateFlags, Err, SpecialXid, type ConnectResponse, type Reply } from '../../src/ensemble/wire/records.js';
import type { Rng } from './prng.js';
import type { ClientEnd, World } from './world.js';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export interface ClientOptions {
  /** Mean time between writes while connected. */
  writeEveryMs: number;
  /** Writes in flight at once. */
  maxInFlight: number;
  sessionTimeoutMs: number;
}

export class SimClient implements ClientEnd {
  private conn: ConnId | null = null;
  private connected = false;
  private sessionId = 0n;
  private passwd: Buffer = Buffer.alloc(16);
  private timeoutMs: number;
  private lastZxid = 0n;
  private nextXid = 1;
  private seq = 0;
  /** xid → path of the write (null: an ephemeral, not checked at the end). */
  private readonly inFlight = new Map<number, string | null>();
  private stopped = false;
  /** Persistent paths whose create was acknowledged. */
  readonly acked = new Set<string>();
  sessionsStarted = 0;

  constructor(
    private readonly world: World,
    private readonly id: number,
    private readonly rng: Rng,
    private readonly opts: ClientOptions,
  ) {
    this.timeoutMs = opts.sessionTimeoutMs;
  }

  start(): void {
    this.world.after(this.rng.int(0, 50), () => this.connect());
  }

  /** Stops writing, pinging and reconnecting: the session expires. */
  stop(): void {
    this.stopped = true;
  }

  /** Creates one node now if connected; its path, or null. */
  writeOnce(): string | null {
    return this.connected ? this.create(false) : null;
  }

  onConnectResponse(r: ConnectResponse): void {
    if (r.sessionId === 0n) {
      this.sessionId = 0n;
      return;
    }
    if (this.sessionId !== r.sessionId) this.sessionsStarted++;
    this.sessionId = r.sessionId;
    this.passwd = r.passwd;
    this.timeoutMs = r.timeOut;
    this.connected = true;
    this.scheduleWrite();
    this.schedulePing(this.conn);
  }

  onReply(r: Reply): void {
    if (r.zxid > this.lastZxid) this.lastZxid = r.zxid;
    if (r.xid === SpecialXid.ping) return;
    const path = this.inFlight.get(r.xid);
    this.inFlight.delete(r.xid);
    if (path !== undefined && path !== null && r.err === Err.Ok) this.acked.add(path);
  }

  onNotify(): void {}

  onClosed(): void {
    this.conn = null;
    this.connected = false;
    this.inFlight.clear();
    if (!this.stopped) this.world.after(this.rng.int(5, 60), () => this.connect());
  }

  private connect(): void {
    if (this.conn !== null) return;
    const sid = this.rng.pick(this.world.sids);
    const request = {
      protocolVersion: 0,
      lastZxidSeen: this.lastZxid,
      timeOut: this.opts.sessionTimeoutMs,
      sessionId: this.sessionId,
      passwd: this.passwd,
      readOnly: false,
    };
    this.conn = this.world.openConn(this, sid, request);
    if (this.conn === null) this.world.after(this.rng.int(5, 60), () => this.connect());
  }

  private scheduleWrite(): void {
    const conn = this.conn;
    this.world.after(this.rng.int(1, 2 * this.opts.writeEveryMs), () => {
      if (this.stopped || conn !== this.conn || !this.connected) return;
      if (this.inFlight.size < this.opts.maxInFlight) this.create(this.rng.chance(0.2));
      this.scheduleWrite();
    });
  }

  private schedulePing(conn: ConnId | null): void {
    this.world.after(Math.floor(this.timeoutMs / 3), () => {
      if (this.stopped || conn !== this.conn || !this.connected || conn === null) return;
      this.world.sendRequest(conn, SpecialXid.ping, { op: 'ping' });
      this.schedulePing(conn);
    });
  }

  private create(ephemeral: boolean): string | null {
    if (this.conn === null) return null;
    const path = `/c${this.id}-${this.seq++}`;
    const xid = this.nextXid++;
    this.inFlight.set(xid, ephemeral ? null : path);
    const flags = ephemeral ? CreateFlags.EPHEMERAL : CreateFlags.PERSISTENT;
    this.world.sendRequest(this.conn, xid, { op: 'create', path, data: Buffer.from(path), acl: OPEN_ACL, flags });
    return path;
  }
}
