// Free loopback ports: bind port 0 on 127.0.0.1, remember what was handed out so one allocator
// never returns the same port twice.
import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Binds `port` on loopback and releases it; resolves to the bound port, or null if it is taken. */
export function probePort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

export class PortAllocator {
  private readonly handedOut: Set<number>;

  /** `reserved` ports are never handed out (e.g. ports other clusters use but may not bind yet). */
  constructor(reserved: Iterable<number> = []) {
    this.handedOut = new Set(reserved);
  }

  /** A free port; `preferred` is returned when it is free and not handed out yet. */
  async allocate(preferred?: number): Promise<number> {
    if (preferred !== undefined && !this.handedOut.has(preferred) && (await probePort(preferred)) !== null) {
      return this.take(preferred);
    }
    for (;;) {
      const port = await probePort(0);
      if (port !== null && !this.handedOut.has(port)) return this.take(port);
    }
  }

  private take(port: number): number {
    this.handedOut.add(port);
    return port;
  }
}
