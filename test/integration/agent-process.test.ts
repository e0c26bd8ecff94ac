// An agent (worker thread) with the process containerizer against a fake master found through an ensemble:
// exit codes, kills with grace, recovery, master change, sandbox files refusing `..` and symlink escapes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResourceText } from '../../src/master/core/resources.js';
import type { TaskInfo } from '../../src/master/core/v1.js';
import { FakeMaster, startAgentRig, type AgentRig, type AgentWorker } from '../helpers/agents.js';
import { waitUntil } from '../helpers/ensemble.js';

function shellTask(id: string, command: string, over: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: '' },
    resources: parseResourceText('cpus:0.1;mem:32;ports:[31010-31011]'),
    command: { value: command, shell: true, environment: { variables: [{ name: 'GREETING', value: 'hi' }] } },
    ...over,
  };
}

interface ExecutorJson {
  id: string;
  directory: string;
}

async function sandboxOf(agent: AgentWorker, taskId: string): Promise<string> {
  const state = (await (await fetch(`${agent.url}/slave(1)/state`)).json()) as {
    frameworks: { executors: ExecutorJson[]; completed_executors: ExecutorJson[] }[];
  };
  const executors = state.frameworks.flatMap((f) => [...f.executors, ...f.completed_executors]);
  const found = executors.find((e) => e.id === taskId);
  if (found === undefined) throw new Error(`no executor for ${taskId}`);
  return found.directory;
}

