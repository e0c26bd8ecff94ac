// Mesos-level health checks on a real agent (worker thread): with the process containerizer a COMMAND
// check in the task's sandbox and environment that turns unhealthy and gets the task killed, and a TCP
// check; with Docker (when an engine answers) an HTTP check at a BRIDGE container port and `docker exec`.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusUpdate } from '../../src/master/core/protocol.js';
import { parseResourceText } from '../../src/master/core/resources.js';
import type { TaskInfo } from '../../src/master/core/v1.js';
import { startAgentRig, type AgentRig } from '../helpers/agents.js';
import { describeWithDocker, ensureTestImage, TEST_IMAGE } from '../helpers/docker-image.js';
import { waitUntil } from '../helpers/ensemble.js';

const FAST = { delay_seconds: 0, interval_seconds: 0.2, timeout_seconds: 2, grace_period_seconds: 0 };

function task(id: string, command: string, healthCheck: Record<string, unknown>, ports: string): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: '' },
    resources: parseResourceText(`cpus:0.1;mem:32;ports:[${ports}]`),
    command: { value: command, shell: true },
    health_check: healthCheck,
  };
}

const updatesOf = (rig: AgentRig, id: string): StatusUpdate['status'][] =>
  rig.master.updates.filter((u) => u.status.task_id.value === id).map((u) => u.status);

describe('agent health checks', () => {
  let rig: AgentRig;

  beforeAll(async () => {
    rig = await startAgentRig({ containerizers: ['mesos'] });
  });

  afterAll(async () => {
    await rig?.stop();
  });

  async function sandboxOf(taskId: string): Promise<string> {
    const state = (await (await fetch(`${rig.agent.url}/slave(1)/state`)).json()) as {
      frameworks: { executors: { id: string; directory: string }[] }[];
    };
    const found = state.frameworks.flatMap((f) => f.executors).find((e) => e.id === taskId);
    if (found === undefined) throw new Error(`no executor for ${taskId}`);
    return found.directory;
  }

  it('COMMAND: healthy in the task environment, then unhealthy, then killed after consecutive_failures', async () => {
    const check = {
      type: 'COMMAND',
      command: { value: 'test "$MESOS_TASK_ID:$PORT0" = "cmd:31020" && test -f healthy' },
      consecutive_failures: 2,
      ...FAST,
    };
    rig.master.runTask(task('cmd', 'touch healthy && exec sleep 1000', check, '31020-31020'));
    await waitUntil('a healthy update', () => updatesOf(rig, 'cmd').find((s) => s.healthy === true));
    rmSync(join(await sandboxOf('cmd'), 'healthy'));
    const killed = await rig.master.waitForState('cmd', 'TASK_KILLED');
    expect(killed.status.healthy).toBe(false);
    const health = updatesOf(rig, 'cmd').map((s) => [s.state, s.healthy]);
    expect(health).toEqual([
      ['TASK_STARTING', undefined],
      ['TASK_RUNNING', undefined],
      ['TASK_RUNNING', true],
      ['TASK_RUNNING', false],
      // the second failure: consecutive_failures reached, reported before the kill as Mesos's executors do
      ['TASK_RUNNING', false],
      ['TASK_KILLED', false],
    ]);
    expect(updatesOf(rig, 'cmd')[3]).toMatchObject({
      reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED',
      message: 'Command exited with status 1',
    });
  });

  it('TCP: healthy once the task listens on its port', async () => {
    const server = `exec ${JSON.stringify(process.execPath)} -e "require('net').createServer((s) => s.end()).listen(Number(process.env.PORT0), '127.0.0.1')"`;
    rig.master.runTask(
      task(
        'tcp',
        server,
        { type: 'TCP', tcp: { port: 31030 }, consecutive_failures: 3, ...FAST, grace_period_seconds: 30 },
        '31030-31030',
      ),
    );
    await waitUntil('a healthy update', () => updatesOf(rig, 'tcp').find((s) => s.healthy === true));
    expect(updatesOf(rig, 'tcp').map((s) => s.healthy)).toEqual([undefined, undefined, true]);
    rig.master.killTask('tcp');
    const killed = await rig.master.waitForState('tcp', 'TASK_KILLED');
    expect(killed.status.healthy).toBeUndefined();
  });
});

await describeWithDocker('agent health checks of Docker tasks', () => {
  let rig: AgentRig;

  beforeAll(async () => {
    await ensureTestImage();
    rig = await startAgentRig({ containerizers: ['docker'] });
  });

  afterAll(async () => {
    await rig?.stop();
  });

  function dockerTask(id: string, command: string, healthCheck: Record<string, unknown>, hostPort?: number): TaskInfo {
    return {
      ...task(id, command, healthCheck, hostPort === undefined ? '31099-31099' : `${hostPort}-${hostPort}`),
      container: {
        type: 'DOCKER',
        docker: {
          image: TEST_IMAGE,
          network: 'BRIDGE',
          port_mappings: hostPort === undefined ? [] : [{ host_port: hostPort, container_port: 80, protocol: 'tcp' }],
        },
      },
    };
  }

  it('HTTP at a BRIDGE container port goes to its mapped host port', async () => {
    rig.master.runTask(
      dockerTask(
        'dhttp',
        'httpd -f -p 80 -h /www',
        {
          type: 'HTTP',
          http: { port: 80, path: '/', scheme: 'http' },
          consecutive_failures: 3,
          ...FAST,
          grace_period_seconds: 30,
        },
        31040,
      ),
    );
    await waitUntil('a healthy update', () => updatesOf(rig, 'dhttp').find((s) => s.healthy === true), 30_000);
  });

  it('COMMAND runs inside the container with its environment', async () => {
    const check = {
      type: 'COMMAND',
      command: { value: 'test "$MESOS_TASK_ID" = dcmd && test -d /www' },
      consecutive_failures: 3,
      ...FAST,
    };
    rig.master.runTask(dockerTask('dcmd', 'sleep 1000', check));
    await waitUntil('a healthy update', () => updatesOf(rig, 'dcmd').find((s) => s.healthy === true), 30_000);
    expect(updatesOf(rig, 'dcmd').some((s) => s.healthy === false)).toBe(false);
  });
});
