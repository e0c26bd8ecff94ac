// One TCP connection of a client session: the handshake, request frames out, replies matched to
// their requests strictly in order, notifications handed up, pings when idle and a read timeout.
import { connect, type Socket } from 'node:net';
import {
  Err,
  FrameDecoder,
  SpecialXid,
  decodeConnectResponse,
  decodeReply,
  decodeReplyHeader,
  decodeWatcherEvent,
  encodeConnectRequest,
  encodeRequest,
  type ClientRequest,
  type ClientResponse,
  type ConnectRequest,
  type ConnectResponse,
  type RequestOp,
  type WatcherEvent,
} from '../wire/index.js';

/** A reply as the session sees it; a request lost with its connection gets err ConnectionLoss. */
export interface ReplyOutcome {
  zxid: bigint;
  err: number;
  response: ClientResponse;
}

/** Called synchronously when the reply is read, so watches are armed before the next frame. */
export type Settle = (outcome: ReplyOutcome) => void;

/** What the session hears from an established connection. */
export interface SessionLink {
  notification(event: WatcherEvent): void;
  closed(reason: string): void;
}

export interface OpenOptions {
  host: string;
  port: number;
  request: ConnectRequest;
  /** Bound on TCP connect plus ConnectResponse. */
  timeoutMs: number;
}

export interface Timing {
  /** No frame received for this long ⇒ the connection is dropped. */
  readTimeoutMs: number;
  /** Nothing sent for this long ⇒ a ping goes out. */
  pingIntervalMs: number;
}

interface Pending {
  xid: number;
  op: RequestOp;
  settle: Settle;
}

interface Handshake {
  resolve: (response: ConnectResponse) => void;
  reject: (reason: Error) => void;
}

const PING_FRAME = encodeRequest(SpecialXid.ping, { op: 'ping' });

export function failure(err: number): ReplyOutcome {
  return { zxid: 0n, err, response: { kind: 'empty' } };
}

export class Connection {
  readonly remote: string;
  private readonly decoder = new FrameDecoder();
  private readonly pending: Pending[] = [];
  private readonly authWaiters: Settle[] = [];
  private handshake: Handshake | null = null;
  private link: SessionLink | null = null;
  private readTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private dropReason: string | null = null;

  private constructor(
    private readonly socket: Socket,
    options: OpenOptions,
  ) {
    this.remote = `${options.host}:${options.port}`;
  }

  /** Dials, sends the ConnectRequest and resolves with the ConnectResponse. */
  static open(options: OpenOptions): Promise<{ connection: Connection; response: ConnectResponse }> {
    const socket = connect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    const connection = new Connection(socket, options);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => connection.drop(`no ConnectResponse within ${options.timeoutMs} ms`),
        options.timeoutMs,
      );
      connection.handshake = {
        resolve: (response) => {
          clearTimeout(timer);
          resolve({ connection, response });
        },
        reject: (reason) => {
          clearTimeout(timer);
          reject(reason);
        },
      };
      socket.once('connect', () => socket.write(encodeConnectRequest(options.request)));
      socket.on('data', (chunk: Buffer) => connection.receive(chunk));
      socket.on('error', (err) => connection.drop(err.message));
      socket.on('close', () => connection.drop('connection closed by the server'));
    });
  }

  get closed(): boolean {
    return this.dropReason !== null;
  }

  /** Hands the established connection to its session and starts the ping and read timers. */
  attach(link: SessionLink, timing: Timing): void {
    if (this.dropReason !== null) return link.closed(this.dropReason);
    this.link = link;
    this.readTimer = setTimeout(
      () => this.drop(`no frame for ${timing.readTimeoutMs} ms`),
      timing.readTimeoutMs,
    ).unref();
    this.pingTimer = setInterval(() => this.write(PING_FRAME), timing.pingIntervalMs).unref();
  }

  /** Sends a request; auth packets (xid −4) are answered outside the in-order queue. */
  send(xid: number, request: ClientRequest, settle: Settle): void {
    if (this.dropReason !== null) return settle(failure(Err.ConnectionLoss));
    if (xid === SpecialXid.auth) this.authWaiters.push(settle);
    else this.pending.push({ xid, op: request.op, settle });
    this.write(encodeRequest(xid, request));
  }

  close(): void {
    this.drop('closed by the client');
  }

  private write(frame: Buffer): void {
    this.pingTimer?.refresh();
    this.socket.write(frame);
  }

  private receive(chunk: Buffer): void {
    this.readTimer?.refresh();
    try {
      for (const body of this.decoder.push(chunk)) {
        if (this.dropReason !== null) return;
        this.dispatch(body);
      }
    } catch (err) {
      this.drop(`bad frame from the server: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private dispatch(body: Buffer): void {
    const handshake = this.handshake;
    if (handshake !== null) {
      this.handshake = null;
      return handshake.resolve(decodeConnectResponse(body));
    }
    const header = decodeReplyHeader(body);
    if (header.xid === SpecialXid.notification) return this.link?.notification(decodeWatcherEvent(header.reader));
    if (header.xid === SpecialXid.ping) return;
    if (header.xid === SpecialXid.auth) return this.authReply(header.err);
    const next = this.pending[0];
    if (next === undefined || next.xid !== header.xid) {
      return this.drop(`xid out of order: got ${header.xid}, expected ${next?.xid ?? 'none'}`);
    }
    const reply = decodeReply(body, next.op);
    this.pending.shift();
    next.settle({ zxid: reply.zxid, err: reply.err, response: reply.response });
  }

  /** The server closes the connection after a failed auth; closing first keeps later requests off it. */
  private authReply(err: number): void {
    const settle = this.authWaiters.shift();
    if (err !== Err.Ok) this.drop(`auth failed (${err})`);
    settle?.({ zxid: 0n, err, response: { kind: 'empty' } });
  }

  private drop(reason: string): void {
    if (this.dropReason !== null) return;
    this.dropReason = reason;
    if (this.readTimer !== null) clearTimeout(this.readTimer);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.socket.destroy();
    const lost = failure(Err.ConnectionLoss);
    for (const p of this.pending.splice(0)) p.settle(lost);
    for (const settle of this.authWaiters.splice(0)) settle(lost);
    if (this.handshake !== null) {
      this.handshake.reject(new Error(`${this.remote}: ${reason}`));
      this.handshake = null;
    }
    this.link?.closed(reason);
  }
}
