// What `down --purge` stops once no agent is left: processes marked with one of the cluster's agent work dirs
// and checkpointed ones without the marker, each process group counted once; another cluster's stay.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Checkpoint } from '../../src/agent/checkpoint.js';
import { identify, markerEnvironment } from '../../src/agent/containerizers/process-table.js';
import { stopLeftoverTasks } from '../../src/cluster/leftover-tasks.js';
import { parseResourceText } from '../../src/master/core/resources.js';
import { FRAMEWORK } from '../helpers/agents.js';
import { waitUntil } from '../helpers/ensemble.js';
import { processGroupsUnder } from '../helpers/processes.js';

const root = mkdtempSync(join(tmpdir(), 'minicluster-leftovers-'));
const clusterDir = join(root, 'ours');
const otherDir = join(root, 'other');
const groups: number[] = [];

/** `sleep 1000` in a process group of its own, as an agent starts a task, working in `workDir`. */
function sleeper(workDir: string, env: Record<string, string>): number {
  mkdirSync(workDir, { recursive: true });
  const child = spawn('/bin/sh', ['-c', 'sleep 1000'], {
    cwd: workDir,
    env: { ...process.env, ...env },
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  groups.push(child.pid ?? 0);
  return child.pid ?? 0;
}

/** An agent checkpoint naming the process as a running task's (as an agent without the marker left it). */
async function checkpointProcess(workDir: string, pid: number): Promise<void> {
  const checkpoint = new Checkpoint(workDir);
  checkpoint.saveTask({
    framework: FRAMEWORK,
    info: {
      name: 'old',
      task_id: { value: 'old' },
      agent_id: { value: '' },
      resources: parseResourceText('cpus:0.1'),
      command: { value: 'sleep 1000' },
    },
    containerizer: 'mesos',
    containerId: 'c-old',
    sandbox: workDir,
    state: 'TASK_RUNNING',
    statuses: [],
    pending: [],
    handle: { type: 'mesos', pid, startTime: (await identify(pid))?.startTime ?? '' },
    kill: null,
  });
  checkpoint.close();
}

afterAll(() => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Stopped by the test already.
    }
  }
  rmSync(root, { recursive: true, force: true });
});

it('stops the marked and the checkpointed process groups of the cluster’s agents, and only those', async () => {
  const [agent1, agent2, foreign] = [
    join(clusterDir, 'agent-1'),
    join(clusterDir, 'agent-2'),
    join(otherDir, 'agent-1'),
  ];
  sleeper(agent1, markerEnvironment({ workDir: agent1, containerId: 'c1' }));
  sleeper(agent1, markerEnvironment({ workDir: agent1, containerId: 'c2' }));
  await checkpointProcess(agent2, sleeper(agent2, {}));
  sleeper(foreign, markerEnvironment({ workDir: foreign, containerId: 'c3' }));
  expect(processGroupsUnder(clusterDir).size).toBe(3);

  expect(await stopLeftoverTasks(clusterDir)).toEqual({ containers: 0, processGroups: 3 });
  await waitUntil('the cluster’s task processes to be gone', () => processGroupsUnder(clusterDir).size === 0);
  expect(processGroupsUnder(otherDir).size).toBe(1);
});
