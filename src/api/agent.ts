// Typed client of a Mesos agent's endpoints: `/slave(1)/state`, `/slave(1)/monitor/statistics` and
// `/files/read`, with which the CLI reads a task's sandbox files (whole, or followed, like the web UI's pailer).
import type { BuildInfo } from '../common/build-info.js';
import { MAX_FILES_READ_BYTES, MAX_SANDBOX_PRINT_BYTES } from '../common/limits.js';
import { MesosHttpError, type ResourcesJson, type TaskJson } from './mesos.js';

export interface AgentExecutorJson {
  id: string;
  /** Container id. */
  container: string;
  /** The sandbox. */
  directory: string;
  /** The role the executor's resources are allocated to. */
  role: string;
  tasks: TaskJson[];
  completed_tasks: TaskJson[];
}

export interface AgentFrameworkJson {
  id: string;
  name: string;
  executors: AgentExecutorJson[];
  completed_executors: AgentExecutorJson[];
}

export interface AgentStateJson extends BuildInfo {
  id: string;
  pid: string;
  hostname: string;
  resources: ResourcesJson;
  unreserved_resources_allocated: ResourcesJson;
  /** Where the agent's log is (Mesos writes it when --log_dir is set). */
  log_dir?: string;
  flags: Record<string, string>;
  frameworks: AgentFrameworkJson[];
}

/** Mesos's ResourceStatistics of one executor, as far as an agent measures them (Mesos's field order). */
export interface ResourceStatisticsJson {
  /** When the figures were taken, seconds since the epoch. */
  timestamp: number;
  cpus_user_time_secs?: number;
  cpus_system_time_secs?: number;
  cpus_limit: number;
  mem_limit_bytes: number;
  mem_rss_bytes?: number;
  disk_limit_bytes: number;
  disk_used_bytes?: number;
}

/** One running executor of `/slave(1)/monitor/statistics`. */
export interface ExecutorStatisticsJson {
  executor_id: string;
  executor_name: string;
  framework_id: string;
  source: string;
  statistics: ResourceStatisticsJson;
}

export type SandboxFile = 'stdout' | 'stderr';

/** Mesos's virtual path of a command task's sandbox file (its executor id is the task id). */
export function sandboxPath(frameworkId: string, taskId: string, file: SandboxFile): string {
  return `/frameworks/${frameworkId}/executors/${taskId}/runs/latest/${file}`;
}

/** The live (non-terminal) tasks of an agent state, with the container each runs in. */
export function liveTasks(state: AgentStateJson): { task: TaskJson; container: string }[] {
  return state.frameworks.flatMap((fw) =>
    fw.executors.flatMap((e) => e.tasks.map((task) => ({ task, container: e.container }))),
  );
}

export class AgentClient {
  /** `url`: `http://host:port` of the agent. */
  constructor(readonly url: string) {}

  state(options: { timeoutMs?: number } = {}): Promise<AgentStateJson> {
    return this.get('/slave(1)/state', {}, options.timeoutMs);
  }

  statistics(): Promise<ExecutorStatisticsJson[]> {
    return this.get('/slave(1)/monitor/statistics');
  }

  /** Up to MAX_FILES_READ_BYTES from `offset`; offset -1 answers the file's size with no data. */
  read(path: string, offset: number, length = MAX_FILES_READ_BYTES): Promise<{ offset: number; data: string }> {
    return this.get('/files/read', { path, offset, length });
  }

  /** A sandbox file from `from` (default: the newest MAX_SANDBOX_PRINT_BYTES) to its current end. */
  async readFrom(path: string, from?: number): Promise<{ text: string; end: number }> {
    const { offset: size } = await this.read(path, -1);
    let offset = from ?? Math.max(0, size - MAX_SANDBOX_PRINT_BYTES);
    let text = '';
    while (offset < size) {
      const chunk = await this.read(path, offset);
      if (chunk.data === '') break;
      text += chunk.data;
      offset += Buffer.byteLength(chunk.data, 'utf8');
    }
    return { text, end: offset };
  }

  private async get<T>(path: string, query: Record<string, string | number> = {}, timeoutMs?: number): Promise<T> {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    const search = params.size > 0 ? `?${params}` : '';
    const signal = timeoutMs === undefined ? null : AbortSignal.timeout(timeoutMs);
    const res = await fetch(`${this.url}${path}${search}`, { signal });
    if (!res.ok) throw new MesosHttpError(res.status, `${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
}
