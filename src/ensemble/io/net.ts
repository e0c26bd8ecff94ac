// Small socket helpers shared by the member's listeners and dialers: listening with a clear error
// when a port is taken, closing servers, and coalescing the writes of one event-loop turn.
import type { Server, Socket } from 'node:net';

/** Listens on host:port; a port in use rejects with a message naming the port and its purpose. */
export function listenOn(server: Server, opts: { host: string; port: number; purpose: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be opened (${err.message})`;
      reject(new Error(`${opts.purpose} port ${opts.port} on ${opts.host} ${why}`));
    };
    server.once('error', onError);
    server.listen({ host: opts.host, port: opts.port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stops accepting; resolves once the server is closed (established sockets are the caller's). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

const corked = new WeakSet<Socket>();

/** Writes, holding the bytes until the end of this tick so a batch of frames leaves in one syscall. */
export function writeCoalesced(socket: Socket, bytes: Buffer): void {
  if (!corked.has(socket)) {
    corked.add(socket);
    socket.cork();
    process.nextTick(() => {
      corked.delete(socket);
      socket.uncork();
    });
  }
  socket.write(bytes);
}
