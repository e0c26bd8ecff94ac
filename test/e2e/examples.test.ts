// Every example in examples/ deployed with `minicluster deploy examples/<file>` into one cluster and checked for
// what it shows; then the tasks, apps and lb commands on what runs, and a `down` that leaves no container behind.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MarathonClient, type Json, type MarathonEventJson, type TaskJson } from '../../src/api/marathon.js';
import { readClusterFile } from '../../src/cluster/cluster-file.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import {
  agentContainers,
  describeWithDocker,
  ensureNginxImage,
  ensureUbuntuImage,
  taskContainerEnv,
} from '../helpers/docker-image.js';
import { waitUntil } from '../helpers/ensemble.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'examples';
const home = new CliHome();

afterAll(() => home.cleanup(), 120_000);

const example = (name: string): string => join(REPO_ROOT, 'examples', name);

/** `minicluster ARGS --name CLUSTER`, which must succeed; its stdout. */
const cli = (...args: string[]): Promise<string> => home.ok(...args, '--name', CLUSTER);

/** `minicluster ARGS --name CLUSTER`, success or not. */
const attempt = (...args: string[]) => home.run(...args, '--name', CLUSTER);

/** The `step N/M: …` progress lines of a deploy. */
/** The step lines of a deployment's progress, without the elapsed time each ends with. */
const stepLines = (stderr: string): string[] =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('step '))
    .map((l) => l.replace(/ {2}\[\d+\.\d s\]$/, ''));

function running(tasks: readonly TaskJson[]): TaskJson[] {
  return tasks.filter((t) => t.state === 'TASK_RUNNING');
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.text() };
}

/** Records /v2/events of these types from the moment the stream is attached until stop(). */
async function recordEvents(
  marathon: MarathonClient,
  types: string[],
): Promise<{ events: MarathonEventJson[]; stop(): Promise<void> }> {
  const abort = new AbortController();
  const stream = marathon.events({ eventTypes: ['event_stream_attached', ...types], signal: abort.signal });
  await stream.next();
  const events: MarathonEventJson[] = [];
  const done = (async () => {
    for await (const event of stream) events.push(event);
  })();
  const stop = async (): Promise<void> => {
    abort.abort();
    await done;
  };
  return { events, stop };
}

