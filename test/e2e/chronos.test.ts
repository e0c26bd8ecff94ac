// Chronos in a cluster started with the CLI (two Chronos instances): the examples added with `jobs add`, runs
// on schedule, the ETL chain extract → transform → load completing with each job run exactly once while the
// leading master and the leading Chronos are killed in the middle of it, a Docker job, and the other `jobs`
// commands.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChronosClient, type JobJson } from '../../src/api/chronos.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { describeWithDocker, ensureTestImage } from '../helpers/docker-image.js';
import { waitUntil } from '../helpers/ensemble.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'jobs';
const home = new CliHome();
const cli = (...args: string[]): Promise<string> => home.ok(...args, '--name', CLUSTER);
const example = (name: string): string => join(REPO_ROOT, 'examples', 'jobs', name);

afterAll(() => home.cleanup(), 120_000);

/** An example rewritten for the test: its file path after `change` was applied to its JSON. */
function rewritten(name: string, change: (text: string) => string): string {
  const dir = mkdtempSync(join(home.dir, 'jobs-'));
  const file = join(dir, name);
  writeFileSync(file, change(readFileSync(example(name), 'utf8')));
  return file;
}

await describeWithDocker('Chronos jobs end to end', () => {
  let status: ClusterStatus;
  let etlDir: string;

  /** The cluster's Chronos API as the supervisor knows it now (the leading instance's, after a failover too). */
  const chronos = async (): Promise<ChronosClient> =>
    new ChronosClient((await home.control(CLUSTER).status()).chronos ?? '');
  /** The jobs by name; none while no Chronos answers (during a failover). */
  const jobs = async (): Promise<Map<string, JobJson>> =>
    (await chronos())
      .jobs()
      .then((all) => new Map(all.map((j) => [j.name, j])))
      .catch(() => new Map<string, JobJson>());
  const state = async (name: string): Promise<string | undefined> =>
    (await chronos())
      .summary()
      .then((all) => all.find((j) => j.name === name)?.state)
      .catch(() => undefined);

  beforeAll(async () => {
    status = await home.up(CLUSTER, '--chronos', '2');
    etlDir = mkdtempSync(join(home.dir, 'etl-'));
  }, 120_000);

  it('runs on Chronos leading one of two instances, and shows them in status', async () => {
    const instances = status.chronosInstances ?? [];
    expect(instances.map((c) => c.role).sort()).toEqual(['leading', 'standby']);
    expect(instances.find((c) => c.role === 'leading')?.subscribed).toBe(true);
    expect(await cli('status')).toMatch(/^CHRONOS +ROLE +STATE +FRAMEWORK +URL$/m);
  });

  it('adds the repeating example and runs a job of its own on its schedule, three times five seconds apart', {
    timeout: 120_000,
  }, async () => {
    expect(await cli('jobs', 'add', example('heartbeat.json'))).toBe('added job heartbeat (on R//PT1M)');
    const thrice = rewritten('heartbeat.json', (text) =>
      text.replace('"heartbeat"', '"thrice"').replace('"R//PT1M"', '"R3//PT5S"'),
    );
    await cli('jobs', 'add', thrice);
    await waitUntil('heartbeat ran once', async () => (await jobs()).get('heartbeat')?.successCount === 1, 30_000);
    await waitUntil('thrice ran three times', async () => (await jobs()).get('thrice')?.successCount === 3, 60_000);
    const job = (await jobs()).get('thrice');
    expect(job?.schedule).toMatch(/^R0\//);
    expect(job?.disabled).toBe(true);
    expect((await (await chronos()).history('thrice')).map((t) => t.status)).toEqual(['Success', 'Success', 'Success']);
    const list = await cli('jobs', 'list');
    expect(list).toMatch(/^heartbeat +every PT1M +\S+ +\S+ +- +\d+\/0 +(idle|queued|1 running)$/m);
    expect(list).toMatch(/^thrice +0 more, every PT5S \(done\) +- +\S+ +- +3\/0 +disabled$/m);
  });

  it('completes the ETL chain with each job run once while the leading master and the leading Chronos are killed', {
    timeout: 180_000,
  }, async () => {
    const etl = rewritten('etl.json', (text) => text.replaceAll('/tmp/minicluster-etl', etlDir));
    expect(await cli('jobs', 'add', etl)).toBe(
      [
        'added job extract (on R//PT1H)',
        'added job transform (after extract)',
        'added job load (after transform)',
      ].join('\n'),
    );
    await waitUntil('transform is running', async () => (await state('transform')) === '1 running', 60_000);
    expect(await cli('kill', 'leader')).toMatch(/^killed master-\d \(leading/);
    expect(await cli('kill', 'chronos')).toMatch(/^killed chronos-\d \(leading/);
    await waitUntil('load succeeded', async () => (await jobs()).get('load')?.successCount === 1, 120_000);
    await waitUntil(
      'the chain is idle',
      async () => (await Promise.all(['extract', 'transform', 'load'].map(state))).every((s) => s === 'idle'),
      30_000,
    );
    const after = await jobs();
    expect(
      ['extract', 'transform', 'load'].map((n) => [n, after.get(n)?.successCount, after.get(n)?.errorCount]),
    ).toEqual([
      ['extract', 1, 0],
      ['transform', 1, 0],
      ['load', 1, 0],
    ]);
    for (const name of ['extract', 'transform', 'load']) expect(await (await chronos()).history(name)).toHaveLength(1);
    expect(readFileSync(join(etlDir, 'loaded'), 'utf8').trim()).toBe('loaded 385');
    const events = await cli('events');
    expect(events).toMatch(/chronos-\d elected as the leading scheduler/);
    expect(await cli('jobs', 'graph')).toContain(
      'extract (success, idle)\n  └─ transform (success, idle)\n    └─ load (success, idle)',
    );
    expect(await cli('jobs', 'graph', '--dot')).toMatch(/^digraph G \{\n/);
    expect(await cli('jobs', 'history', 'load')).toMatch(
      /^ct:\d+:0:load: +\S+ +\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d .* Success$/m,
    );
  });

  it('runs a Docker job, and runs, kills and removes jobs on request', { timeout: 120_000 }, async () => {
    const image = await ensureTestImage();
    await cli(
      'jobs',
      'add',
      rewritten('docker-report.json', (text) => text.replace('busybox:latest', image)),
    );
    await waitUntil('the Docker job ran', async () => (await jobs()).get('docker-report')?.successCount === 1, 60_000);
    const long = rewritten('heartbeat.json', (text) =>
      text
        .replace('"heartbeat"', '"long"')
        .replace('"R//PT1M"', '"R/2031-01-01T00:00:00Z/P1D"')
        .replace(/"command": "[^\n]*"/, '"command": "sleep 300"'),
    );
    await cli('jobs', 'add', long);
    expect(await cli('jobs', 'run', 'long')).toBe('job long queued to run now');
    await waitUntil('long runs', async () => (await state('long')) === '1 running', 30_000);
    await cli('jobs', 'kill', 'long');
    await waitUntil('long is killed', async () => (await state('long')) === 'idle', 30_000);
    expect((await jobs()).get('long')).toMatchObject({ successCount: 0, errorCount: 0 });
    expect(await cli('jobs', 'remove', 'long')).toBe('removed job long');
    const missing = await home.run('jobs', 'show', 'long', '--name', CLUSTER);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe("error: Chronos answered 400: requirement failed: Job 'long' not found");
    expect(JSON.parse(await cli('jobs', 'show', 'extract'))).toMatchObject({ name: 'extract', successCount: 1 });
  });
});
