// `minicluster deploy` as users run it (node bin/run.js --marathon URL) against the real Marathon API over a
// simulated Mesos: validation errors and JSON mistakes in words, a deployment that cannot progress told with what
// it asks against what is free and what to do, the app left deployed and waiting, and the lock naming --force and
// the deployment instead of Marathon's placeholders.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliHome } from '../e2e/cli-helpers.js';
import { MarathonHarness } from '../helpers/marathon-harness.js';

const home = new CliHome();
let harness: MarathonHarness;

beforeAll(async () => {
  harness = await MarathonHarness.start();
  harness.startClock();
});

afterAll(async () => {
  await harness.close();
  await home.cleanup();
});

/** Writes `text` to a file of the home and runs `minicluster deploy` on it against the harness. */
function deploy(name: string, text: string, ...flags: string[]) {
  const file = join(home.dir, name);
  writeFileSync(file, text);
  return home.run('deploy', file, '--marathon', harness.url, ...flags);
}

/** The `error:` lines of a run. */
const errors = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('error: '));

describe('minicluster deploy', () => {
  it('says what a field must be, not the bare validation key', async () => {
    const run = await deploy('bad.json', JSON.stringify({ id: '/Bad', cmd: 'sleep 1', cpus: -1 }));
    expect(run.exitCode).toBe(1);
    expect(errors(run.stderr)).toEqual([
      'error: Invalid JSON (id must match ^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$ in each part between slashes; cpus must be at least 0.001)',
    ]);
  });

  it('says where a file stops being JSON, by line and column', async () => {
    const run = await deploy('broken.json', '{\n  "id": "/web",\n  "cpus": 0.1\n  "mem": 32\n}');
    expect(run.exitCode).toBe(1);
    expect(errors(run.stderr)).toEqual([
      `error: ${join(home.dir, 'broken.json')} is not JSON: line 4, column 3: expected ',' or '}', found '"'`,
    ]);
  });

  it('stops waiting after --timeout with why and what to do, and leaves the app deployed and waiting', async () => {
    const app = JSON.stringify({ id: '/big', cmd: 'sleep 1000', instances: 3, cpus: 3, mem: 16 });
    const run = await deploy('big.json', app, '--timeout', '2');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /^ {2}waiting on \/big: 1 instance\(s\) not placed: offers declined: InsufficientCpus \(\d+\/\d+ offers\); asks 3 cpus per instance; the agents have 1 and 1 free {2}\[\d+\.\d s\]$/m,
    );
    expect(run.stderr).toMatch(/^ {2}to go on, ask for fewer instances \(minicluster scale \/big N --force\),/m);
    const [error] = errors(run.stderr);
    expect(error).toMatch(
      /^error: deployment \S+ did not finish within 2 s \(\/big: .* the agents have 1 and 1 free\); \/big stays deployed and waits; to go on, ask for fewer instances \(minicluster scale \/big N --force\), free what other apps hold \(minicluster apps remove OTHER\) or deploy a changed definition with --force$/,
    );
    expect((await harness.client.app('/big')).instances).toBe(3);
    expect((await harness.client.queue()).map((q) => (q['app'] as { id: string }).id)).toEqual(['/big']);
  });

  it('names the deployment that locks the app and --force, instead of ?force=true and <DEPLOYMENT_ID>', async () => {
    const [running] = await harness.client.deployments();
    const app = JSON.stringify({ id: '/big', cmd: 'sleep 1000', instances: 2, cpus: 3, mem: 16 });
    const locked = await deploy('smaller.json', app);
    expect(errors(locked.stderr)).toEqual([
      `error: App is locked by one or more deployments. Override with --force. View details at '/v2/deployments/${running?.id}'.`,
    ]);
    const forced = await deploy('smaller.json', app, '--force', '--timeout', '20');
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect((await harness.client.app('/big')).tasksRunning).toBe(2);
  });
});
