// Two Chronos instances on a real ensemble, a real master and a real agent: one leads (its latch under
// /chronos/state/candidate), jobs live as Entry records under /chronos/state/state, a chain extract → transform →
// load runs, and when the leader stops in the middle of it the standby takes over from what was stored, keeps the
// framework id, and the chain completes with each job run once.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHRONOS_TIMING } from '../../src/chronos/config.js';
import { Chronos } from '../../src/chronos/chronos.js';
import { decodeEntry } from '../../src/chronos/io/entry.js';
import { PortAllocator } from '../../src/common/ports.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import { AgentWorker, agentConfig } from '../helpers/agents.js';
import { send } from '../helpers/chronos-harness.js';
import { TestEnsemble, waitUntil } from '../helpers/ensemble.js';
import { TestMasters } from '../helpers/masters.js';

let ensemble: TestEnsemble;
let masters: TestMasters;
let agent: AgentWorker;
let zk: ZkClient;
let work: string;
const instances: (Chronos | null)[] = [];
const ports: number[] = [];

async function startChronos(i: number): Promise<Chronos> {
  const chronos = await Chronos.start({
    config: {
      name: `chronos-${i + 1}`,
      port: ports[i] ?? 0,
      master: `zk://${ensemble.connectString}/mesos`,
      zkHosts: ensemble.connectString,
      zkPath: '/chronos/state',
      zkSessionTimeoutMs: 2000,
      frameworkName: 'chronos',
      failoverTimeoutSeconds: 600,
      timing: CHRONOS_TIMING.demo,
      logFile: join(work, `chronos-${i + 1}.log`),
    },
    log: pino({ level: 'silent' }),
  });
  instances[i] = chronos;
  return chronos;
}

const leading = (): Chronos | undefined => instances.find((c) => c?.report.role === 'leading') ?? undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'minicluster-chronos-'));
  ensemble = await TestEnsemble.start({ participants: 1 });
  masters = await TestMasters.start({ zk: `zk://${ensemble.connectString}/mesos`, count: 1 });
  agent = new AgentWorker(await agentConfig({ servers: ensemble.connectString, containerizers: ['mesos'] }));
  await agent.start();
  await agent.waitRegistered();
  zk = await ZkClient.connect(ensemble.connectString, { sessionTimeoutMs: 2000 });
  const allocator = new PortAllocator();
  for (let i = 0; i < 2; i++) ports.push(await allocator.allocate());
  await startChronos(0);
  await waitUntil('chronos-1 leads and subscribes', () => instances[0]?.report.subscribed === true, 20_000);
  await startChronos(1);
}, 60_000);

afterAll(async () => {
  for (const c of instances) await c?.stop();
  await zk?.close();
  await agent?.stop(true);
  await masters?.stopAll();
  await ensemble?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A job that appends its task id to `<work>/<name>.runs`, after sleeping `sleep` seconds. */
function job(name: string, extra: Record<string, unknown>, sleep = 0): Record<string, unknown> {
  const file = join(work, `${name}.runs`);
  return { name, command: `sleep ${sleep}; echo "$mesos_task_id" >> ${file}`, cpus: 0.05, mem: 16, disk: 1, ...extra };
}

function runsOf(name: string): string[] {
  try {
    return readFileSync(join(work, `${name}.runs`), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}

describe('Chronos on a real cluster', () => {
  it('leads through the latch under /chronos/state/candidate and stores jobs as Entry records', async () => {
    const first = instances[0];
    if (first === undefined || first === null) throw new Error('chronos-1 did not start');
    await waitUntil('chronos-2 sees chronos-1 lead', () => instances[1]?.report.leader === first.url, 10_000);
    expect(instances[1]?.report.role).toBe('standby');
    const latch = await zk.getChildren('/chronos/state/candidate');
    expect(latch.filter((n) => n.includes('-latch-'))).toHaveLength(2);
    const once = job('once', { schedule: 'R1/2031-01-01T00:00:00Z/P1D' });
    expect((await send(first.url, 'POST', '/v1/scheduler/iso8601', once)).status).toBe(204);
    const { data } = await zk.getData('/chronos/state/state/J_once');
    const entry = decodeEntry(data ?? Buffer.alloc(0));
    expect(entry?.name).toBe('J_once');
    expect(JSON.parse(entry?.value.toString('utf8') ?? '{}')).toMatchObject({ name: 'once', schedule: once.schedule });
    expect(await zk.exists('/chronos/state/state/frameworkId')).not.toBeNull();
  });

  it('completes a chain with each job run once when the leader stops in the middle of it', async () => {
    const first = leading();
    if (first === undefined) throw new Error('no leading Chronos');
    const frameworkId = first.report.frameworkId;
    const standby = instances.find((c) => c !== null && c !== first);
    if (standby === undefined || standby === null) throw new Error('no standby');
    expect(
      (await send(standby.url, 'POST', '/v1/scheduler/iso8601', job('extract', { schedule: 'R1//PT1H' }))).status,
    ).toBe(204);
    expect(
      (await send(standby.url, 'POST', '/v1/scheduler/dependency', job('transform', { parents: ['extract'] }, 3)))
        .status,
    ).toBe(204);
    expect(
      (await send(standby.url, 'POST', '/v1/scheduler/dependency', job('load', { parents: ['transform'] }))).status,
    ).toBe(204);
    await waitUntil('extract ran', () => runsOf('extract').length === 1, 20_000);
    await waitUntil(
      'transform is running',
      async () => {
        const summary = (await send(first.url, 'GET', '/v1/scheduler/jobs/summary')).body as {
          jobs: { name: string; state: string }[];
        };
        return summary.jobs.find((j) => j.name === 'transform')?.state === '1 running';
      },
      20_000,
    );
    await first.stop();
    instances[instances.indexOf(first)] = null;
    await waitUntil('the standby leads and subscribes', () => standby.report.subscribed, 20_000);
    expect(standby.report.frameworkId).toBe(frameworkId);
    await waitUntil('load ran', () => runsOf('load').length === 1, 30_000);
    await waitUntil(
      'every job idle, extract used up',
      async () => {
        const summary = (await send(standby.url, 'GET', '/v1/scheduler/jobs/summary')).body as {
          jobs: { name: string; state: string; disabled: boolean }[];
        };
        const chain = summary.jobs.filter((j) => ['extract', 'transform', 'load'].includes(j.name));
        return chain.every((j) => j.state === 'idle') && chain.find((j) => j.name === 'extract')?.disabled === true;
      },
      20_000,
    );
    expect([runsOf('extract').length, runsOf('transform').length, runsOf('load').length]).toEqual([1, 1, 1]);
    const jobs = (await send(standby.url, 'GET', '/v1/scheduler/jobs')).body as {
      name: string;
      successCount: number;
    }[];
    expect(Object.fromEntries(jobs.map((j) => [j.name, j.successCount]))).toMatchObject({
      extract: 1,
      transform: 1,
      load: 1,
    });
  }, 90_000);
});
