// The `docker` containerizer (dockerode): TaskInfo → a labelled `mesos-<id>` container as Mesos maps it, logs
// copied into the sandbox, exit codes from wait, stop with grace, recovery and orphans by label (`down --purge` too),
// usage from the engine's stats.
import { once } from 'node:events';
import { createWriteStream, mkdirSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import pLimit from 'p-limit';
import { withTimeout } from '../../common/clock.js';
import { errorMessage } from '../../common/errors.js';
import {
  DOCKER_LOG_DRAIN_TIMEOUT_MS,
  DOCKER_PING_TIMEOUT_MS,
  DOCKER_PULL_PROGRESS_INTERVAL_MS,
  MAX_CONCURRENT_DOCKER_STATS,
} from '../../common/limits.js';
import type { Logger } from '../../common/logging.js';
import type { AgentTask, ContainerReport, ExitStatus, OrphanContainer } from '../core/protocol.js';
import type { ContainerUsage } from '../core/view.js';
import {
  exitStatusOf,
  taskEnvironment,
  type ContainerEvents,
  type Containerizer,
  type Launched,
  type Recovered,
} from './containerizer.js';

/** Where the sandbox is mounted inside containers (Mesos --sandbox_directory). */
const CONTAINER_SANDBOX = '/mnt/mesos/sandbox';

/** Labels on every container this agent starts; `work_dir` names the agent across restarts and new ids. */
export const LABELS = {
  agent: 'minicluster.agent',
  workDir: 'minicluster.work_dir',
  framework: 'minicluster.framework',
  task: 'minicluster.task',
  container: 'minicluster.container',
} as const;

const NAME_PREFIX = 'mesos-';
/** Mesos: --cpu-shares = 1024 × cpus (at least 2), --memory = mem MB (at least 32 MB). */
const CPU_SHARES_PER_CPU = 1024;
const MIN_CPU_SHARES = 2;
const MIN_MEMORY_MB = 32;

export interface DockerContainerizerOptions {
  workDir: string;
  /** Address published ports are bound to. */
  host: string;
  /** How long to wait before asking the engine again when following a container fails. */
  retryMs: number;
  events: ContainerEvents;
  logger: Logger;
}

function statusCode(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** The default engine (DOCKER_HOST or the local socket), once it answers a ping. */
export async function dockerEngine(): Promise<Docker> {
  const docker = new Docker();
  await withTimeout(docker.ping(), { ms: DOCKER_PING_TIMEOUT_MS, what: 'pinging the Docker engine' });
  return docker;
}

/** Containers, running or not, started by the agents whose work dir `owned` accepts (by their labels). */
export async function labelledContainers(
  docker: Docker,
  owned: (workDir: string) => boolean,
): Promise<Docker.ContainerInfo[]> {
  const listed = await docker.listContainers({ all: true, filters: { label: [LABELS.workDir] } });
  return listed.filter((c) => owned(c.Labels[LABELS.workDir] ?? ''));
}

/** Removes a container at once, running or not; one that is gone already is no error. */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true });
  } catch (err) {
    if (statusCode(err) !== 404) throw err;
  }
}

/** The container-side argv: `sh -c value` for shell commands, value + arguments otherwise (empty: the image's CMD). */
function dockerCommand(task: AgentTask): { Entrypoint?: string[]; Cmd?: string[] } {
  const command = task.info.command;
  if (command?.shell !== false && command?.value !== undefined && command.value !== '') {
    return { Entrypoint: ['/bin/sh', '-c'], Cmd: [command.value] };
  }
  const argv = [
    ...(command?.value === undefined || command.value === '' ? [] : [command.value]),
    ...(command?.arguments ?? []),
  ];
  return argv.length === 0 ? {} : { Cmd: argv };
}

function networkMode(task: AgentTask): string {
  const docker = task.info.container?.docker;
  switch (docker?.network ?? 'HOST') {
    case 'BRIDGE':
      return 'bridge';
    case 'NONE':
      return 'none';
    case 'USER':
      return String(task.info.container?.network_infos?.[0]?.['name'] ?? 'bridge');
    case 'HOST':
      return 'host';
  }
}

function scalar(task: AgentTask, name: string): number {
  return task.info.resources.filter((r) => r.name === name).reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
}

/** Milliseconds since the epoch of the newest sandbox log file, 0 when there is none. */
function lastLogWrite(sandbox: string): number {
  const times = ['stdout', 'stderr'].map((name) => {
    try {
      return statSync(join(sandbox, name)).mtimeMs;
    } catch {
      return 0;
    }
  });
  return Math.max(...times);
}

