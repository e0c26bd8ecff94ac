// The `mesos` containerizer: marked processes (execa) in a process group of their own in the sandbox, a wrapper
// writing stdout/stderr and the exit status; recovery reports them and destroys marked processes of no live task;
// a task's usage is its process group's.
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Logger } from '../../common/logging.js';
import { isTerminalState, type CommandInfo } from '../../master/core/v1.js';
import type { AgentTask, ContainerHandle, ContainerReport, ExitStatus, OrphanContainer } from '../core/protocol.js';
import type { ContainerUsage } from '../core/view.js';
import {
  exitStatusOf,
  taskEnvironment,
  type ContainerEvents,
  type Containerizer,
  type Launched,
  type Recovered,
} from './containerizer.js';
import {
  findMarkedProcesses,
  identify,
  isRunning,
  killMarked,
  markerEnvironment,
  processGroupUsage,
  signalGroup,
} from './process-table.js';

/**
 * Runs in the sandbox; `$1` is the status file, the rest the task's argv; exits with the task's status.
 * It traps TERM (a trap, unlike an ignored signal, is not inherited), so a kill's TERM reaches the task
 * while the wrapper waits for the task to end, however long it takes to.
 */
const WRAPPER =
  'trap : TERM; status_file=$1; shift; "$@" >>stdout 2>>stderr; status=$?; echo "$status" >"$status_file"; exit "$status"';

export interface ProcessContainerizerOptions {
  /** The agent's work dir: the marker every task process carries. */
  workDir: string;
  /** Where exit status files live (outside every sandbox). */
  stateDir: string;
  /** How often followed processes that are not children of this agent are checked. */
  pollMs: number;
  /** Address tasks are told they are reachable on (HOST). */
  host: string;
  events: ContainerEvents;
  logger: Logger;
}

type ProcessHandle = Extract<ContainerHandle, { type: 'mesos' }>;

/** The argv a command runs as: `sh -c value` for shell commands, else value with arguments[1…] (Mesos execs value with arguments as argv). */
export function commandArgv(command: CommandInfo | undefined): string[] {
  if (command?.shell !== false) return ['/bin/sh', '-c', command?.value ?? ''];
  if (command.value === undefined) throw new Error('a command with shell=false needs a value');
  return [command.value, ...(command.arguments ?? []).slice(1)];
}

function handleOf(task: AgentTask): ProcessHandle | null {
  return task.handle?.type === 'mesos' ? task.handle : null;
}

export class ProcessContainerizer implements Containerizer {
  readonly type = 'mesos' as const;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: ProcessContainerizerOptions) {
    mkdirSync(options.stateDir, { recursive: true });
  }

  async launch(task: AgentTask, agentId: string): Promise<Launched> {
    mkdirSync(task.sandbox, { recursive: true });
    const env = {
      ...taskEnvironment(task, { agentId, sandbox: task.sandbox, host: this.options.host }),
      ...markerEnvironment({ workDir: this.options.workDir, containerId: task.containerId }),
    };
    const argv = commandArgv(task.info.command);
    const child = execa('/bin/sh', ['-c', WRAPPER, 'mesos-task', this.statusFile(task.containerId), ...argv], {
      cwd: task.sandbox,
      env,
      detached: true,
      cleanup: false,
      reject: false,
      stdio: 'ignore',
    });
    await once(child, 'spawn');
    const pid = child.pid ?? -1;
    child.unref();
    void child.then((result) => this.report(task.containerId, exitStatusOf(result)));
    const startTime = (await identify(pid))?.startTime ?? '';
    return { handle: { type: 'mesos', pid, startTime }, containerStatus: { executor_pid: pid } };
  }

  watch(task: AgentTask): void {
    const handle = handleOf(task);
    if (handle === null) return;
    const check = async (): Promise<void> => {
      if (this.closed) return;
      if (await isRunning(handle)) {
        this.timers.set(
          task.containerId,
          setTimeout(() => void check(), this.options.pollMs),
        );
        return;
      }
      this.timers.delete(task.containerId);
      this.report(task.containerId, this.recordedStatus(task.containerId));
    };
    void check();
  }

  async kill(task: AgentTask, graceMs: number): Promise<void> {
    const handle = handleOf(task);
    if (handle === null || !(await isRunning(handle))) return;
    signalGroup(handle.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (await isRunning(handle))) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(this.options.pollMs, Math.max(1, deadline - Date.now()))),
      );
    }
    if (await isRunning(handle)) {
      this.options.logger.info(
        { task: task.info.task_id.value, pid: handle.pid },
        'grace period over; sending SIGKILL',
      );
      signalGroup(handle.pid, 'SIGKILL');
    }
  }

  /** Checkpointed processes running or ended; marked processes of no live task (a launch cut short, say) are orphans. */
  async recover(tasks: readonly AgentTask[]): Promise<Recovered> {
    const containers = new Map<string, ContainerReport>();
    const live = new Set<string>();
    for (const task of tasks) {
      const handle = handleOf(task);
      if (handle === null) continue;
      const running = await isRunning(handle);
      containers.set(
        task.containerId,
        running ? { kind: 'running' } : { kind: 'exited', status: this.recordedStatus(task.containerId) },
      );
      if (running && !isTerminalState(task.state)) live.add(task.containerId);
    }
    const orphans = new Map<string, OrphanContainer>();
    for (const p of await this.marked()) {
      if (!live.has(p.containerId))
        orphans.set(p.containerId, { containerizer: 'mesos', id: p.containerId, name: `process group ${p.pgid}` });
    }
    return { containers, orphans: [...orphans.values()] };
  }

  /** Each task's process group (the wrapper leads it): its CPU times and resident memory. */
  async usage(tasks: readonly AgentTask[]): Promise<Map<string, ContainerUsage>> {
    const led = tasks.flatMap((task) => {
      const handle = handleOf(task);
      return handle === null ? [] : [{ containerId: task.containerId, pgid: handle.pid }];
    });
    const groups = await processGroupUsage(new Set(led.map((t) => t.pgid)));
    const usage = new Map<string, ContainerUsage>();
    for (const { containerId, pgid } of led) {
      const group = groups.get(pgid);
      if (group === undefined) continue;
      usage.set(containerId, {
        cpus_user_time_secs: group.userSecs,
        cpus_system_time_secs: group.systemSecs,
        mem_rss_bytes: group.rssBytes,
      });
    }
    return usage;
  }

  /** SIGKILLs every process marked with this agent's work dir and the orphan's container id. */
  async destroy(orphan: OrphanContainer): Promise<void> {
    await killMarked((await this.marked()).filter((p) => p.containerId === orphan.id));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private marked(): ReturnType<typeof findMarkedProcesses> {
    return findMarkedProcesses((workDir) => workDir === this.options.workDir);
  }

  private report(containerId: string, status: ExitStatus | null): void {
    if (this.closed) return;
    this.options.events.exited(containerId, status);
    rmSync(this.statusFile(containerId), { force: true });
  }

  private statusFile(containerId: string): string {
    return join(this.options.stateDir, `${containerId}.status`);
  }

  private recordedStatus(containerId: string): ExitStatus | null {
    try {
      const code = Number(readFileSync(this.statusFile(containerId), 'utf8').trim());
      return Number.isInteger(code) ? { code } : null;
    } catch {
      return null;
    }
  }
}
