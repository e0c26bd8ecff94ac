// The client port: accepts ZooKeeper client connections and four-letter words (so many per address, and
// closes those idle before their ConnectRequest), turns their frames into member inputs and writes the
// core's replies back in the order the core emitted them.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import {
  MAX_CLIENT_CONNECTIONS,
  MAX_CLIENT_CONNECTIONS_PER_ADDRESS,
  MAX_CLIENT_QUEUE_BYTES,
  MAX_OUTSTANDING_PER_CONNECTION,
  MAX_OUTSTANDING_PER_MEMBER,
  SESSIONLESS_CONNECTION_TIMEOUT_MS,
} from '../../common/limits.js';
import type { ConnId, MemberInput } from '../core/effects.js';
import type { ConnectResponse, Reply, WatcherEvent } from '../wire/records.js';
import {
  FrameDecoder,
  decodeConnectRequest,
  decodeRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  fourLetterWord,
} from '../wire/index.js';
import { listenOn, writeCoalesced } from './net.js';

/**
 * detect: fewer than 4 bytes seen; handshake: the next frame is the ConnectRequest; connecting: the
 * ConnectRequest is with the core, nothing more is read; open: requests flow; fourLetter: answering.
 */
type Phase = 'detect' | 'handshake' | 'connecting' | 'open' | 'fourLetter';

interface ClientConn {
  id: ConnId;
  socket: Socket;
  /** The peer's address, as counted against maxClientCnxns. */
  address: string;
  phase: Phase;
  /** Closes the connection when it idles before its ConnectRequest; cleared once that arrives. */
  sessionless: NodeJS.Timeout | null;
  /** The first bytes, until there are 4 to tell a four-letter word from a frame length. */
  head: Buffer;
  decoder: FrameDecoder;
  /** Frames read but not yet given to the core. */
  pending: Buffer[];
  /** Requests given to the core and not answered yet. */
  outstanding: number;
  /** The client half-closed: finish what it asked for, then close. */
  peerEnded: boolean;
  closing: boolean;
}

export interface ClientListenerOptions {
  host: string;
  port: number;
  submit: (input: MemberInput) => void;
  now: () => number;
  log: Logger;
  /** Connections accepted from one address (default MAX_CLIENT_CONNECTIONS_PER_ADDRESS). */
  maxClientCnxns?: number;
  /** Idle time allowed before the ConnectRequest (default SESSIONLESS_CONNECTION_TIMEOUT_MS). */
  sessionlessTimeoutMs?: number;
}

export class ClientListener {
  private readonly server: Server;
  private readonly conns = new Map<ConnId, ClientConn>();
  /** Open connections by peer address; an address in `capped` has been told it is over the limit. */
  private readonly perAddress = new Map<string, number>();
  private readonly capped = new Set<string>();
  private nextConn = 1;
  /** Requests in flight across all connections. */
  private outstanding = 0;

  constructor(private readonly opts: ClientListenerOptions) {
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    this.server.maxConnections = MAX_CLIENT_CONNECTIONS;
  }

  listen(): Promise<void> {
    return listenOn(this.server, { host: this.opts.host, port: this.opts.port, purpose: 'client' });
  }

  /** Stops listening and drops every connection. */
  close(): void {
    for (const c of this.conns.values()) c.socket.destroy();
    this.server.close();
  }

  connectResponse(conn: ConnId, response: ConnectResponse): void {
    const c = this.conns.get(conn);
    if (c === undefined || c.phase !== 'connecting') return;
    this.write(c, encodeConnectResponse(response));
    c.phase = 'open';
    this.drain(c);
  }

  reply(conn: ConnId, reply: Reply): void {
    const c = this.conns.get(conn);
    if (c === undefined) return;
    this.write(c, encodeReply(reply));
    this.release(c, Math.min(1, c.outstanding));
    this.drain(c);
  }

  notify(conn: ConnId, event: WatcherEvent): void {
    const c = this.conns.get(conn);
    if (c !== undefined) this.write(c, encodeNotification(event));
  }

  fourLetterReply(conn: ConnId, text: string): void {
    const c = this.conns.get(conn);
    if (c === undefined) return;
    this.write(c, Buffer.from(text, 'utf8'));
    this.closeClient(conn);
  }

  /** Closes after what is already queued on the connection has been written. */
  closeClient(conn: ConnId): void {
    const c = this.conns.get(conn);
    if (c === undefined || c.closing) return;
    c.closing = true;
    c.pending.length = 0;
    c.socket.end(() => c.socket.destroy());
  }

  private accept(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    if (!this.admit(address)) {
      socket.on('error', () => {});
      socket.resetAndDestroy();
      return;
    }
    const c: ClientConn = {
      id: this.nextConn++,
      socket,
      address,
      phase: 'detect',
      sessionless: setTimeout(
        () => this.expire(c),
        this.opts.sessionlessTimeoutMs ?? SESSIONLESS_CONNECTION_TIMEOUT_MS,
      ),
      head: Buffer.alloc(0),
      decoder: new FrameDecoder(),
      pending: [],
      outstanding: 0,
      peerEnded: false,
      closing: false,
    };
    this.conns.set(c.id, c);
    socket.on('data', (chunk: Buffer) => this.onData(c, chunk));
    socket.on('end', () => this.onPeerEnd(c));
    socket.on('error', (err) =>
      this.opts.log.debug({ conn: c.id, err: err.message }, 'Exception causing close of session'),
    );
    socket.on('close', () => this.onClose(c));
    this.opts.submit({
      kind: 'clientOpened',
      conn: c.id,
      ip: address,
      port: socket.remotePort ?? 0,
      now: this.opts.now(),
    });
  }

