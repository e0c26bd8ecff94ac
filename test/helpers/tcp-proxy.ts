// A loopback TCP proxy in front of one server port that a test can cut: drop every connection
// through it and refuse new ones until it is opened again (a network partition for one client), or
// drop the one connection that sends a chosen request, before the server sees it.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { LOOPBACK } from '../../src/common/ports.js';

/** Decides, per chunk a client sends, whether to drop its connection instead of forwarding the chunk. */
export type Trap = (chunk: Buffer) => boolean;

export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private blocked = false;
  private trap: Trap | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    server.listen(0, LOOPBACK);
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    const proxy = new TcpProxy(server, address.port);
    server.on('connection', (client) => proxy.pipe(client, targetPort));
    return proxy;
  }

  /** Number of client connections through the proxy right now. */
  get connections(): number {
    return this.sockets.size / 2;
  }

  /** Drops every connection; with `block`, new ones are dropped too until open(). */
  cut(options: { block?: boolean } = {}): void {
    this.blocked = options.block ?? false;
    for (const socket of this.sockets) socket.destroy();
  }

  open(): void {
    this.blocked = false;
  }

  /** Drops the connection of the next client chunk the trap accepts (unforwarded), then disarms it. */
  arm(trap: Trap): void {
    this.trap = trap;
  }

  async close(): Promise<void> {
    this.cut({ block: true });
    this.server.close();
    await once(this.server, 'close');
  }

  private pipe(client: Socket, targetPort: number): void {
    if (this.blocked) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: LOOPBACK, port: targetPort });
    client.on('data', (chunk: Buffer) => {
      if (this.trap?.(chunk) === true) {
        this.trap = null;
        client.destroy();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.pipe(client);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
    }
  }
}
