// Every example in examples/ deployed with `minicluster deploy examples/<file>` (the default --timeout) into one
// cluster, in the order the README lists them, and checked for what it shows: all of them run together on the two
// agents that share this machine; then a scale constraints forbid (why, what to do, the lock naming --force), a
// rolling restart, the tasks, apps and lb commands on what runs, and a `down` that leaves no container behind.
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

/** The apps of the examples in the order the README lists the examples, with the instances each asks for. */
const README_ORDER: [app: string, instances: number][] = [
  ['/nginx', 1],
  ['/ubuntu', 1],
  ['/web/frontend', 3],
  ['/hello-http', 2],
  ['/spread', 4],
  ['/shop/db', 1],
  ['/shop/api', 2],
];

await describeWithDocker('the examples, deployed with the CLI', () => {
  let status: ClusterStatus;
  let marathon: MarathonClient;
  let nginxPage: string | null;

  beforeAll(async () => {
    [nginxPage] = await Promise.all([ensureNginxImage().then((i) => i.page), ensureUbuntuImage()]);
    status = await home.up(CLUSTER);
    marathon = new MarathonClient(status.marathon ?? '');
  }, 120_000);

  it("nginx.json: the first tutorial's nginx, reached on its host port and on its service port", {
    timeout: 60_000,
  }, async () => {
    const deployed = await cli('deploy', example('nginx.json'));
    const [task] = running(await marathon.appTasks('/nginx'));
    const servicePort = (task?.['servicePorts'] as number[] | undefined)?.[0] ?? 0;
    expect(deployed).toMatch(new RegExp(`\\s${task?.host}:${task?.ports[0]}\\s+127\\.0\\.0\\.1:${servicePort}$`, 'm'));
    for (const url of [`http://${task?.host}:${task?.ports[0]}/`, `http://127.0.0.1:${servicePort}/`]) {
      const answer = await get(url);
      expect(answer.status).toBe(200);
      if (nginxPage !== null) expect(answer.body).toBe(nginxPage);
    }
  });

  it('ubuntu.json: the 0.6 payload is converted with warnings and its task greets from the -e option', {
    timeout: 60_000,
  }, async () => {
    const deployed = await attempt('deploy', example('ubuntu.json'));
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

  it('web-rolling.json: three nginx instances, healthy', { timeout: 60_000 }, async () => {
    await cli('deploy', example('web-rolling.json'));
    expect((await marathon.app('/web/frontend')).tasksHealthy).toBe(3);
  });

  it('process-app.json: two python3 http.server tasks, healthy, answering on their host ports and the service port', {
    timeout: 60_000,
  }, async () => {
    await cli('deploy', example('process-app.json'));
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

  // Longer than deploy's default --timeout, so that a deployment that cannot progress fails with deploy's words.
  it('constrained.json: 2 tasks per rack, beside everything deployed before it', { timeout: 90_000 }, async () => {
    await cli('deploy', example('constrained.json'));
    expect(await spreadPerAgent()).toEqual([2, 2]);
  });

  it('group.json: /shop/db is scaled before /shop/api, which depends on it, and both run', {
    timeout: 60_000,
  }, async () => {
    const recorder = await recordEvents(marathon, ['deployment_step_success', 'deployment_success']);
    const deployed = await attempt('deploy', example('group.json'));
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
      expect(Date.parse(String(t['startedAt']))).toBeGreaterThanOrEqual(Date.parse(String(db[0]?.['startedAt'])));
  });

  it("every example, deployed in the README's order, reached its instances together on the two agents", async () => {
    const apps = await marathon.apps({ embed: ['apps.tasks'] });
    const counts = README_ORDER.map(([id]) => {
      const app = apps.find((a) => a.id === id);
      return [id, app?.instances, running(app?.tasks ?? []).length];
    });
    expect(counts).toEqual(README_ORDER.map(([id, instances]) => [id, instances, instances]));
    const spreadOver = new Set(apps.flatMap((a) => running(a.tasks ?? []).map((t) => t['slaveId'])));
    expect(spreadOver.size).toBe(2);
  });

  it('constrained.json: scaling to 6 stops waiting after --timeout, says why and what to do, and stays deployed', {
    timeout: 60_000,
  }, async () => {
    const six = await attempt('scale', 'spread', '6', '--timeout', '8');
    expect(six.exitCode).toBe(1);
    expect(six.stderr).toMatch(
      /^ {2}waiting on \/spread: 2 instance\(s\) not placed: offers declined: UnfulfilledConstraint \(\d+\/\d+ offers\); its constraints \(rack GROUP_BY, rack MAX_PER 2\) rule out the agents offered {2}\[\d+\.\d s\]$/m,
    );
    const errors = six.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^error: deployment \S+ did not finish within 8 s \(\/spread: 2 instance\(s\) not placed: .*\); \/spread stays deployed and waits; to go on, ask for fewer instances \(minicluster scale \/spread N --force\), free what other apps hold \(minicluster apps remove OTHER\) or deploy a changed definition with --force$/,
    );
    const queued = (await marathon.queue()).find((q) => (q['app'] as Json)['id'] === '/spread');
    expect(queued?.['count']).toBe(2);
    expect((await marathon.app('/spread')).instances).toBe(6);
    expect(await spreadPerAgent()).toEqual([2, 2]);
  });

  it('constrained.json: the scale to 6 locks the app, naming its deployment; scaling back to 4 with --force settles it', {
    timeout: 60_000,
  }, async () => {
    const [locking] = (await marathon.deployments()).filter((d) => d.affectedApps.includes('/spread'));
    expect((await attempt('scale', 'spread', '4', '--timeout', '10')).stderr.trim()).toBe(
      `error: App is locked by one or more deployments. Override with --force. View details at '/v2/deployments/${locking?.id}'.`,
    );
    await cli('scale', 'spread', '4', '--force', '--timeout', '10');
    expect((await marathon.queue()).map((q) => (q['app'] as Json)['id'])).not.toContain('/spread');
    expect(await spreadPerAgent()).toEqual([2, 2]);
  });

  it('web-rolling.json: a new RELEASE rolls the 3 tasks over, never below 2 healthy', { timeout: 90_000 }, async () => {
    const old = running(await marathon.appTasks('/web/frontend')).map((t) => t.id);
    const release2 = join(home.dir, 'web-rolling-release-2.json');
    writeFileSync(
      release2,
      JSON.stringify({ ...JSON.parse(await readFile(example('web-rolling.json'), 'utf8')), env: { RELEASE: '2' } }),
    );

    const deploying = attempt('deploy', release2);
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
      ['/nginx', '1', '1'],
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
    expect(await agentContainers(workDirs)).toHaveLength(1 + 1 + 3); // nginx.json's, ubuntu.json's, web-rolling.json's
    expect(await cli('down')).toBe(`cluster ${CLUSTER} stopped`);
    expect(await agentContainers(workDirs)).toEqual([]);
  });
});
