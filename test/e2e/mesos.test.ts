// Masters and agents through the CLI end to end (temporary MINICLUSTER_HOME): up with 3 masters and
// 2 agents, `run` (process and Docker), long-running tasks on both agents across ten leader kills and
// an agent kill, and a `down` that leaves no container or task process behind.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, liveTasks } from '../../src/api/agent.js';
import { TaskFramework, type LaunchedTask, type TaskRequest } from '../../src/api/task-framework.js';
import { isAlive, readClusterFile } from '../../src/cluster/cluster-file.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { isTerminalState } from '../../src/master/core/v1.js';
import { DOCKER_SWITCH, ensureTestImage, probeDocker, TEST_PAGE } from '../helpers/docker-image.js';
import { required } from '../helpers/requirement.js';
import { waitUntil } from '../helpers/ensemble.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'mesos';
const KILLS = 10;
const WORK_DIR_LABEL = 'minicluster.work_dir';
const home = new CliHome();
const docker = await probeDocker();
const REQUIRED = required(DOCKER_SWITCH);
const withDocker = docker.ok || REQUIRED ? it : it.skip;
const dockerNote = docker.ok
  ? ''
  : ` (skipped: no Docker engine is reachable: ${docker.reason}; MINICLUSTER_REQUIRE_DOCKER=1 makes this fail instead)`;

afterAll(() => home.cleanup(), 120_000);

function leading(s: ClusterStatus): string[] {
  return s.masters.filter((m) => m.role === 'leading').map((m) => m.name);
}

/** One master leads (not `not`), and every running agent is registered with it. */
function settled(s: ClusterStatus, not?: string): boolean {
  const [leader, ...others] = leading(s);
  return (
    leader !== undefined &&
    others.length === 0 &&
    leader !== not &&
    s.agents.every((a) => a.state !== 'running' || (a.registered && a.master === leader))
  );
}

/** What identifies a running task's container: Mesos container id and the pid the agent runs it as. */
async function runningTasks(s: ClusterStatus): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (const agent of s.agents.filter((a) => a.state === 'running')) {
    for (const { task, container } of liveTasks(await new AgentClient(agent.url).state())) {
      const running = task.statuses.find((st) => st.state === 'TASK_RUNNING') as
        | { container_status?: { executor_pid?: number } }
        | undefined;
      seen.set(
        task.id,
        `${task.state} ${agent.name} ${container} pid ${running?.container_status?.executor_pid ?? '?'}`,
      );
    }
  }
  return seen;
}

async function ourContainers(s: ClusterStatus): Promise<string[]> {
  const file = readClusterFile(home.paths(s.name));
  const workDirs = file?.agents.map((a) => a.workDir) ?? [];
  const listed = await new Docker().listContainers({ all: true, filters: { label: [WORK_DIR_LABEL] } });
  return listed.filter((c) => workDirs.includes(c.Labels[WORK_DIR_LABEL] ?? '')).map((c) => c.Id);
}