/** Docker's cumulative CPU times (nanoseconds) and the resident memory (cgroup v1 `rss`, v2 `anon`). */
function usageOf(stats: Docker.ContainerStats): ContainerUsage {
  const cpu = stats.cpu_stats.cpu_usage;
  const memory = stats.memory_stats.stats as Record<string, number | undefined> | undefined;
  const rss = memory?.['rss'] ?? memory?.['anon'];
  return {
    cpus_user_time_secs: cpu.usage_in_usermode / 1e9,
    cpus_system_time_secs: cpu.usage_in_kernelmode / 1e9,
    ...(rss === undefined ? {} : { mem_rss_bytes: rss }),
  };
}

export class DockerContainerizer implements Containerizer {
  readonly type = 'docker' as const;
  private closed = false;
  /** Stats calls are answered one container at a time by the engine: a few at once. */
  private readonly stats = pLimit(MAX_CONCURRENT_DOCKER_STATS);
  /**
   * One per followed container: aborts its engine calls (wait, log stream) once it is gone, or when the agent stops.
   * Each container has its own, so a log stream the engine never ends is cut with its connection instead of piling
   * listeners up on one signal shared by every container.
   */
  private readonly following = new Set<AbortController>();

  private constructor(
    private readonly docker: Docker,
    private readonly options: DockerContainerizerOptions,
  ) {}

  /** A containerizer on the default engine (DOCKER_HOST or the local socket), or null when no engine answers. */
  static async connect(options: DockerContainerizerOptions): Promise<DockerContainerizer | null> {
    try {
      return new DockerContainerizer(await dockerEngine(), options);
    } catch (err) {
      options.logger.warn(
        { err: errorMessage(err) },
        'No Docker engine is reachable: DOCKER tasks cannot run on this agent; process tasks still run',
      );
      return null;
    }
  }

  async launch(task: AgentTask, agentId: string): Promise<Launched> {
    const docker = task.info.container?.docker;
    if (docker === undefined) throw new Error('the task has no docker container info');
    mkdirSync(task.sandbox, { recursive: true });
    await this.ensureImage(docker.image, docker.force_pull_image === true);
    const container = await this.docker.createContainer(this.createOptions(task, agentId));
    const info = await container
      .start()
      .then(() => container.inspect())
      .catch(async (err: unknown) => {
        await container.remove({ force: true }).catch(() => undefined);
        throw err;
      });
    this.follow(task, container.id, 0);
    const networkInfos = Object.entries(info.NetworkSettings.Networks)
      .filter(([, n]) => n.IPAddress !== '')
      .map(([name, n]) => ({ name, ip_addresses: [{ protocol: 'IPv4', ip_address: n.IPAddress }] }));
    return {
      handle: { type: 'docker', id: container.id },
      containerStatus: { executor_pid: info.State.Pid, network_infos: networkInfos },
    };
  }

  watch(task: AgentTask): void {
    if (task.handle?.type === 'docker') this.follow(task, task.handle.id, lastLogWrite(task.sandbox));
  }

  async kill(task: AgentTask, graceMs: number): Promise<void> {
    if (task.handle?.type !== 'docker') return;
    try {
      await this.docker.getContainer(task.handle.id).stop({ t: Math.ceil(graceMs / 1000) });
    } catch (err) {
      // 304: already stopped; 404: already gone.
      if (statusCode(err) !== 304 && statusCode(err) !== 404) throw err;
    }
  }

