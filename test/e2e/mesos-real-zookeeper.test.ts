// The same masters and agents against a real ZooKeeper 3.8 (`up --zk`): no ensemble of ours, masters
// contend and agents detect the leading master through it, tasks run and survive leader kills.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AgentClient, liveTasks } from '../../src/api/agent.js';
import { TaskFramework } from '../../src/api/task-framework.js';
import { isAlive } from '../../src/cluster/cluster-file.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { waitUntil } from '../helpers/ensemble.js';
import { describeWithRealZooKeeper, startRealZooKeeper, type RealZooKeeper } from '../helpers/real-zookeeper.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'on-real-zk';
const KILLS = 3;
const home = new CliHome();
let zookeeper: RealZooKeeper | null = null;

afterAll(async () => {
  await home.cleanup();
  await zookeeper?.stop();
}, 120_000);

function leader(s: ClusterStatus): string | undefined {
  const leading = s.masters.filter((m) => m.role === 'leading');
  return leading.length === 1 ? leading[0]?.name : undefined;
}

describeWithRealZooKeeper('masters and agents on a real ZooKeeper 3.8', () => {
  let first: ClusterStatus;

  beforeAll(async () => {
    zookeeper = await startRealZooKeeper({ members: 1, tickTimeMs: 250 });
    first = await home.up(CLUSTER, '--zk', `zk://${zookeeper?.connectString ?? ''}/mesos`);
  }, 120_000);

  it('starts no ensemble, one leading master and two registered agents, and the zk commands look at that ZooKeeper', async () => {
    expect(first.ensemble).toEqual([]);
    expect(first.zk).toBe(`zk://${zookeeper?.connectString ?? ''}/mesos`);
    expect(leader(first)).toBeDefined();
    expect(first.agents.map((a) => [a.name, a.registered, a.master])).toEqual([
      ['agent-1', true, leader(first)],
      ['agent-2', true, leader(first)],
    ]);
    expect((await home.ok('zk', 'ls', '/mesos', '--name', CLUSTER)).match(/json\.info_\d{10}/g)).toHaveLength(3);
  });

  it(`runs tasks, and keeps a long-running one across ${KILLS} leader kills`, { timeout: 120_000 }, async () => {
    const hi = await home.run('run', '--name', CLUSTER, '--', 'echo', 'hi');
    expect([hi.exitCode, hi.stdout]).toEqual([0, 'hi']);
    const framework = await TaskFramework.start({
      masters: first.masters.map((m) => m.url),
      name: 'e2e-real-zk',
      failoverTimeoutSeconds: 3600,
      subscribeTimeoutMs: 20_000,
    });
    const task = framework.launch({ name: 'sleeper', command: 'sleep 3600', cpus: 0.1, mem: 32 });
    await task.waitFor('TASK_RUNNING');
    const seenOnAgent = async (): Promise<[string, string, number] | undefined> => {
      const agent = first.agents.find((a) => a.id === task.agentId);
      const found = liveTasks(await new AgentClient(agent?.url ?? '').state()).find((t) => t.task.id === task.id);
      const running = found?.task.statuses.find((st) => st.state === 'TASK_RUNNING') as
        | { container_status?: { executor_pid?: number } }
        | undefined;
      return found === undefined
        ? undefined
        : [found.task.state, found.container, running?.container_status?.executor_pid ?? 0];
    };
    const before = await seenOnAgent();
    expect(before).toEqual(['TASK_RUNNING', expect.any(String), expect.any(Number)]);
    for (let kill = 1; kill <= KILLS; kill++) {
      const killed =
        /^killed (master-\d) \(leading/.exec(await home.ok('kill', 'leader', '--name', CLUSTER))?.[1] ?? '';
      await waitUntil(
        `a new leading master and both agents re-registered (kill ${kill})`,
        async () => {
          const s = await home.control(CLUSTER).status();
          const now = leader(s);
          return now !== undefined && now !== killed && s.agents.every((a) => a.registered && a.master === now);
        },
        30_000,
      );
      expect(await seenOnAgent()).toEqual(before);
      await home.ok('start', killed, '--name', CLUSTER);
    }
    expect(task.state).toBe('TASK_RUNNING');
    // A torn-down framework hears nothing more: the task's process going away is the proof.
    await framework.teardown();
    await waitUntil('the task process to end', () => !isAlive(before?.[2] ?? 0), 15_000);
  });
});