describe('masters and agents', () => {
  let first: ClusterStatus;

  beforeAll(async () => {
    if (!docker.ok && REQUIRED)
      throw new Error(`${DOCKER_SWITCH}=1 but no Docker engine is reachable: ${docker.reason}`);
    if (docker.ok) await ensureTestImage();
    first = await home.up(CLUSTER);
  }, 120_000);

  it('starts three masters, one of them leading, and two agents registered with it', () => {
    expect(first.masters.map((m) => m.name)).toEqual(['master-1', 'master-2', 'master-3']);
    expect(leading(first)).toHaveLength(1);
    expect(first.masters.every((m) => m.state === 'running' && m.url.startsWith('http://127.0.0.1:'))).toBe(true);
    expect(first.agents.map((a) => [a.name, a.registered, a.master, a.portRange])).toEqual([
      ['agent-1', true, leading(first)[0], { begin: 31000, end: 31499 }],
      ['agent-2', true, leading(first)[0], { begin: 31500, end: 31999 }],
    ]);
    for (const agent of first.agents) {
      expect(agent.id).toMatch(/^[0-9a-f-]{36}-S\d+$/);
      expect(agent.resources?.ports).toBe(`[${agent.portRange.begin}-${agent.portRange.end}]`);
      expect(agent.resources?.cpus).toBeGreaterThan(0);
      expect(agent.tasks).toBe(0);
    }
  });

  it('runs one-off tasks and exits with their status', { timeout: 60_000 }, async () => {
    const hi = await home.run('run', '--name', CLUSTER, '--', 'echo', 'hi');
    expect([hi.exitCode, hi.stdout]).toEqual([0, 'hi']);
    expect(hi.stderr).toMatch(/Received status update TASK_RUNNING for task 'run' on agent-\d/);
    expect(hi.stderr).toMatch(/TASK_FINISHED .*\(Command exited with status 0\)/);
    const three = await home.run('run', '--name', CLUSTER, '--name-task', 'three', '--', 'echo oops >&2; exit 3');
    expect([three.exitCode, three.stdout]).toEqual([3, '']);
    expect(three.stderr).toMatch(/TASK_FAILED for task 'three' .*\(Command exited with status 3\)\noops$/);
    const logs = await home.run('logs', 'three', '--name', CLUSTER);
    expect([logs.exitCode, logs.stderr]).toEqual([0, 'oops']);
    expect(await home.ok('logs', 'master-1', '--name', CLUSTER)).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} {2}INFO {3}Master .* started on 127\.0\.0\.1:\d+$/m,
    );
  });

  withDocker(`runs a one-off task in a Docker container${dockerNote}`, { timeout: 60_000 }, async () => {
    const image = await ensureTestImage();
    const result = await home.run(
      'run',
      '--name',
      CLUSTER,
      '--docker-image',
      image,
      '--',
      'echo in a container; exit 5',
    );
    expect([result.exitCode, result.stdout]).toEqual([5, 'in a container']);
    expect(result.stderr).toContain('(Container exited with status 5)');
  });

  it(`keeps tasks running, untouched, across ${KILLS} leader kills and an agent kill${docker.ok ? '' : ' (process tasks only: no Docker engine)'}`, {
    timeout: 150_000,
  }, async () => {
    const framework = await TaskFramework.start({
      masters: first.masters.map((m) => m.url),
      name: 'e2e-long',
      failoverTimeoutSeconds: 3600,
      subscribeTimeoutMs: 20_000,
    });
    const requests: TaskRequest[] = first.agents.flatMap((agent) => [
      { name: `sleeper-${agent.name}`, command: 'sleep 3600', cpus: 0.1, mem: 32, agentId: agent.id ?? '' },
      ...(docker.ok
        ? [
            {
              name: `web-${agent.name}`,
              command: 'httpd -f -p 80 -h /www',
              cpus: 0.1,
              mem: 32,
              ports: 1,
              docker: { image: 'minicluster-test/busybox:latest', network: 'BRIDGE' as const, containerPorts: [80] },
              agentId: agent.id ?? '',
            },
          ]
        : []),
    ]);
    const tasks: LaunchedTask[] = requests.map((r) => framework.launch(r));
    await Promise.all(tasks.map((t) => t.waitFor('TASK_RUNNING')));
    const before = await runningTasks(first);
    expect([...before.keys()].sort()).toEqual(tasks.map((t) => t.id).sort());
    const containers = docker.ok ? await ourContainers(first) : [];
    expect(containers).toHaveLength(docker.ok ? 2 : 0);
    const serve = async (): Promise<void> => {
      for (const t of tasks.filter((x) => x.request.docker !== undefined))
        expect(await (await fetch(`http://127.0.0.1:${t.ports[0]}/`)).text()).toBe(TEST_PAGE);
    };
    await serve();

    for (let kill = 1; kill <= KILLS; kill++) {
      const thread = `thread of supervisor ${first.supervisorPid}`;
      const killed =
        new RegExp(`^killed (master-\\d) \\(leading, ${thread}\\) at `).exec(
          await home.ok('kill', 'leader', '--name', CLUSTER),
        )?.[1] ?? '';
      expect(killed).not.toBe('');
      await waitUntil(
        `a new leading master after kill ${kill}, with both agents re-registered`,
        async () => settled(await home.control(CLUSTER).status(), killed),
        20_000,
      );
      expect(await runningTasks(first)).toEqual(before);
      expect(await home.ok('start', 'leader', '--name', CLUSTER)).toBe(
        `started ${killed}, which was the leading master (${thread})`,
      );
    }
    await serve();
    const failovers = (await home.ok('events', '--name', CLUSTER))
      .split('\n')
      .filter((l) =>
        / lost \(killed\) → master-\d leading after \d+\.\d s → 2\/2 agents re-registered after \d+\.\d s; \d+ tasks? kept running$/.test(
          l,
        ),
      );
    expect(failovers).toHaveLength(KILLS);

    expect(await home.ok('kill', 'agent-1', '--name', CLUSTER)).toMatch(
      /^killed agent-1 \(thread of supervisor \d+\) at /,
    );
    await home.ok('start', 'agent-1', '--name', CLUSTER);
    const back = await waitUntil(
      'agent-1 re-registered',
      async () => {
        const s = await home.control(CLUSTER).status();
        return settled(s) && s.agents[0]?.state === 'running' && s;
      },
      20_000,
    );
    expect(back.agents[0]?.id).toBe(first.agents[0]?.id);
    // Away longer than the demo health checks allow, agent-1's tasks may have been TASK_UNREACHABLE meanwhile.
    await waitUntil(
      'every task RUNNING again for the framework',
      () => tasks.every((t) => t.state === 'TASK_RUNNING'),
      10_000,
    );
    expect(await runningTasks(back)).toEqual(before);
    expect(back.agents.map((a) => a.tasks)).toEqual(docker.ok ? [2, 2] : [1, 1]);
    if (docker.ok) expect((await ourContainers(back)).sort()).toEqual([...containers].sort());
    await serve();
    expect(tasks.flatMap((t) => t.statuses.filter((s) => isTerminalState(s.state)))).toEqual([]);
    await framework.close();
  });

  it('stops every task, container and process on down, those of a killed agent too', { timeout: 60_000 }, async () => {
    const s = await home.control(CLUSTER).status();
    const pids = (await Promise.all(s.agents.map(async (a) => liveTasks(await new AgentClient(a.url).state()))))
      .flat()
      .map(({ task }) => {
        const running = task.statuses.find((st) => st.state === 'TASK_RUNNING') as
          | { container_status?: { executor_pid?: number } }
          | undefined;
        return running?.container_status?.executor_pid ?? 0;
      });
    expect(pids.filter((pid) => isAlive(pid))).toHaveLength(docker.ok ? 4 : 2);
    await home.ok('kill', 'agent-2', '--name', CLUSTER);
    expect(await home.ok('down', '--name', CLUSTER)).toBe(`cluster ${CLUSTER} stopped`);
    expect(isAlive(s.supervisorPid)).toBe(false);
    for (const pid of [...pids, ...s.ensemble.map((m) => m.pid ?? 0)])
      expect(isAlive(pid), `pid ${pid} still running`).toBe(false);
    if (docker.ok) expect(await ourContainers(s)).toEqual([]);
  });
});
