// A scripted stand-in for a ZooKeeper server: it records what a client sends on each connection
// and lets a test answer (or not) frame by frame, using the wire codecs.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK } from '../../../src/common/ports.js';
import {
  FrameDecoder,
  decodeConnectRequest,
  decodeRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  type ClientRequest,
  type ClientResponse,
  type ConnectRequest,
  type ConnectResponse,
} from '../../../src/ensemble/wire/index.js';

export const PASSWORD = Buffer.from('0123456789abcdef');

/** Answers every handshake with this session unless a test says otherwise. */
export function accept(sessionId: bigint, timeOut = 10_000): (req: ConnectRequest) => ConnectResponse | null {
  return (req) => ({ protocolVersion: 0, timeOut, sessionId, passwd: PASSWORD, readOnly: req.readOnly });
}

export const expired = (): ConnectResponse => ({
  protocolVersion: 0,
  timeOut: 0,
  sessionId: 0n,
  passwd: Buffer.alloc(16),
  readOnly: false,
});

/** A queue a test can await items from. */
class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(item);
    else this.items.push(item);
  }

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface Received {
  xid: number;
  request: ClientRequest;
}

export class FakeConnection {
  readonly requests = new Inbox<Received>();
  readonly closed: Promise<unknown>;

  constructor(
    private readonly socket: Socket,
    readonly connectRequest: ConnectRequest,
  ) {
    this.closed = once(socket, 'close');
  }

  reply(
    xid: number,
    response: ClientResponse = { kind: 'empty' },
    options: { zxid?: bigint; err?: number } = {},
  ): void {
    this.socket.write(encodeReply({ xid, zxid: options.zxid ?? 1n, err: options.err ?? 0, response }));
  }

  /** Answers the next request with `response` and returns it. */
  async answer(
    response: ClientResponse = { kind: 'empty' },
    options: { zxid?: bigint; err?: number } = {},
  ): Promise<Received> {
    const received = await this.requests.next();
    this.reply(received.xid, response, options);
    return received;
  }

  notify(type: number, path: string): void {
    this.socket.write(encodeNotification({ type, state: 3, path }));
  }

  drop(): void {
    this.socket.destroy();
  }
}

export class FakeServer {
  readonly connections = new Inbox<FakeConnection>();
  /** What to answer a ConnectRequest with; null closes the connection without a response. */
  handshake: (req: ConnectRequest) => ConnectResponse | null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    sessionId: bigint,
  ) {
    this.handshake = accept(sessionId);
  }

  static async start(sessionId = 0x100n): Promise<FakeServer> {
    const server = createServer();
    server.listen(0, LOOPBACK);
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const fake = new FakeServer(server, address.port, sessionId);
    server.on('connection', (socket) => fake.serve(socket));
    return fake;
  }

  get address(): string {
    return `${LOOPBACK}:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder();
    let connection: FakeConnection | null = null;
    socket.on('data', (chunk: Buffer) => {
      for (const body of decoder.push(chunk)) {
        if (connection !== null) {
          connection.requests.push(decodeRequest(body));
          continue;
        }
        const request = decodeConnectRequest(body);
        const response = this.handshake(request);
        if (response === null) return socket.destroy();
        socket.write(encodeConnectResponse(response));
        connection = new FakeConnection(socket, request);
        this.connections.push(connection);
      }
    });
  }
}
