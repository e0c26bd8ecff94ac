// What the agent's running tasks use, for /slave(1)/monitor/statistics: each containerizer's CPU and memory
// figures, and each sandbox's size on disk as du counts it (measured at most every DISK_USAGE_INTERVAL_MS).
// Polls that arrive while a measurement is under way share it.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorStatisticsJson } from '../api/agent.js';
import { DISK_USAGE_INTERVAL_MS } from '../common/limits.js';
import type { Containerizer } from './containerizers/containerizer.js';
import type { AgentView } from './core/agent.js';
import type { ContainerizerType } from './core/protocol.js';
import { monitoredTasks, monitorStatistics, type ContainerUsage } from './core/view.js';

/** Bytes du counts for a directory: the blocks of everything under it, links not followed, hard links once. */
export async function diskUsage(dir: string): Promise<number> {
  const linked = new Set<string>();
  const pending = [dir];
  let bytes = 0;
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const st = await lstat(path).catch(() => null);
    if (st === null) continue;
    if (st.nlink > 1 && !st.isDirectory()) {
      const inode = `${st.dev}:${st.ino}`;
      if (linked.has(inode)) continue;
      linked.add(inode);
    }
    bytes += st.blocks * 512;
    if (!st.isDirectory()) continue;
    for (const name of await readdir(path).catch(() => [])) pending.push(join(path, name));
  }
  return bytes;
}

export interface UsageMonitorOptions {
  containerizers: ReadonlyMap<ContainerizerType, Containerizer>;
  view(): AgentView;
}

export class UsageMonitor {
  private measuring: Promise<ExecutorStatisticsJson[]> | null = null;
  /** Sandbox → its size and when it was measured (ms). */
  private readonly sandboxes = new Map<string, { at: number; bytes: number }>();

  constructor(private readonly options: UsageMonitorOptions) {}

  statistics(): Promise<ExecutorStatisticsJson[]> {
    this.measuring ??= this.measure().finally(() => {
      this.measuring = null;
    });
    return this.measuring;
  }

  private async measure(): Promise<ExecutorStatisticsJson[]> {
    const tasks = monitoredTasks(this.options.view());
    const usage = new Map<string, ContainerUsage>();
    for (const [type, containerizer] of this.options.containerizers) {
      const measured = await containerizer.usage(tasks.filter((t) => t.containerizer === type));
      for (const [containerId, figures] of measured) usage.set(containerId, figures);
    }
    const live = new Set(tasks.map((t) => t.sandbox));
    for (const sandbox of this.sandboxes.keys()) if (!live.has(sandbox)) this.sandboxes.delete(sandbox);
    for (const task of tasks) {
      const figures = usage.get(task.containerId) ?? {};
      usage.set(task.containerId, { ...figures, disk_used_bytes: await this.sandboxSize(task.sandbox) });
    }
    return monitorStatistics(this.options.view(), usage, Date.now());
  }

  private async sandboxSize(sandbox: string): Promise<number> {
    const known = this.sandboxes.get(sandbox);
    if (known !== undefined && Date.now() - known.at < DISK_USAGE_INTERVAL_MS) return known.bytes;
    const bytes = await diskUsage(sandbox);
    this.sandboxes.set(sandbox, { at: Date.now(), bytes });
    return bytes;
  }
}
