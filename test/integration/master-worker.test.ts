// Masters hosted as the supervisor hosts them: worker threads of dist/master/worker.js under WorkerHost,
// reporting ready and their role; an abrupt kill of the leading master hands leadership on.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerHost } from '../../src/cluster/host.js';
import { PortAllocator } from '../../src/common/ports.js';
import { MASTER_TIMING, type MasterWorkerConfig } from '../../src/master/config.js';
import type { MasterWorkerMessage } from '../../src/master/worker.js';
import { TestEnsemble, waitUntil } from '../helpers/ensemble.js';
import { REPO_ROOT } from '../helpers/repo.js';

const WORKER_ENTRY = join(REPO_ROOT, 'dist', 'master', 'worker.js');

interface Hosted {
  config: MasterWorkerConfig;
  host: WorkerHost;
  messages: MasterWorkerMessage[];
  exits: (number | null)[];
}

let ensemble: TestEnsemble;
let dir: string;
const hosted: Hosted[] = [];

function lastState(h: Hosted): Extract<MasterWorkerMessage, { type: 'state' }> | undefined {
  return h.messages.filter((m): m is Extract<MasterWorkerMessage, { type: 'state' }> => m.type === 'state').at(-1);
}

beforeAll(async () => {
  ensemble = await TestEnsemble.start();
  dir = mkdtempSync(join(tmpdir(), 'minicluster-masters-'));
  const ports = new PortAllocator();
  for (const name of ['master-1', 'master-2']) {
    const config: MasterWorkerConfig = {
      name,
      port: await ports.allocate(),
      zk: `zk://${ensemble.connectString}/mesos`,
      timing: MASTER_TIMING.demo,
      logFile: join(dir, `${name}.log`),
    };
    const h: Hosted = { config, messages: [], exits: [], host: undefined as unknown as WorkerHost };
    h.host = new WorkerHost({
      name,
      entry: WORKER_ENTRY,
      workerData: config,
      readyTimeoutMs: 10_000,
      stopGraceMs: 5_000,
      events: {
        onLaunch: () => undefined,
        onMessage: (m) => h.messages.push(m as MasterWorkerMessage),
        onExit: (e) => h.exits.push(e.code),
      },
    });
    hosted.push(h);
  }
  await Promise.all(hosted.map((h) => h.host.start()));
});

afterAll(async () => {
  await Promise.all(hosted.map((h) => h.host.kill()));
  await ensemble?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('masters in worker threads', () => {
  it('post ready with their URL, then their role and the leading master', async () => {
    for (const h of hosted) expect(h.messages[0]).toEqual({ type: 'ready', url: `http://127.0.0.1:${h.config.port}` });
    const leader = await waitUntil('one leading master', () => {
      const leading = hosted.filter((h) => lastState(h)?.role === 'leading');
      return leading.length === 1 &&
        hosted.every((h) => lastState(h)?.leader === `http://127.0.0.1:${leading[0]?.config.port}`)
        ? leading[0]
        : undefined;
    });
    expect(readFileSync(leader.config.logFile, 'utf8')).toContain('Elected as the leading master!');
  });

  it('hand leadership on when the leading master is killed, and stop cleanly on request', async () => {
    const leader = hosted.find((h) => lastState(h)?.role === 'leading');
    const standby = hosted.find((h) => h !== leader);
    if (leader === undefined || standby === undefined) throw new Error('no leader');
    await leader.host.kill();
    await waitUntil('the standby to lead', () => lastState(standby)?.role === 'leading', 8_000);
    await standby.host.stop();
    expect(standby.exits).toEqual([0]);
    expect(readFileSync(standby.config.logFile, 'utf8')).toContain('Stopping on request');
  });
});
