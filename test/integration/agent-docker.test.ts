// An agent with the Docker containerizer on a real engine: busybox httpd on a 127.0.0.1 BRIDGE port, exit
// codes and logs, kill with grace, recovery of a running container after an abrupt kill, orphans removed.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LABELS } from '../../src/agent/containerizers/docker.js';
import { parseResourceText } from '../../src/master/core/resources.js';
import type { TaskInfo } from '../../src/master/core/v1.js';
import { startAgentRig, type AgentRig, type AgentWorker, type FakeMaster } from '../helpers/agents.js';
import { describeWithDocker, ensureTestImage, TEST_IMAGE, TEST_PAGE } from '../helpers/docker-image.js';
import { waitUntil } from '../helpers/ensemble.js';

const docker = new Docker();

function dockerTask(id: string, command: string, o: { hostPort?: number; forcePull?: boolean } = {}): TaskInfo {
  const ports = o.hostPort === undefined ? '' : `;ports:[${o.hostPort}-${o.hostPort}]`;
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: '' },
    resources: parseResourceText(`cpus:0.1;mem:32${ports}`),
    command: { value: command, shell: true },
    container: {
      type: 'DOCKER',
      docker: {
        image: TEST_IMAGE,
        network: 'BRIDGE',
        port_mappings: o.hostPort === undefined ? [] : [{ host_port: o.hostPort, container_port: 80, protocol: 'tcp' }],
        force_pull_image: o.forcePull === true,
      },
    },
  };
}

async function containersOf(workDir: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABELS.workDir}=${workDir}`] } });
}

async function containerOfTask(workDir: string, taskId: string): Promise<Docker.ContainerInfo> {
  const found = (await containersOf(workDir)).find((c) => c.Labels[LABELS.task] === taskId);
  if (found === undefined) throw new Error(`no container for ${taskId}`);
  return found;
}

async function httpGet(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url);
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

await describeWithDocker('agent with the Docker containerizer', () => {
  let rig: AgentRig;
  let master: FakeMaster;
  let agent: AgentWorker;

  beforeAll(async () => {
    await ensureTestImage();
    rig = await startAgentRig();
    ({ master, agent } = rig);
  });

  afterAll(async () => {
    await rig?.stop();
    if (agent !== undefined) {
      for (const c of await containersOf(agent.config.workDir)) await docker.getContainer(c.Id).remove({ force: true });
    }
  });

  it('serves HTTP from a BRIDGE port mapping on 127.0.0.1, in a labelled mesos-<id> container', async () => {
    master.runTask(dockerTask('web', 'httpd -f -v -p 80 -h /www', { hostPort: 31020 }));
    const running = await master.waitForState('web', 'TASK_RUNNING');
    expect(await waitUntil('httpd to answer', () => httpGet('http://127.0.0.1:31020/'))).toBe(TEST_PAGE);
    const container = await containerOfTask(agent.config.workDir, 'web');
    const containerId = (running.status.container_status as { container_id: { value: string } }).container_id.value;
    expect(container.Names).toEqual([`/mesos-${containerId}`]);
    expect(container.Labels[LABELS.agent]).toBe(agent.status?.agentId);
    expect(container.Ports).toEqual([expect.objectContaining({ IP: '127.0.0.1', PublicPort: 31020, PrivatePort: 80 })]);
  });

  it('copies container output into the sandbox and reports exit codes', async () => {
    master.runTask(dockerTask('hello', 'echo "hello $MESOS_TASK_ID from $MESOS_SANDBOX"; echo oops >&2'));
    master.runTask(dockerTask('exit2', 'exit 2'));
    const finished = await master.waitForState('hello', 'TASK_FINISHED');
    expect(finished.status.message).toBe('Container exited with status 0');
    expect((await master.waitForState('exit2', 'TASK_FAILED')).status.message).toBe('Container exited with status 2');
    const state = (await (await fetch(`${agent.url}/slave(1)/state`)).json()) as {
      frameworks: { completed_executors: { id: string; directory: string }[] }[];
    };
    const sandbox =
      state.frameworks.flatMap((f) => f.completed_executors).find((e) => e.id === 'hello')?.directory ?? '';
    expect(readFileSync(join(sandbox, 'stdout'), 'utf8')).toBe('hello hello from /mnt/mesos/sandbox\n');
    expect(readFileSync(join(sandbox, 'stderr'), 'utf8')).toBe('oops\n');
    await waitUntil('finished containers to be removed', async () =>
      (await containersOf(agent.config.workDir)).every((c) => c.Labels[LABELS.task] === 'web'),
    );
  });

  it('runs a task whose id holds colons, as Chronos task ids do, with its sandbox mounted', async () => {
    const id = 'ct:1700000000000:0:nightly:';
    master.runTask(dockerTask(id, 'echo "in $MESOS_SANDBOX" > $MESOS_SANDBOX/out'));
    expect((await master.waitForState(id, 'TASK_FINISHED')).status.message).toBe('Container exited with status 0');
  });

  it('fails a task whose forced pull fails', async () => {
    master.runTask(dockerTask('pull', 'true', { forcePull: true }));
    const failed = await master.waitForState('pull', 'TASK_FAILED', 60_000);
    expect(failed.status.reason).toBe('REASON_CONTAINER_LAUNCH_FAILED');
  });

  it('kills with docker stop and the grace period', async () => {
    master.runTask(dockerTask('stubborn', 'trap "" TERM; while true; do sleep 1; done'));
    await master.waitForState('stubborn', 'TASK_RUNNING');
    const started = Date.now();
    master.killTask('stubborn', { grace_period: { nanoseconds: 1e9 } });
    const killed = await master.waitForState('stubborn', 'TASK_KILLED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(killed.status.message).toBe('Container terminated with signal SIGKILL');
  });

  it('recovers a running container after an abrupt kill and removes unknown containers with its labels', async () => {
    const before = await containerOfTask(agent.config.workDir, 'web');
    await agent.kill();
    master.clear();
    const orphan = await docker.createContainer({
      name: `mesos-${randomUUID()}`,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '600'],
      Labels: { [LABELS.workDir]: agent.config.workDir, [LABELS.agent]: agent.status?.agentId ?? 'x' },
    });
    await orphan.start();
    await agent.start();
    const rereg = await master.waitFor('REREGISTER');
    expect(rereg.tasks.map((t) => [t.task_id.value, t.state])).toEqual([['web', 'TASK_RUNNING']]);
    const after = await containerOfTask(agent.config.workDir, 'web');
    expect(after.Id).toBe(before.Id);
    expect(after.State).toBe('running');
    expect(await httpGet('http://127.0.0.1:31020/')).toBe(TEST_PAGE);
    await waitUntil(
      'the orphan to be removed',
      async () => !(await containersOf(agent.config.workDir)).some((c) => c.Id === orphan.id),
    );
  });

  it('leaves no container behind once its tasks are killed', async () => {
    master.killTask('web', { grace_period: { nanoseconds: 0 } });
    await master.waitForState('web', 'TASK_KILLED');
    await waitUntil(
      'every container to be removed',
      async () => (await containersOf(agent.config.workDir)).length === 0,
    );
  });
});
