// One client connection on a member: handshake phase, session, auth ids, the queue that keeps its
// replies in request order, and the per-connection stats cons shows.

import type { ClientRequest, Id, Reply, WriteRequest } from '../../wire/records.js';
import type { ConnId } from '../effects.js';
import { LatencyStats } from './stats.js';

/**
 * new: opened, nothing received; handshaking: waiting for its createSession to commit;
 * established: serving requests; closing: closeClient was emitted, input is ignored.
 */
export type ConnPhase = 'new' | 'handshaking' | 'established' | 'closing';

/** Requests answered from this member's replica when they reach the head of the queue. */
export type LocalRequest = ClientRequest & {
  op: Exclude<ClientRequest['op'], WriteRequest['op'] | 'sync' | 'closeSession' | 'auth'>;
};

/** A request waiting in a connection's queue for its reply. */
export type Slot =
  | { kind: 'local'; xid: number; receivedAt: number; request: LocalRequest }
  /** A write (or closeSession) submitted to the leader; `reply` is set when its txn commits here. */
  | { kind: 'write'; xid: number; receivedAt: number; lop: string; closes: boolean; reply?: Reply }
  | { kind: 'sync'; xid: number; receivedAt: number; path: string; done: boolean }
  /** Auth takes effect on arrival; only its reply waits for its turn. */
  | { kind: 'auth'; xid: number; receivedAt: number; failed: boolean };

export class ClientConnection {
  phase: ConnPhase = 'new';
  sessionId = 0n;
  timeoutMs = 0;
  /** Whether the ConnectRequest carried the optional readOnly byte (the response mirrors it). */
  readOnlyByte: boolean | undefined;
  authIds: Id[];
  readonly queue: Slot[] = [];
  /** Set once closeSession was submitted: later requests are ignored. */
  closeSubmitted = false;

  // cons stats
  packetsReceived = 0;
  packetsSent = 0;
  lastOp = 'NA';
  lastCxid = -1;
  lastZxid = -1n;
  lastResponseTime = 0;
  establishedAt = 0;
  readonly latency = new LatencyStats();

  constructor(
    readonly id: ConnId,
    readonly ip: string,
    readonly port: number,
  ) {
    this.authIds = [{ scheme: 'ip', id: ip }];
  }

  addAuthIds(ids: Id[]): void {
    for (const id of ids) {
      if (!this.authIds.some((a) => a.scheme === id.scheme && a.id === id.id)) this.authIds.push(id);
    }
  }

  /** Records a reply sent on this connection. */
  replied(r: { xid: number; zxid: bigint; lop: string; latencyMs: number; now: number }): void {
    this.packetsSent++;
    if (r.xid >= 0) this.lastCxid = r.xid;
    this.lastZxid = r.zxid;
    this.lastOp = r.lop;
    this.lastResponseTime = r.now;
    this.latency.add(r.latencyMs);
  }

  /** crst */
  resetStats(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.lastOp = 'NA';
    this.lastCxid = -1;
    this.lastZxid = -1n;
    this.lastResponseTime = 0;
    this.latency.reset();
  }
}