await describeWithDocker('the examples, deployed with the CLI', () => {
  let status: ClusterStatus;
  let marathon: MarathonClient;

  beforeAll(async () => {
    await Promise.all([ensureNginxImage(), ensureUbuntuImage()]);
    status = await home.up(CLUSTER);
    marathon = new MarathonClient(status.marathon ?? '');
  }, 120_000);

  it('process-app.json: two python3 http.server tasks, healthy, answering on their host ports and the service port', {
    timeout: 60_000,
  }, async () => {
    await cli('deploy', example('process-app.json'), '--timeout', '40');
    const app = await waitUntil(
      '2 healthy tasks',
      async () => {
        const a = await marathon.app('/hello-http', ['app.tasks']);
        return a.tasksHealthy === 2 && a;
      },
      20_000,
    );
    const tasks = running(app.tasks ?? []);
    expect(tasks).toHaveLength(2);
    for (const t of tasks)
      expect(await get(`http://${t.host}:${t.ports[0] ?? 0}/`)).toMatchObject({
        status: 200,
        body: expect.stringContaining('Directory listing'),
      });
    const servicePort = (app['portDefinitions'] as { port: number }[])[0]?.port ?? 0;
    expect(servicePort).toBeGreaterThanOrEqual(10_000);
    expect(await get(`http://127.0.0.1:${servicePort}/`)).toMatchObject({
      status: 200,
      body: expect.stringContaining('Directory listing'),
    });
  });

  /** How many tasks of constrained.json run on each agent. */
  async function spreadPerAgent(): Promise<number[]> {
    const agents = running(await marathon.appTasks('/spread')).map((t) => t['slaveId']);
    return status.agents.map((a) => agents.filter((id) => id === a.id).length);
  }

  it('constrained.json: 2 tasks per rack; scaling to 6 fails with UnfulfilledConstraint, 2 left in the queue', {
    timeout: 60_000,
  }, async () => {
    await cli('deploy', example('constrained.json'), '--timeout', '30');
    expect(await spreadPerAgent()).toEqual([2, 2]);

    const six = await attempt('scale', 'spread', '6', '--timeout', '8');
    expect(six.exitCode).toBe(1);
    const errors = six.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^error: deployment \S+ did not finish within 8 s \(\/spread: offers declined: UnfulfilledConstraint \(\d+\/\d+ offers\)\)$/,
    );
    const queued = (await marathon.queue()).find((q) => (q['app'] as Json)['id'] === '/spread');
    expect(queued?.['count']).toBe(2);
    expect(await spreadPerAgent()).toEqual([2, 2]);
  });

  it('constrained.json: the scale to 6 locks the app; scaling back to 4 with --force settles it', {
    timeout: 60_000,
  }, async () => {
    expect((await attempt('scale', 'spread', '4', '--timeout', '10')).stderr).toMatch(
      /^error: App is locked by one or more deployments/,
    );
    await cli('scale', 'spread', '4', '--force', '--timeout', '10');
    expect((await marathon.queue()).map((q) => (q['app'] as Json)['id'])).not.toContain('/spread');
    expect(await spreadPerAgent()).toEqual([2, 2]);
  });

  it('group.json: /shop/db is scaled before /shop/api, which depends on it, and both run', {
    timeout: 60_000,
  }, async () => {
    const recorder = await recordEvents(marathon, ['deployment_step_success', 'deployment_success']);
    const deployed = await attempt('deploy', example('group.json'), '--timeout', '40');
    expect(deployed.exitCode, deployed.stderr).toBe(0);
    const deploymentId =
      /^deployment (\S+) for \/shop\/api, \/shop\/db {2}\[\d+\.\d s\]$/m.exec(deployed.stderr)?.[1] ?? '';
    expect(deploymentId).not.toBe('');
    expect(stepLines(deployed.stderr)[1]).toBe('step 2/3: ScaleApplication /shop/db');
    const ours = (e: MarathonEventJson): boolean => (e['plan'] as { id: string }).id === deploymentId;
    await waitUntil('deployment_success', () =>
      recorder.events.some((e) => e.eventType === 'deployment_success' && ours(e)),
    );
    await recorder.stop();
    const steps = recorder.events.filter((e) => e.eventType === 'deployment_step_success' && ours(e));
    const actions = steps.map((e) =>
      (e['currentStep'] as { actions: { action: string; app: string }[] }).actions
        .map((a) => `${a.action} ${a.app}`)
        .sort(),
    );
    expect(actions).toEqual([
      ['StartApplication /shop/api', 'StartApplication /shop/db'],
      ['ScaleApplication /shop/db'],
      ['ScaleApplication /shop/api'],
    ]);

    const [db, api] = [running(await marathon.appTasks('/shop/db')), running(await marathon.appTasks('/shop/api'))];
    expect([db.length, api.length]).toEqual([1, 2]);
    for (const t of api)
      expect(Date.parse(String(t['stagedAt']))).toBeGreaterThanOrEqual(Date.parse(String(db[0]?.['startedAt'])));
  });

  it('ubuntu.json: the 0.6 payload is converted with warnings and its task greets from the -e option', {
    timeout: 60_000,
  }, async () => {
    const deployed = await attempt('deploy', example('ubuntu.json'), '--timeout', '40');
    expect(deployed.exitCode, deployed.stderr).toBe(0);
    expect(deployed.stderr).toContain(
      'warning: /container: 0.6 form with image "docker:///libmesos/ubuntu" read as container.docker.image "libmesos/ubuntu"',
    );
    expect(deployed.stderr).toMatch(/^warning: \/container\/options: translated to env/m);
    const app = await marathon.app('/ubuntu');
    expect(app).toMatchObject({
      instances: 1,
      cpus: 0.3,
      mem: 128,
      env: { GREETING: 'hello' },
      container: { type: 'DOCKER', docker: { image: 'libmesos/ubuntu' } },
    });
    const [task] = running(await marathon.appTasks('/ubuntu'));
    await waitUntil(
      'the greeting in the task stdout',
      async () => /^hello from \S+ at \d\d:\d\d:\d\d$/m.test((await attempt('logs', task?.id ?? '')).stdout),
      20_000,
    );
  });

  it('web-rolling.json: a new RELEASE rolls the 3 tasks over, never below 2 healthy', { timeout: 90_000 }, async () => {
    await cli('deploy', example('web-rolling.json'), '--timeout', '40');
    expect((await marathon.app('/web/frontend')).tasksHealthy).toBe(3);
    const old = running(await marathon.appTasks('/web/frontend')).map((t) => t.id);
    const release2 = join(home.dir, 'web-rolling-release-2.json');
    writeFileSync(
      release2,
      JSON.stringify({ ...JSON.parse(await readFile(example('web-rolling.json'), 'utf8')), env: { RELEASE: '2' } }),
    );

    const deploying = attempt('deploy', release2, '--timeout', '60');
    let finished = false;
    void deploying.finally(() => (finished = true));
    let lowest = 3;
    while (!finished) {
      lowest = Math.min(lowest, (await marathon.app('/web/frontend')).tasksHealthy ?? 0);
      await delay(100);
    }
    const deployed = await deploying;
    expect(deployed.exitCode, deployed.stderr).toBe(0);
    expect(stepLines(deployed.stderr)).toEqual(['step 1/1: RestartApplication /web/frontend']);
    expect(lowest).toBeGreaterThanOrEqual(2);
    const fresh = running(await marathon.appTasks('/web/frontend'));
    expect(fresh).toHaveLength(3);
    for (const t of fresh) {
      expect(old).not.toContain(t.id);
      expect(await taskContainerEnv(t.id)).toContain('RELEASE=2');
    }
  });

  it('tasks list and kill (with and without --scale), apps show and list, lb config', { timeout: 60_000 }, async () => {
    const listed = await cli('tasks', 'list');
    for (const t of running(await marathon.tasks()))
      expect(listed).toMatch(new RegExp(`^${t.id.replaceAll('.', '\\.')}\\s+${t.appId}\\s+TASK_RUNNING\\s`, 'm'));
    expect(
      listed
        .split('\n')
        .filter((l) => l.includes(' /hello-http '))
        .every((l) => /\shealthy\s/.test(l)),
    ).toBe(true);

    const [victim, second] = running(await marathon.appTasks('/shop/api')).map((t) => t.id);
    expect(await cli('tasks', 'kill', victim ?? '')).toBe(`killing ${victim} (TASK_RUNNING)`);
    await waitUntil(
      'a replacement',
      async () => {
        const ids = running(await marathon.appTasks('/shop/api')).map((t) => t.id);
        return ids.length === 2 && !ids.includes(victim ?? '');
      },
      20_000,
    );
    expect(await cli('tasks', 'kill', second ?? '', '--scale')).toMatch(/^deployment \S+ lowers the instances$/);
    await waitUntil(
      'one instance left',
      async () => {
        const app = await marathon.app('/shop/api');
        return app.instances === 1 && app.tasksRunning === 1 && (app.deployments ?? []).length === 0;
      },
      20_000,
    );

    const shown = JSON.parse(await cli('apps', 'show', '/shop/api')) as {
      id: string;
      instances: number;
      tasks: TaskJson[];
    };
    expect([shown.id, shown.instances, running(shown.tasks).length]).toEqual(['/shop/api', 1, 1]);
    const rows = (await cli('apps', 'list'))
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/).slice(0, 3));
    expect(rows.sort()).toEqual([
      ['/hello-http', '2', '2'],
      ['/shop/api', '1', '1'],
      ['/shop/db', '1', '1'],
      ['/spread', '4', '4'],
      ['/ubuntu', '1', '1'],
      ['/web/frontend', '3', '3'],
    ]);

    const config = await cli('lb', 'config');
    for (const app of await marathon.apps({ embed: ['apps.tasks'] })) {
      const tasks = running(app.tasks ?? []);
      const servicePort = (tasks[0]?.['servicePorts'] as number[] | undefined)?.[0];
      const name = `${app.id.slice(1).replaceAll('/', '_')}_${servicePort}`;
      expect(config).toMatch(new RegExp(`^frontend ${name}\\n  bind \\*:${servicePort}\\n`, 'm'));
      const backend = config.split('\n\n').find((section) => section.startsWith(`backend ${name}\n`)) ?? '';
      const servers = backend
        .split('\n')
        .filter((l) => l.startsWith('  server '))
        .map((l) => l.split(' ').at(-1));
      expect(servers.sort()).toEqual(tasks.map((t) => `${t.host}:${t.ports[0]}`).sort());
    }
  });

  it('stops the cluster on down and leaves no container of it', { timeout: 60_000 }, async () => {
    const workDirs = readClusterFile(home.paths(CLUSTER))?.agents.map((a) => a.workDir) ?? [];
    expect(workDirs).toHaveLength(2);
    expect(await agentContainers(workDirs)).toHaveLength(1 + 3); // ubuntu.json's task and web-rolling.json's three
    expect(await cli('down')).toBe(`cluster ${CLUSTER} stopped`);
    expect(await agentContainers(workDirs)).toEqual([]);
  });
});