  async recover(tasks: readonly AgentTask[]): Promise<Recovered> {
    const listed = await labelledContainers(this.docker, (workDir) => workDir === this.options.workDir);
    const byId = new Map(listed.map((c) => [c.Id, c]));
    const containers = new Map<string, ContainerReport>();
    const known = new Set<string>();
    for (const task of tasks) {
      if (task.handle?.type !== 'docker') continue;
      known.add(task.handle.id);
      const found = byId.get(task.handle.id);
      if (found?.State === 'running') containers.set(task.containerId, { kind: 'running' });
      else
        containers.set(task.containerId, {
          kind: 'exited',
          status: found === undefined ? null : await this.collectEnded(task, found.Id),
        });
    }
    const orphans: OrphanContainer[] = listed
      .filter((c) => !known.has(c.Id) && (c.Names[0] ?? '').replace(/^\//, '').startsWith(NAME_PREFIX))
      .map((c) => ({ containerizer: 'docker', id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, '') }));
    return { containers, orphans };
  }

  destroy(orphan: OrphanContainer): Promise<void> {
    return removeContainer(this.docker, orphan.id);
  }

  /** One stats sample per running container (`one-shot`: without waiting for a second one to compare). */
  async usage(tasks: readonly AgentTask[]): Promise<Map<string, ContainerUsage>> {
    const usage = new Map<string, ContainerUsage>();
    const sample = async (containerId: string, id: string): Promise<void> => {
      const stats = await this.docker.getContainer(id).stats({ stream: false, 'one-shot': true });
      usage.set(containerId, usageOf(stats));
    };
    await Promise.all(
      tasks.map((task) => {
        const handle = task.handle;
        if (handle?.type !== 'docker') return undefined;
        // A container that ended meanwhile has no stats: it is left out.
        return this.stats(() => sample(task.containerId, handle.id)).catch(() => undefined);
      }),
    );
    return usage;
  }

  close(): void {
    this.closed = true;
    for (const following of this.following) following.abort();
  }

  private createOptions(task: AgentTask, agentId: string): Docker.ContainerCreateOptions {
    const docker = task.info.container?.docker;
    const name = `${NAME_PREFIX}${task.containerId}`;
    const env = {
      ...taskEnvironment(task, { agentId, sandbox: CONTAINER_SANDBOX, host: this.options.host }),
      MESOS_CONTAINER_NAME: name,
    };
    const mappings = docker?.port_mappings ?? [];
    const portKey = (m: { container_port: number; protocol?: string }): string =>
      `${m.container_port}/${(m.protocol ?? 'tcp').toLowerCase()}`;
    const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const m of mappings) {
      const key = portKey(m);
      portBindings[key] = [...(portBindings[key] ?? []), { HostIp: this.options.host, HostPort: String(m.host_port) }];
    }
    const volumes = (task.info.container?.volumes ?? []).map((v) => {
      const host =
        v.host_path === undefined
          ? join(task.sandbox, v.container_path)
          : v.host_path.startsWith('/')
            ? v.host_path
            : join(task.sandbox, v.host_path);
      return `${host}:${v.container_path}:${(v.mode ?? 'RW').toLowerCase()}`;
    });
    return {
      name,
      Image: docker?.image ?? '',
      ...dockerCommand(task),
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: {
        [LABELS.agent]: agentId,
        [LABELS.workDir]: this.options.workDir,
        [LABELS.framework]: task.framework.id?.value ?? '',
        [LABELS.task]: task.info.task_id.value,
        [LABELS.container]: task.containerId,
      },
      ExposedPorts: Object.fromEntries(mappings.map((m) => [portKey(m), {}])),
      ...(task.info.container?.hostname === undefined ? {} : { Hostname: task.info.container.hostname }),
      HostConfig: {
        NetworkMode: networkMode(task),
        PortBindings: portBindings,
        // The sandbox as a mount, not a bind string: its path holds the task id, and Chronos's task ids hold colons.
        Mounts: [{ Type: 'bind', Source: task.sandbox, Target: CONTAINER_SANDBOX }],
        Binds: volumes,
        Privileged: docker?.privileged === true,
        CpuShares: Math.max(MIN_CPU_SHARES, Math.round(CPU_SHARES_PER_CPU * scalar(task, 'cpus'))),
        ...(scalar(task, 'mem') > 0 ? { Memory: Math.max(MIN_MEMORY_MB, scalar(task, 'mem')) * 1024 * 1024 } : {}),
      },
    };
  }

  /** Mesos: `docker inspect` the image first and pull only when it is missing, unless force_pull_image. */
  private async ensureImage(image: string, forcePull: boolean): Promise<void> {
    if (!forcePull) {
      try {
        await this.docker.getImage(image).inspect();
        return;
      } catch (err) {
        if (statusCode(err) !== 404) throw err;
      }
    }
    await this.pull(image);
  }

