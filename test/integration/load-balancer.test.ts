// The built-in load balancer over real sockets: round-robin across two echo backends, backend sets
// swapped under open connections, refused backends skipped, empty sets, and unbindable ports reported with why.
import { createServer, connect, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LOOPBACK, PortAllocator } from '../../src/common/ports.js';
import type { ServiceBackend } from '../../src/scheduler/core/service-backends.js';
import { LoadBalancer } from '../../src/scheduler/io/load-balancer.js';
import { waitUntil } from '../helpers/ensemble.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A TCP server that answers every chunk with `<name>:<chunk>`. */
async function echo(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => socket.on('data', (data) => socket.write(`${name}:${data.toString()}`)));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return { port: (server.address() as { port: number }).port, server };
}

function balancer(onUnservedChange?: () => void): LoadBalancer {
  const lb = new LoadBalancer({ logger: pino({ level: 'silent' }), ...(onUnservedChange ? { onUnservedChange } : {}) });
  cleanups.push(() => lb.close());
  return lb;
}

function service(servicePort: number, ports: number[], appId = '/web'): ServiceBackend {
  return { appId, portIndex: 0, servicePort, backends: ports.map((port) => ({ host: LOOPBACK, port })) };
}

/** A client connection through the balancer that collects what it receives. */
async function client(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect({ host: LOOPBACK, port });
  cleanups.push(() => socket.destroy());
  let text = '';
  socket.on('data', (data) => (text += data.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => text, closed };
}

/** Sends `message` and resolves with the answer. */
async function ask(port: number, message: string): Promise<string> {
  const c = await client(port);
  c.socket.write(message);
  const answer = await waitUntil(
    `an answer to ${message}`,
    () => (c.received().endsWith(message) ? c.received() : undefined),
    5_000,
  );
  c.socket.destroy();
  return answer;
}

/** True when nothing listens on `port`. */
function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    socket.once('error', () => resolve(true));
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function bound(lb: LoadBalancer, port: number): Promise<void> {
  await waitUntil(`port ${port} bound`, () => lb.status().find((s) => s.servicePort === port)?.bound);
}

const ports = new PortAllocator();

describe('LoadBalancer', () => {
  it('round-robins connections over the backends', async () => {
    const [a, b] = [await echo('a'), await echo('b')];
    const lb = balancer();
    const port = await ports.allocate();
    lb.update([service(port, [a.port, b.port])]);
    await bound(lb, port);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(port, `m${i}`));
    expect(answers).toEqual(['a:m0', 'b:m1', 'a:m2', 'b:m3']);
    expect(lb.status()).toEqual([
      { servicePort: port, appId: '/web', bound: true, backends: 2, connections: expect.any(Number) as number },
    ]);
  });

  it('keeps an open connection when its backend is removed; new connections go to the rest', async () => {
    const [a, b] = [await echo('a'), await echo('b')];
    const lb = balancer();
    const port = await ports.allocate();
    lb.update([service(port, [a.port, b.port])]);
    await bound(lb, port);
    const open = await client(port);
    open.socket.write('before');
    await waitUntil('the first answer', () => open.received() === 'a:before');
    lb.update([service(port, [b.port])]);
    expect(await ask(port, 'new')).toBe('b:new');
    open.socket.write('after');
    await waitUntil('the answer after the update', () => open.received() === 'a:beforea:after');
    expect(lb.status()[0]).toMatchObject({ bound: true, backends: 1, connections: 1 });
  });

  it('skips a backend that refuses the connection', async () => {
    const [a, dead] = [await echo('a'), await echo('dead')];
    await new Promise((resolve) => dead.server.close(resolve));
    const lb = balancer();
    const port = await ports.allocate();
    lb.update([service(port, [dead.port, a.port])]);
    await bound(lb, port);
    expect(await ask(port, 'x')).toBe('a:x');
    expect(await ask(port, 'y')).toBe('a:y');
  });

  it('closes client connections when no backend is available', async () => {
    const dead = await echo('dead');
    await new Promise((resolve) => dead.server.close(resolve));
    const lb = balancer();
    const port = await ports.allocate();
    lb.update([service(port, [])]);
    await bound(lb, port);
    const empty = await client(port);
    await empty.closed;
    lb.update([service(port, [dead.port])]);
    const refused = await client(port);
    await refused.closed;
    expect(empty.received() + refused.received()).toBe('');
  });

  it('reports a port in use instead of throwing, and binds it once it is free', async () => {
    const a = await echo('a');
    const blocker = createServer();
    const port = await ports.allocate();
    await new Promise<void>((resolve) => blocker.listen(port, LOOPBACK, resolve));
    let changes = 0;
    const lb = balancer(() => changes++);
    expect(() => lb.update([service(port, [a.port])])).not.toThrow();
    await waitUntil('the bind failure', () => lb.status()[0]?.error);
    expect(lb.status()).toEqual([
      {
        servicePort: port,
        appId: '/web',
        bound: false,
        error: expect.stringContaining('EADDRINUSE') as string,
        backends: 1,
        connections: 0,
      },
    ]);
    const reason = expect.stringContaining('EADDRINUSE') as string;
    expect(lb.unserved()).toEqual([{ servicePort: port, appId: '/web', reason }]);
    // Every update retries the bind; the same failure is no news.
    lb.update([service(port, [a.port])]);
    await waitUntil('the bind retried', () => lb.status()[0]?.error);
    expect([changes, lb.unserved().length]).toEqual([1, 1]);
    await new Promise((resolve) => blocker.close(resolve));
    lb.update([service(port, [a.port])]);
    await bound(lb, port);
    expect([changes, lb.unserved()]).toEqual([2, []]);
    expect(await ask(port, 'z')).toBe('a:z');
  });

  it('reports a service port two apps claim, and closes ports that are gone', async () => {
    const a = await echo('a');
    const lb = balancer();
    const port = await ports.allocate();
    lb.update([service(port, [a.port], '/one'), service(port, [a.port], '/two')]);
    await bound(lb, port);
    expect(lb.status()).toEqual([
      { servicePort: port, appId: '/one', bound: true, backends: 1, connections: 0 },
      {
        servicePort: port,
        appId: '/two',
        bound: false,
        error: `service port ${port} is used by /one`,
        backends: 1,
        connections: 0,
      },
    ]);
    expect(lb.unserved()).toEqual([
      { servicePort: port, appId: '/two', reason: `service port ${port} is used by /one` },
    ]);
    lb.update([]);
    expect(lb.status()).toEqual([]);
    expect(lb.unserved()).toEqual([]);
    await waitUntil('the listener closed', () => refuses(port));
  });
});
