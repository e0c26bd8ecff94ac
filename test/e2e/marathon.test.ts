// The Marathon-style scheduler through the CLI end to end (temporary MINICLUSTER_HOME, an image tagged
// `nginx` built locally): the tutorial's nginx.json reached on its host port and its service port,
// scaling, a leading-master kill and a scheduler kill with the same tasks kept, a rolling restart that
// never drops below minimumHealthCapacity, and a destroy that leaves no container behind.
import Docker from 'dockerode';
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MarathonClient, type AppInfoJson, type TaskJson } from '../../src/api/marathon.js';
import { readClusterFile } from '../../src/cluster/cluster-file.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { describeWithDocker, ensureNginxImage } from '../helpers/docker-image.js';
import { waitUntil } from '../helpers/ensemble.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'marathon';
const WORK_DIR_LABEL = 'minicluster.work_dir';
const home = new CliHome();

afterAll(() => home.cleanup(), 120_000);

const example = (name: string): string => join(REPO_ROOT, 'examples', name);

async function page(url: string): Promise<string> {
  return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();
}

function running(tasks: readonly TaskJson[]): string[] {
  return tasks
    .filter((t) => t.state === 'TASK_RUNNING')
    .map((t) => t.id)
    .sort();
}

async function ourContainers(s: ClusterStatus): Promise<string[]> {
  const workDirs = readClusterFile(home.paths(s.name))?.agents.map((a) => a.workDir) ?? [];
  const listed = await new Docker().listContainers({ filters: { label: [WORK_DIR_LABEL] } });
  return listed.filter((c) => workDirs.includes(c.Labels[WORK_DIR_LABEL] ?? '')).map((c) => c.Id);
}

/** One scheduler leads and is subscribed, and it is not `not`. */
function schedulerSettled(s: ClusterStatus, not?: string): boolean {
  const leaders = s.schedulers.filter((x) => x.role === 'leading' && x.state === 'running');
  return leaders.length === 1 && leaders[0]?.subscribed === true && leaders[0].name !== not;
}