  private async pull(image: string): Promise<void> {
    const { logger } = this.options;
    logger.info({ image }, 'Pulling image');
    const stream = await this.docker.pull(image);
    let lastLog = 0;
    await new Promise<void>((resolve, reject) => {
      const onProgress = (event: { status?: string; progress?: string; id?: string }): void => {
        if (Date.now() - lastLog < DOCKER_PULL_PROGRESS_INTERVAL_MS) return;
        lastLog = Date.now();
        logger.info({ image, layer: event.id, status: event.status, progress: event.progress }, 'Pulling image');
      };
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err === null ? resolve() : reject(err)),
        onProgress,
      );
    });
    logger.info({ image }, 'Pulled image');
  }

  /** Copies logs into the sandbox until the container ends, then reports its exit code and removes it. */
  private follow(task: AgentTask, id: string, sinceMs: number): void {
    const container = this.docker.getContainer(id);
    const following = new AbortController();
    this.following.add(following);
    const { signal } = following;
    const logs = this.copyLogs(container, task.sandbox, { follow: true, sinceMs, signal }).catch((err: unknown) => {
      if (!this.closed && !signal.aborted)
        this.options.logger.warn({ container: id, err: errorMessage(err) }, 'Copying the container log failed');
    });
    void this.waitForExit(container, signal)
      .then(async (status) => {
        if (this.closed) return;
        await withTimeout(logs, { ms: DOCKER_LOG_DRAIN_TIMEOUT_MS, what: 'copying the container log' }).catch(
          (err: unknown) =>
            this.options.logger.warn({ container: id, err: errorMessage(err) }, 'Container log copy incomplete'),
        );
        await this.destroy({ containerizer: 'docker', id, name: '' }).catch((err: unknown) =>
          this.options.logger.warn({ container: id, err: errorMessage(err) }, 'Could not remove the container'),
        );
        if (!this.closed) this.options.events.exited(task.containerId, status);
      })
      .finally(() => {
        following.abort();
        this.following.delete(following);
      });
  }

  /** The exit status from `wait`, retried while the engine cannot be reached; null when the container vanished. */
  private async waitForExit(container: Docker.Container, signal: AbortSignal): Promise<ExitStatus | null> {
    while (!this.closed) {
      try {
        const result = (await container.wait({ abortSignal: signal })) as { StatusCode: number };
        return exitStatusOf({ exitCode: result.StatusCode });
      } catch (err) {
        if (statusCode(err) === 404 || this.closed) return null;
        this.options.logger.warn(
          { container: container.id, err: errorMessage(err) },
          'waiting for the container failed; trying again',
        );
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs));
      }
    }
    return null;
  }

  /** A container that ended while the agent was down: its last log lines, its exit code, then it goes. */
  private async collectEnded(task: AgentTask, id: string): Promise<ExitStatus> {
    const container = this.docker.getContainer(id);
    await this.copyLogs(container, task.sandbox, { follow: false, sinceMs: lastLogWrite(task.sandbox) }).catch(
      () => undefined,
    );
    const info = await container.inspect();
    await this.destroy({ containerizer: 'docker', id, name: '' });
    return exitStatusOf({ exitCode: info.State.ExitCode });
  }

  /** Appends the container's stdout and stderr (since `sinceMs`) to the sandbox files. */
  private async copyLogs(
    container: Docker.Container,
    sandbox: string,
    o: { follow: boolean; sinceMs: number; signal?: AbortSignal },
  ): Promise<void> {
    const stdout = createWriteStream(join(sandbox, 'stdout'), { flags: 'a' });
    const stderr = createWriteStream(join(sandbox, 'stderr'), { flags: 'a' });
    try {
      // Docker takes fractional seconds as text; lines already copied are older than the files' mtime.
      const since = (o.sinceMs / 1000).toFixed(9) as unknown as number;
      if (o.follow) {
        const stream = await container.logs({
          follow: true,
          stdout: true,
          stderr: true,
          since,
          ...(o.signal === undefined ? {} : { abortSignal: o.signal }),
        });
        this.docker.modem.demuxStream(stream, stdout, stderr);
        await once(stream, 'end');
      } else {
        const buffer = await container.logs({ follow: false, stdout: true, stderr: true, since });
        demuxBuffer(buffer, stdout, stderr);
      }
    } finally {
      await Promise.all([endStream(stdout), endStream(stderr)]);
    }
  }
}

function endStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}

/** Docker's multiplexed log frames: 8-byte header (stream type, 3 zero bytes, big-endian length), then the payload. */
function demuxBuffer(buffer: Buffer, stdout: WriteStream, stderr: WriteStream): void {
  for (let at = 0; at + 8 <= buffer.length; ) {
    const type = buffer[at];
    const length = buffer.readUInt32BE(at + 4);
    const payload = buffer.subarray(at + 8, at + 8 + length);
    (type === 2 ? stderr : stdout).write(payload);
    at += 8 + length;
  }
}
