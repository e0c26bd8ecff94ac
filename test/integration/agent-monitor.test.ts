// An agent's /slave(1)/monitor/statistics with real figures, and its /slave(1)/state and log as Mesos's web
// UI reads them: a process task burning CPU in a child shows growing cpus_user_time_secs (summed over its
// process group), one holding 96 MiB shows mem_rss_bytes above 64 MiB, a sandbox file shows in
// disk_used_bytes; the same for a container from Docker's stats; JSONP and the .json alias answer; executors
// and tasks carry their role; `/slave/log` reads as the lines `minicluster logs` prints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, type ExecutorStatisticsJson } from '../../src/api/agent.js';
import { parseResourceText } from '../../src/master/core/resources.js';
import type { TaskInfo } from '../../src/master/core/v1.js';
import { startAgentRig, type AgentRig } from '../helpers/agents.js';
import { describeWithDocker, ensureTestImage, TEST_IMAGE } from '../helpers/docker-image.js';
import { waitUntil } from '../helpers/ensemble.js';

const MIB = 1024 * 1024;

function task(id: string, command: string, o: { docker?: boolean; resources?: string } = {}): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: '' },
    resources: parseResourceText(o.resources ?? 'cpus:0.5;mem:128;disk:16'),
    command: { value: command, shell: true },
    ...(o.docker === true ? { container: { type: 'DOCKER', docker: { image: TEST_IMAGE, network: 'HOST' } } } : {}),
  };
}

/** The task's entry of the agent's statistics once `check` accepts it. */
async function statisticsOf(
  agent: AgentClient,
  taskId: string,
  what: string,
  check: (s: ExecutorStatisticsJson['statistics']) => boolean,
): Promise<ExecutorStatisticsJson['statistics']> {
  return waitUntil(
    `${taskId}: ${what}`,
    async () => {
      const found = (await agent.statistics()).find((e) => e.executor_id === taskId)?.statistics;
      return found !== undefined && check(found) ? found : undefined;
    },
    30_000,
  );
}

/** Waits until the task's CPU time has grown by more than `secs` beyond its first measurement. */
async function cpuGrows(agent: AgentClient, taskId: string, secs: number): Promise<{ before: number; after: number }> {
  const first = await statisticsOf(agent, taskId, 'CPU time measured', (s) => s.cpus_user_time_secs !== undefined);
  const later = await statisticsOf(
    agent,
    taskId,
    `CPU time beyond ${first.cpus_user_time_secs} + ${secs} s`,
    (s) => (s.cpus_user_time_secs ?? 0) > (first.cpus_user_time_secs ?? 0) + secs,
  );
  return { before: first.cpus_user_time_secs ?? 0, after: later.cpus_user_time_secs ?? 0 };
}