await describeWithDocker('the Marathon-style scheduler end to end', () => {
  let status: ClusterStatus;
  let marathon: MarathonClient;
  let testPage: string | null;

  beforeAll(async () => {
    testPage = (await ensureNginxImage()).page;
    status = await home.up(CLUSTER, '--schedulers', '2');
    marathon = new MarathonClient(status.marathon ?? '');
  }, 120_000);

  /** Every task of the app answers on its host port, and the service port answers through the load balancer. */
  async function serves(app: AppInfoJson, count: number): Promise<void> {
    const tasks = (await marathon.appTasks(app.id)).filter((t) => t.state === 'TASK_RUNNING');
    expect(tasks).toHaveLength(count);
    for (const t of tasks) {
      const body = await page(`http://${t.host}:${t.ports[0] ?? 0}/`);
      if (testPage !== null) expect(body).toBe(testPage);
    }
    const servicePort =
      ((app['container'] as { portMappings?: { servicePort: number }[] }).portMappings ?? [])[0]?.servicePort ?? 0;
    expect(servicePort).toBeGreaterThanOrEqual(10_000);
    expect(servicePort).toBeLessThanOrEqual(20_000);
    const viaLb = await page(`http://127.0.0.1:${servicePort}/`);
    if (testPage !== null) expect(viaLb).toBe(testPage);
  }

  it('runs two schedulers, one leading and subscribed, the other standing by', () => {
    expect(status.schedulers.map((s) => s.name)).toEqual(['scheduler-1', 'scheduler-2']);
    expect(schedulerSettled(status)).toBe(true);
    expect(status.schedulers.filter((s) => s.role === 'standby')).toHaveLength(1);
  });

  it("deploys the tutorial's nginx.json and reaches it on its host port and its service port", {
    timeout: 90_000,
  }, async () => {
    const out = await home.ok('deploy', example('nginx.json'), '--name', CLUSTER, '--timeout', '60');
    expect(out).toMatch(
      /^\/nginx\s+nginx\.instance-[0-9a-f-]+\._app\.1\s+TASK_RUNNING\s+127\.0\.0\.1:3\d{4}\s+127\.0\.0\.1:1\d{4}$/m,
    );
    await waitUntil(
      'the load balancer follows the task',
      async () => (await marathon.app('/nginx')).tasksRunning === 1,
      10_000,
    );
    await serves(await marathon.app('/nginx'), 1);
  });

  it('scales to 3 and keeps the same 3 serving when the leading master is killed', { timeout: 90_000 }, async () => {
    await home.ok('scale', 'nginx', '3', '--name', CLUSTER, '--timeout', '60');
    const before = running(await marathon.appTasks('/nginx'));
    expect(before).toHaveLength(3);
    expect(await home.ok('kill', 'leader', '--name', CLUSTER)).toMatch(/^killed master-\d \(leading/);
    await waitUntil(
      'a new leading master with the scheduler subscribed again',
      async () => {
        const s = await home.control(CLUSTER).status();
        return s.masters.filter((m) => m.role === 'leading').length === 1 && schedulerSettled(s);
      },
      30_000,
    );
    await waitUntil(
      'the same 3 tasks running',
      async () => running(await marathon.appTasks('/nginx')).join() === before.join(),
      15_000,
    );
    await serves(await marathon.app('/nginx'), 3);
  });

  it('keeps exactly the same 3 tasks when the leading scheduler is killed and started again', {
    timeout: 90_000,
  }, async () => {
    const before = running(await marathon.appTasks('/nginx'));
    const killed = /^killed (scheduler-\d) /.exec(await home.ok('kill', 'scheduler', '--name', CLUSTER))?.[1] ?? '';
    expect(killed).not.toBe('');
    const after = await waitUntil(
      'the standby scheduler leading and subscribed',
      async () => {
        const s = await home.control(CLUSTER).status();
        return schedulerSettled(s, killed) && s;
      },
      30_000,
    );
    const standby = new MarathonClient(after.marathon ?? '');
    await waitUntil(
      'the new leader reconciled',
      async () => running(await standby.appTasks('/nginx')).join() === before.join(),
      15_000,
    );
    await home.ok('start', killed, '--name', CLUSTER);
    const viaRestarted = new MarathonClient(after.schedulers.find((s) => s.name === killed)?.url ?? '');
    await waitUntil(
      `${killed} back as a standby that knows the leader`,
      async () => {
        const s = await home.control(CLUSTER).status();
        const back = s.schedulers.some((x) => x.name === killed && x.state === 'running' && x.role === 'standby');
        return back && (await viaRestarted.leader().catch(() => null)) !== null;
      },
      30_000,
    );
    expect(running(await standby.appTasks('/nginx'))).toEqual(before);
    expect(running(await viaRestarted.appTasks('/nginx'))).toEqual(before);
    marathon = standby;
  });

  it('restarts an app with health checks without dropping below minimumHealthCapacity', {
    timeout: 120_000,
  }, async () => {
    const app = {
      id: '/web',
      container: { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [{ containerPort: 80, hostPort: 0 }] },
      networks: [{ mode: 'container/bridge' }],
      instances: 3,
      cpus: 0.1,
      mem: 32,
      healthChecks: [
        { protocol: 'HTTP', path: '/', portIndex: 0, gracePeriodSeconds: 30, intervalSeconds: 1, timeoutSeconds: 1 },
      ],
      upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
    };
    const deployed = await execa(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'run.js'), 'deploy', '-', '--name', CLUSTER, '--timeout', '60'],
      {
        input: JSON.stringify(app),
        env: { MINICLUSTER_HOME: home.dir },
        reject: false,
      },
    );
    expect(deployed.exitCode, deployed.stderr).toBe(0);
    await waitUntil('3 healthy', async () => (await marathon.app('/web')).tasksHealthy === 3, 30_000);
    const old = running(await marathon.appTasks('/web'));
    const restart = home.run('apps', 'restart', '/web', '--name', CLUSTER, '--timeout', '90');
    let lowest = 3;
    for (let done = false; !done; ) {
      const info = await marathon.app('/web');
      lowest = Math.min(lowest, info.tasksHealthy ?? 0);
      done =
        (info.deployments ?? []).length === 0 && (await marathon.appTasks('/web')).every((t) => !old.includes(t.id));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await restart).exitCode).toBe(0);
    expect(lowest).toBeGreaterThanOrEqual(Math.ceil(3 * 0.5));
    const fresh = running(await marathon.appTasks('/web'));
    expect(fresh).toHaveLength(3);
    expect(fresh.filter((id) => old.includes(id))).toEqual([]);
  });

  it('destroys the apps and leaves no container behind', { timeout: 90_000 }, async () => {
    await home.ok('apps', 'remove', 'nginx', '--name', CLUSTER);
    await home.ok('apps', 'remove', 'web', '--name', CLUSTER);
    expect(await marathon.apps()).toEqual([]);
    await waitUntil(
      'no container of this cluster left',
      async () => (await ourContainers(status)).length === 0,
      30_000,
    );
  });
});
