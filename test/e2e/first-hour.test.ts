// What a newcomer meets in the first hour, through the compiled CLI: `logs` of an app by its id (every instance,
// one label per task) and of a task that wrote nothing; `kill leader` naming the supervisor whose thread it ended
// and `start leader` bringing that master back; `down` saying what it waits for while an agent kills its tasks;
// the next `up` saying once that the tasks `down` stopped are relaunched; and `up -d` stopped by Ctrl-C.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarathonClient } from '../../src/api/marathon.js';
import { isAlive, readClusterFile } from '../../src/cluster/cluster-file.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { waitUntil } from '../helpers/ensemble.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'first-hour';
const SMALL = ['--masters', '2', '--agents', '1'];
const home = new CliHome();
const cli = (...args: string[]) => home.run(...args, '--name', CLUSTER);

/** Two instances that say hello and ignore SIGTERM (a stop has to wait for their grace period), and one that says nothing. */
const SHOP_API = {
  id: '/shop/api',
  cmd: "trap '' TERM; echo hello; sleep 1000",
  instances: 2,
  cpus: 0.05,
  mem: 16,
  taskKillGracePeriodSeconds: 2,
};
const QUIET = { id: '/quiet', cmd: 'sleep 1000', instances: 1, cpus: 0.05, mem: 16 };

async function deploy(app: object): Promise<void> {
  const file = join(home.dir, 'app.json');
  writeFileSync(file, JSON.stringify(app));
  const deployed = await cli('deploy', file, '--timeout', '60');
  expect(deployed.exitCode, deployed.stderr).toBe(0);
}

afterAll(() => home.cleanup(), 120_000);

describe('the first hour', () => {
  let status: ClusterStatus;

  beforeAll(async () => {
    status = await home.up(CLUSTER, ...SMALL);
    await deploy(SHOP_API);
    await deploy(QUIET);
  }, 180_000);

  it('logs of an app by its id print every instance, each line after its task label', async () => {
    const ids = (await new MarathonClient(status.marathon ?? '').appTasks('/shop/api')).map((t) => t.id);
    expect(ids).toHaveLength(2);
    for (const id of ['/shop/api', 'shop/api']) {
      const logs = await cli('logs', id);
      expect(logs.exitCode, logs.stderr).toBe(0);
      const lines = logs.stdout.split('\n');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line).toMatch(/^shop_api\.[0-9a-f-]{8} \| hello$/);
      expect(new Set(lines).size).toBe(2);
    }
  });

  it('logs of a task that wrote nothing says so', async () => {
    const logs = await cli('logs', 'quiet');
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout).toBe('');
    expect(logs.stderr).toMatch(/^task quiet\.instance-[0-9a-f-]+\._app\.1 has written nothing to stdout or stderr$/);
  });

  it('kill leader names the supervisor whose thread it ended, and start leader brings that master back', {
    timeout: 60_000,
  }, async () => {
    const thread = `thread of supervisor ${status.supervisorPid}`;
    const killed = await cli('kill', 'leader');
    const master = new RegExp(`^killed (master-\\d) \\(leading, ${thread}\\) at `).exec(killed.stdout)?.[1];
    expect(master, killed.stdout).toBeDefined();
    await waitUntil(
      'another master leading',
      async () => (await home.control(CLUSTER).status()).masters.some((m) => m.role === 'leading'),
      30_000,
    );
    const started = await cli('start', 'leader');
    expect(started.exitCode, started.stderr).toBe(0);
    expect(started.stdout).toBe(`started ${master}, which was the leading master (${thread})`);
    const again = await cli('start', 'leader');
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe('error: no master is down (master-1 and master-2 running)');
  });

  it('down says what it waits for while the agent kills its tasks', { timeout: 60_000 }, async () => {
    const down = await cli('down');
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toBe(`cluster ${CLUSTER} stopped`);
    const waits = down.stderr.split('\n');
    expect(waits.every((l) => new RegExp(`^stopping cluster ${CLUSTER}: .+ {2}\\[\\d+\\.\\d s\\]$`).test(l))).toBe(
      true,
    );
    expect(waits.some((l) => /: agent-1 is killing \d tasks? {2}\[/.test(l))).toBe(true);
  });

  it('the next up says once that the tasks down stopped are being relaunched', { timeout: 120_000 }, async () => {
    status = await home.up(CLUSTER, ...SMALL);
    const marathon = new MarathonClient(status.marathon ?? '');
    await waitUntil(
      'the apps running again',
      async () => (await marathon.apps()).every((app) => app.tasksRunning === app.instances),
      60_000,
    );
    const events = (await cli('events')).stdout.split('\n');
    const starts = events.map((l) => l.endsWith(`cluster ${CLUSTER} starting (profile demo)`));
    const thisRun = events.slice(starts.lastIndexOf(true));
    expect(thisRun.filter((l) => l.includes('of the previous run'))).toEqual([
      expect.stringMatching(/ {2}3 tasks of the previous run were stopped by down and are being relaunched$/),
    ]);
    expect(thisRun.filter((l) => /TASK_KILL(ING|ED)/.test(l))).toEqual([]);
  });

  it('up -d stopped by Ctrl-C before the cluster is ready stops what it started', { timeout: 120_000 }, async () => {
    const other = `${CLUSTER}-2`;
    const up = home.run('up', '-d', '--name', other, ...SMALL);
    try {
      let stderr = '';
      up.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      await waitUntil('the supervisor starting', () => stderr.includes(`starting cluster ${other}`), 30_000);
      up.kill('SIGINT');
      const result = await up;
      expect(result.exitCode).toBe(1);
      expect(result.stderr.split('\n').at(-1)).toBe(
        `error: interrupted: cluster ${other} was stopped before it was ready; nothing of it runs`,
      );
      const supervisor = readClusterFile(home.paths(other))?.supervisor.pid;
      expect(supervisor === undefined || !isAlive(supervisor)).toBe(true);
      expect((await home.run('status', '--name', other)).exitCode).toBe(1);
    } finally {
      await home.run('down', '--name', other);
    }
  });
});
