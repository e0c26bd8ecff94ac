// Service ports of two clusters side by side (process apps, so no Docker): each cluster assigns them from its
// own range, kept in cluster.json across a restart, so the same app gets a different port in each and both are
// served; a service port another process holds is never printed as an address: deploy and status say why.
import { createServer, connect, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MarathonClient } from '../../src/api/marathon.js';
import { readClusterFile } from '../../src/cluster/cluster-file.js';
import type { PortRange } from '../../src/cluster/core/layout.js';
import { LOOPBACK } from '../../src/common/ports.js';
import { waitUntil } from '../helpers/ensemble.js';
import { CliHome } from './cli-helpers.js';

const home = new CliHome();
const APP = { id: '/echo', cmd: 'sleep 1000', cpus: 0.05, mem: 16, portDefinitions: [{ port: 0 }] };
let blocker: Server | undefined;

afterAll(async () => {
  blocker?.close();
  await home.cleanup();
}, 120_000);

function rangeOf(name: string): PortRange | undefined {
  return readClusterFile(home.paths(name))?.servicePorts;
}

/** True once something accepts connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

describe('service ports of clusters side by side', () => {
  it('gives each cluster its own range, kept across a restart; a port in use is reported, not printed', {
    timeout: 240_000,
  }, async () => {
    const file = join(home.dir, 'echo.json');
    writeFileSync(file, JSON.stringify(APP));
    const one = await home.up('one', '--masters', '1');
    await home.up('two', '--masters', '1');
    const [first, second] = [rangeOf('one'), rangeOf('two')];
    expect(first).toEqual({ begin: 10000, end: 10999 });
    expect(second).toEqual({ begin: 11000, end: 11999 });
    const info = await new MarathonClient(one.marathon ?? '').info();
    expect(info['marathon_config']).toMatchObject({ local_port_min: 10000, local_port_max: 10999 });

    await home.ok('down', '--name', 'two');
    const two = await home.up('two', '--masters', '1');
    expect(rangeOf('two')).toEqual(second);

    const deployedOne = await home.ok('deploy', file, '--name', 'one');
    expect(deployedOne).toMatch(/\s127\.0\.0\.1:10000$/m);
    await waitUntil('the service port of cluster one served', () => accepts(10000));

    // Another process holds the port cluster two gives the app.
    blocker = createServer();
    const held = blocker;
    await new Promise<void>((resolve) => held.listen(11000, LOOPBACK, resolve));
    const deployedTwo = await home.ok('deploy', file, '--name', 'two');
    const row = deployedTwo.split('\n').find((l) => l.startsWith('/echo '));
    expect(row).toMatch(/\s127\.0\.0\.1:\d+\s+11000 \(not served\)$/);
    expect(deployedTwo).toMatch(/^service port 11000 of \/echo is not served: listen EADDRINUSE/m);
    expect(await home.ok('status', '--name', 'two')).toMatch(
      /^service port 11000 of \/echo is not served: listen EADDRINUSE/m,
    );
    const status = await home.status('two');
    expect(status.schedulers.flatMap((s) => s.unservedPorts)).toEqual([
      { servicePort: 11000, appId: '/echo', reason: expect.stringContaining('EADDRINUSE') as string },
    ]);
    expect((await home.status('one')).schedulers.flatMap((s) => s.unservedPorts)).toEqual([]);

    // Once the port is free the balancer takes it and the report clears.
    await new Promise((resolve) => held.close(resolve));
    blocker = undefined;
    await waitUntil(
      'the service port of cluster two served',
      async () => (await home.status('two')).schedulers.every((s) => s.unservedPorts.length === 0),
      20_000,
    );
    expect(await accepts(11000)).toBe(true);
    expect(two.marathon).not.toBe(one.marathon);
  });
});