describe('an agent measuring its process tasks', () => {
  let rig: AgentRig;
  let agent: AgentClient;

  beforeAll(async () => {
    rig = await startAgentRig({ containerizers: ['mesos'] });
    agent = new AgentClient(rig.agent.url);
    rig.master.runTask(task('burner', "head -c 1048576 /dev/zero > blob; sh -c 'while :; do :; done' & wait"));
    const hold = `globalThis.held = Buffer.alloc(96 * 1024 * 1024, 1); setInterval(() => {}, 1000);`;
    rig.master.runTask(task('holder', `exec "${process.execPath}" -e '${hold}'`));
    await rig.master.waitForState('burner', 'TASK_RUNNING');
    await rig.master.waitForState('holder', 'TASK_RUNNING');
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
  }, 60_000);

  it("shows the CPU time of a task's process group growing", { timeout: 60_000 }, async () => {
    const { before, after } = await cpuGrows(agent, 'burner', 0.3);
    expect(after).toBeGreaterThan(before);
  });

  it('shows the resident memory of a task holding 96 MiB, the limits and the sandbox size', {
    timeout: 60_000,
  }, async () => {
    const held = await statisticsOf(
      agent,
      'holder',
      'more than 64 MiB resident',
      (s) => (s.mem_rss_bytes ?? 0) > 64 * MIB,
    );
    expect(held).toMatchObject({ cpus_limit: 0.5, mem_limit_bytes: 128 * MIB, disk_limit_bytes: 16 * MIB });
    expect(held.timestamp).toBeGreaterThan(Date.now() / 1000 - 60);
    const burner = await statisticsOf(
      agent,
      'burner',
      'the 1 MiB blob on disk',
      (s) => (s.disk_used_bytes ?? 0) >= MIB,
    );
    expect(burner.cpus_system_time_secs).toBeGreaterThanOrEqual(0);
  });

  it("answers in Mesos's shape, as JSONP too and at the .json alias", { timeout: 30_000 }, async () => {
    const [entry] = (await agent.statistics()).filter((e) => e.executor_id === 'holder');
    expect(Object.keys(entry ?? {}).sort()).toEqual([
      'executor_id',
      'executor_name',
      'framework_id',
      'source',
      'statistics',
    ]);
    expect(entry).toMatchObject({ framework_id: 'fw-test', source: 'holder' });
    const jsonp = await fetch(`${rig.agent.url}/slave(1)/monitor/statistics?jsonp=angular.callbacks._7`);
    expect(jsonp.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await jsonp.text()).toMatch(/^angular\.callbacks\._7\(\[\{"executor_id":/);
    const alias = (await (await fetch(`${rig.agent.url}/monitor/statistics.json`)).json()) as unknown[];
    expect(alias.length).toBe(2);
  });

  it('writes the role of every executor and task, the build facts and log_dir in its state', async () => {
    const state = await agent.state();
    const executors = state.frameworks.flatMap((f) => f.executors);
    expect(executors.map((e) => [e.id, e.role, e.tasks[0]?.role]).sort()).toEqual([
      ['burner', '*', '*'],
      ['holder', '*', '*'],
    ]);
    expect(state.build_time).toBeGreaterThan(0);
    expect(state.build_date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(state.build_user).toMatch(/^minicluster \d+\.\d+\.\d+/);
    expect(state.log_dir).toBe(state.flags['log_dir']);
  });

  it('serves its log at /slave/log as readable lines', async () => {
    const read = (await (await fetch(`${rig.agent.url}/files/read?path=/slave/log&offset=0`)).json()) as {
      offset: number;
      data: string;
    };
    expect(read.offset).toBe(0);
    expect(read.data).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}INFO {3}Agent agent-1 started/m);
    expect(read.data).not.toContain('"level"');
    const debug = (await (await fetch(`${rig.agent.url}/files/debug`)).json()) as Record<string, string>;
    expect(debug['/slave/log']).toBe(rig.agent.config.logFile);
  });
});

await describeWithDocker('an agent measuring its containers', () => {
  let rig: AgentRig;
  let agent: AgentClient;

  beforeAll(async () => {
    await ensureTestImage();
    rig = await startAgentRig();
    agent = new AgentClient(rig.agent.url);
    rig.master.runTask(task('spinner', 'while :; do :; done', { docker: true }));
    await rig.master.waitForState('spinner', 'TASK_RUNNING', 60_000);
  }, 90_000);

  afterAll(async () => {
    await rig?.stop();
  }, 60_000);

  it("shows a container's CPU time growing and its resident memory, from Docker's stats", {
    timeout: 60_000,
  }, async () => {
    const { before, after } = await cpuGrows(agent, 'spinner', 0.3);
    expect(after).toBeGreaterThan(before);
    const stats = await statisticsOf(agent, 'spinner', 'resident memory', (s) => (s.mem_rss_bytes ?? 0) > 0);
    expect(stats).toMatchObject({ cpus_limit: 0.5, mem_limit_bytes: 128 * MIB });
  });
});