  /** Counts a new connection from `address`, or refuses it (as ZooKeeper does) when the address has its fill. */
  private admit(address: string): boolean {
    const max = this.opts.maxClientCnxns ?? MAX_CLIENT_CONNECTIONS_PER_ADDRESS;
    const open = this.perAddress.get(address) ?? 0;
    if (open < max) {
      this.perAddress.set(address, open + 1);
      return true;
    }
    if (!this.capped.has(address)) {
      this.capped.add(address);
      this.opts.log.warn({ ip: address }, `Too many connections from ${address} - max is ${max}`);
    }
    return false;
  }

  /** A connection idle for the whole timeout before its ConnectRequest (ZooKeeper's CONNECTION_EXPIRED). */
  private expire(c: ClientConn): void {
    if (c.closing) return;
    this.opts.log.info({ conn: c.id, ip: c.address }, 'Closing a connection that sent no ConnectRequest in time');
    c.closing = true;
    c.socket.destroy();
  }

  private onData(c: ClientConn, chunk: Buffer): void {
    if (c.closing) return;
    c.sessionless?.refresh();
    try {
      const rest = c.phase === 'detect' ? this.detect(c, chunk) : chunk;
      if (rest === null) return;
      c.pending.push(...c.decoder.push(rest));
    } catch (err) {
      this.fail(c, err);
      return;
    }
    this.drain(c);
  }

  /** Tells a four-letter word from a frame; returns the bytes to frame, or null if none (yet). */
  private detect(c: ClientConn, chunk: Buffer): Buffer | null {
    const head = Buffer.concat([c.head, chunk]);
    if (head.length < 4) {
      c.head = head;
      return null;
    }
    c.head = Buffer.alloc(0);
    const word = fourLetterWord(head.subarray(0, 4));
    if (word === null) {
      c.phase = 'handshake';
      return head;
    }
    c.phase = 'fourLetter';
    this.handshaken(c);
    c.socket.pause();
    this.opts.submit({ kind: 'clientFourLetterWord', conn: c.id, word, now: this.opts.now() });
    return null;
  }

  /** Gives queued frames to the core while the connection may have more in flight. */
  private drain(c: ClientConn): void {
    let fed = 0;
    try {
      while (fed < c.pending.length && this.accepting(c)) this.feed(c, c.pending[fed++] as Buffer);
    } catch (err) {
      this.fail(c, err);
      return;
    }
    c.pending.splice(0, fed);
    if (c.pending.length === 0 && this.accepting(c)) c.socket.resume();
    else c.socket.pause();
    this.finishIfPeerEnded(c);
  }

  private accepting(c: ClientConn): boolean {
    if (c.closing) return false;
    if (c.phase === 'handshake') return true;
    return (
      c.phase === 'open' &&
      c.outstanding < MAX_OUTSTANDING_PER_CONNECTION &&
      this.outstanding < MAX_OUTSTANDING_PER_MEMBER
    );
  }

  private feed(c: ClientConn, body: Buffer): void {
    const now = this.opts.now();
    if (c.phase === 'handshake') {
      const request = decodeConnectRequest(body);
      c.phase = 'connecting';
      this.handshaken(c);
      this.opts.submit({ kind: 'clientConnect', conn: c.id, request, now });
      return;
    }
    const { xid, request } = decodeRequest(body);
    c.outstanding++;
    this.outstanding++;
    this.opts.submit({ kind: 'clientRequest', conn: c.id, xid, request, now });
  }

  private write(c: ClientConn, bytes: Buffer): void {
    if (!c.socket.writable) return;
    writeCoalesced(c.socket, bytes);
    if (c.socket.writableLength > MAX_CLIENT_QUEUE_BYTES) {
      this.opts.log.warn(
        { conn: c.id, queued: c.socket.writableLength },
        'Client is not reading its replies; closing the connection',
      );
      c.socket.destroy();
    }
  }

  private onPeerEnd(c: ClientConn): void {
    c.peerEnded = true;
    this.finishIfPeerEnded(c);
  }

  /** A half-closed client still gets the answers to what it sent; then the connection closes. */
  private finishIfPeerEnded(c: ClientConn): void {
    if (!c.peerEnded || c.closing) return;
    const waiting = c.phase === 'fourLetter' || c.phase === 'connecting' || c.outstanding > 0 || c.pending.length > 0;
    if (!waiting) this.closeClient(c.id);
  }

  private fail(c: ClientConn, err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    this.opts.log.warn(
      { conn: c.id, ip: c.socket.remoteAddress, reason },
      'Closing connection after a malformed packet',
    );
    c.closing = true;
    c.socket.destroy();
  }

  /** Counts answered (or abandoned) requests; the member reads again once it is under its limit. */
  private release(c: ClientConn, requests: number): void {
    const wasFull = this.outstanding >= MAX_OUTSTANDING_PER_MEMBER;
    c.outstanding -= requests;
    this.outstanding -= requests;
    if (wasFull && this.outstanding < MAX_OUTSTANDING_PER_MEMBER) this.conns.forEach((other) => this.drain(other));
  }

  /** The connection sent its ConnectRequest (or a four-letter word): it no longer expires for idling. */
  private handshaken(c: ClientConn): void {
    if (c.sessionless !== null) clearTimeout(c.sessionless);
    c.sessionless = null;
  }

  private onClose(c: ClientConn): void {
    this.handshaken(c);
    const open = (this.perAddress.get(c.address) ?? 1) - 1;
    if (open > 0) this.perAddress.set(c.address, open);
    else this.perAddress.delete(c.address);
    this.capped.delete(c.address);
    this.conns.delete(c.id);
    this.release(c, c.outstanding);
    this.opts.submit({ kind: 'clientClosed', conn: c.id });
  }
}
