// PortAllocator: free loopback ports, never the same one twice, never a reserved one.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LOOPBACK, PortAllocator, probePort } from '../../../src/common/ports.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

function occupy(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    servers.push(server);
    server.listen(0, LOOPBACK, () => resolve((server.address() as { port: number }).port));
  });
}

describe('PortAllocator', () => {
  it('hands out distinct ports that can be bound', async () => {
    const ports = new PortAllocator();
    const got = await Promise.all(Array.from({ length: 12 }, () => ports.allocate()));
    expect(new Set(got).size).toBe(12);
    for (const port of got) expect(await probePort(port)).toBe(port);
  });

  it('keeps a free preferred port, and replaces a taken or already handed out one', async () => {
    const ports = new PortAllocator();
    const free = await ports.allocate();
    const again = new PortAllocator();
    expect(await again.allocate(free)).toBe(free);
    expect(await again.allocate(free)).not.toBe(free);
    const taken = await occupy();
    expect(await new PortAllocator().allocate(taken)).not.toBe(taken);
  });

  it('never hands out a reserved port, even when it is preferred', async () => {
    const reserved = await new PortAllocator().allocate();
    expect(await new PortAllocator([reserved]).allocate(reserved)).not.toBe(reserved);
  });
});