describe('agent with the process containerizer', () => {
  let rig: AgentRig;
  let master: FakeMaster;
  let agent: AgentWorker;

  beforeAll(async () => {
    rig = await startAgentRig({ containerizers: ['mesos'] });
    ({ master, agent } = rig);
  });

  afterAll(async () => {
    await rig?.stop();
  });

  it('registers with the leading master it finds in ZooKeeper, with its resources', async () => {
    const register = await master.waitFor('REGISTER');
    expect(register.agent.resources.map((r) => r.name).sort()).toEqual(['cpus', 'disk', 'mem', 'ports']);
    expect(agent.status?.agentId).toBe(`${master.id}-S0`);
  });

  it('runs a command in its sandbox with the task environment: STARTING → RUNNING → FINISHED', async () => {
    master.runTask(shellTask('echo', 'echo "$GREETING $MESOS_TASK_ID $PORT0 $PORTS"; echo oops >&2'));
    const finished = await master.waitForState('echo', 'TASK_FINISHED');
    expect(master.statesOf('echo')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    expect(finished.status.message).toBe('Command exited with status 0');
    const sandbox = await sandboxOf(agent, 'echo');
    expect(readFileSync(join(sandbox, 'stdout'), 'utf8')).toBe('hi echo 31010 31010,31011\n');
    expect(readFileSync(join(sandbox, 'stderr'), 'utf8')).toBe('oops\n');
  });

  it('reports a non-zero exit as TASK_FAILED', async () => {
    master.runTask(shellTask('fail', 'exit 3'));
    const failed = await master.waitForState('fail', 'TASK_FAILED');
    expect(failed.status.message).toBe('Command exited with status 3');
  });

  it('fails DOCKER tasks when it offers no Docker', async () => {
    master.runTask(shellTask('docker', 'true', { container: { type: 'DOCKER', docker: { image: 'busybox' } } }));
    const failed = await master.waitForState('docker', 'TASK_FAILED');
    expect(failed.status).toMatchObject({ reason: 'REASON_CONTAINER_LAUNCH_FAILED', source: 'SOURCE_AGENT' });
  });

  it('kills with TERM, then KILL once the grace period is over', async () => {
    master.runTask(shellTask('stubborn', 'trap "" TERM; echo ready; while true; do sleep 1; done'));
    await master.waitForState('stubborn', 'TASK_RUNNING');
    const started = Date.now();
    master.killTask('stubborn', { grace_period: { nanoseconds: 600e6 } });
    const killed = await master.waitForState('stubborn', 'TASK_KILLED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(killed.status.message).toBe('Command terminated with signal SIGKILL');

    master.runTask(shellTask('polite', 'sleep 30'));
    await master.waitForState('polite', 'TASK_RUNNING');
    master.killTask('polite');
    expect((await master.waitForState('polite', 'TASK_KILLED')).status.message).toBe(
      'Command terminated with signal SIGTERM',
    );
  });

  it('retries an unacknowledged update until it is acknowledged, in order per task', async () => {
    master.autoAck = false;
    master.clear();
    master.runTask(shellTask('retry', 'true'));
    await master.waitForState('retry', 'TASK_STARTING');
    await waitUntil('the unacknowledged update to be sent again', () => master.statesOf('retry').length === 2);
    expect(master.statesOf('retry')).toEqual(['TASK_STARTING', 'TASK_STARTING']);
    expect(master.updates.at(-1)?.latest_state).toBe('TASK_FINISHED');
    master.autoAck = true;
    const first = master.updates[0];
    if (first !== undefined) master.acknowledge(first);
    await master.waitForState('retry', 'TASK_FINISHED');
    expect([...new Set(master.statesOf('retry'))]).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  });

  it('recovers after an abrupt kill: running tasks are re-registered, ended ones reported, kills still work', async () => {
    master.runTask(shellTask('long', 'sleep 60'));
    master.runTask(shellTask('short', 'sleep 1; exit 4'));
    await master.waitForState('long', 'TASK_RUNNING');
    await master.waitForState('short', 'TASK_RUNNING');
    await agent.kill();
    master.clear();
    // 'short' ends (exit 4) while the agent is down.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await agent.start();
    const rereg = await master.waitFor('REREGISTER');
    expect(rereg.agent.id?.value).toBe(`${master.id}-S0`);
    expect(rereg.tasks.map((t) => [t.task_id.value, t.state]).sort()).toEqual([
      ['long', 'TASK_RUNNING'],
      ['short', 'TASK_FAILED'],
    ]);
    expect((await master.waitForState('short', 'TASK_FAILED')).status.message).toBe('Command exited with status 4');
    master.killTask('long');
    await master.waitForState('long', 'TASK_KILLED');
  });

  it('serves sandbox files and refuses `..`, symlinks out of the sandbox and other absolute paths', async () => {
    master.runTask(
      shellTask('files', 'printf "0123456789" > data.txt; ln -s /etc/hostname leak; mkdir sub; echo done'),
    );
    await master.waitForState('files', 'TASK_FINISHED');
    const sandbox = await sandboxOf(agent, 'files');
    const get = (endpoint: string, path: string, extra = ''): Promise<Response> =>
      fetch(`${agent.url}/files/${endpoint}?path=${encodeURIComponent(path)}${extra}`);

    const listing = (await (await get('browse', sandbox)).json()) as { path: string; mode: string }[];
    expect(listing.map((f) => f.path)).toEqual(
      ['data.txt', 'leak', 'stderr', 'stdout', 'sub'].map((n) => `${sandbox}/${n}`),
    );
    expect(listing.find((f) => f.path.endsWith('/sub'))?.mode).toMatch(/^d/);

    expect(await (await get('read', `${sandbox}/data.txt`, '&offset=2&length=3')).json()).toEqual({
      offset: 2,
      data: '234',
    });
    expect(await (await get('read', `${sandbox}/data.txt`)).json()).toEqual({ offset: 10, data: '' });
    const virtual = `/frameworks/fw-test/executors/files/runs/latest/data.txt`;
    expect(await (await get('read', virtual, '&offset=0')).json()).toEqual({ offset: 0, data: '0123456789' });
    const download = await get('download', `${sandbox}/data.txt`);
    expect(download.headers.get('content-disposition')).toContain('data.txt');
    expect(await download.text()).toBe('0123456789');

    expect((await get('read', `${sandbox}/../../../../../../../../etc/hostname`, '&offset=0')).status).toBe(403);
    expect((await get('read', `${sandbox}/sub/../data.txt`, '&offset=0')).status).toBe(403);
    expect((await get('read', `${sandbox}/leak`, '&offset=0')).status).toBe(403);
    expect((await get('read', '/etc/hostname', '&offset=0')).status).toBe(404);
    expect((await get('read', `${sandbox}/missing`, '&offset=0')).status).toBe(404);
    expect((await get('read', `${sandbox}/sub`, '&offset=0')).status).toBe(400);
    expect((await get('read', `${sandbox}/data.txt`, '&offset=-5')).status).toBe(400);
  });

  it('re-registers with its running tasks when the leading master changes', async () => {
    master.runTask(shellTask('survivor', 'sleep 60'));
    await master.waitForState('survivor', 'TASK_RUNNING');
    const next = await FakeMaster.start({ servers: rig.ensemble.connectString });
    await master.stop();
    master = next;
    const rereg = await master.waitFor('REREGISTER');
    expect(rereg.tasks.map((t) => [t.task_id.value, t.state])).toEqual([['survivor', 'TASK_RUNNING']]);
    await waitUntil(
      'the agent to re-register',
      () => agent.status?.registered === true && agent.status.master?.endsWith(`:${next.port}`),
    );
    master.killTask('survivor');
    await master.waitForState('survivor', 'TASK_KILLED');
  });

  it('serves its state, health and metrics', async () => {
    expect((await fetch(`${agent.url}/slave(1)/health`)).status).toBe(200);
    const state = (await (await fetch(`${agent.url}/state`)).json()) as {
      id: string;
      resources: Record<string, unknown>;
    };
    expect(state.id).toBe(agent.status?.agentId);
    expect(state.resources['ports']).toBe('[31000-31499]');
    const metrics = (await (await fetch(`${agent.url}/metrics/snapshot`)).json()) as Record<string, number>;
    expect(metrics['slave/registered']).toBe(1);
    expect(metrics['slave/tasks_finished']).toBeGreaterThanOrEqual(1);
  });
});
