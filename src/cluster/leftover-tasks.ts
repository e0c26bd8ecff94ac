// The tasks a cluster's agents left running with no agent left to stop them (its supervisor killed, say), for
// `down --purge`: containers by their labels, processes by their marker and the agents' checkpoints; all killed.
import { existsSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { readCheckpoint } from '../agent/checkpoint.js';
import { dockerEngine, labelledContainers, removeContainer } from '../agent/containerizers/docker.js';
import { findMarkedProcesses, isRunning, killMarked, signalGroup } from '../agent/containerizers/process-table.js';
import type { ContainerHandle } from '../agent/core/protocol.js';

export interface StoppedTasks {
  /** Running containers stopped (containers that had ended are removed without being counted). */
  containers: number;
  processGroups: number;
}

type ProcessHandle = Extract<ContainerHandle, { type: 'mesos' }>;

/** Kills every task that the agents with a work dir in `clusterDir` started and that still runs. */
export async function stopLeftoverTasks(clusterDir: string): Promise<StoppedTasks> {
  const owned = (workDir: string): boolean => workDir.startsWith(`${clusterDir}${sep}`);
  return { containers: await stopContainers(owned), processGroups: await stopProcesses(clusterDir, owned) };
}

/** "stopped 2 containers and 3 process groups", or null when nothing was left running. */
export function describeStoppedTasks(stopped: StoppedTasks): string | null {
  const parts = [count(stopped.containers, 'container'), count(stopped.processGroups, 'process group')];
  const said = parts.filter((part) => part !== null);
  return said.length === 0 ? null : `stopped ${said.join(' and ')}`;
}

function count(n: number, noun: string): string | null {
  return n === 0 ? null : `${n} ${noun}${n === 1 ? '' : 's'}`;
}

async function stopContainers(owned: (workDir: string) => boolean): Promise<number> {
  const docker = await dockerEngine().catch(() => null);
  if (docker === null) return 0;
  const found = await labelledContainers(docker, owned);
  for (const container of found) await removeContainer(docker, container.Id);
  return found.filter((c) => c.State === 'running').length;
}

/** Marked processes, then checkpointed ones (a pid is a group: tasks run in a session of their own). */
async function stopProcesses(clusterDir: string, owned: (workDir: string) => boolean): Promise<number> {
  const groups = await killMarked(await findMarkedProcesses(owned));
  for (const handle of checkpointedProcesses(clusterDir)) {
    if (!(await isRunning(handle))) continue;
    signalGroup(handle.pid, 'SIGKILL');
    groups.add(handle.pid);
  }
  return groups.size;
}

/** The process handles in the checkpoints of the agents whose work dirs are in `clusterDir`. */
function checkpointedProcesses(clusterDir: string): ProcessHandle[] {
  if (!existsSync(clusterDir)) return [];
  const workDirs = readdirSync(clusterDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(clusterDir, entry.name));
  return workDirs
    .flatMap((workDir) => readCheckpoint(workDir)?.tasks ?? [])
    .flatMap((task) => (task.handle?.type === 'mesos' ? [task.handle] : []));
}
