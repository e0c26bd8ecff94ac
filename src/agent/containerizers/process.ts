// The `mesos` containerizer: plain processes (execa), detached in their own process group in the sandbox;
// a shell wrapper writes stdout/stderr files and the exit status, for reporting after an agent restart.
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Logger } from '../../common/logging.js';
import type { CommandInfo } from '../../master/core/v1.js';
import type { AgentTask, ContainerHandle, ContainerReport, ExitStatus } from '../core/protocol.js';
import {
  exitStatusOf,
  taskEnvironment,
  type ContainerEvents,
  type Containerizer,
  type Launched,
  type Recovered,
} from './containerizer.js';

/**
 * Runs in the sandbox; `$1` is the status file, the rest the task's argv; exits with the task's status.
 * It traps TERM (a trap, unlike an ignored signal, is not inherited), so a kill's TERM reaches the task
 * while the wrapper waits for the task to end, however long it takes to.
 */
const WRAPPER =
  'trap : TERM; status_file=$1; shift; "$@" >>stdout 2>>stderr; status=$?; echo "$status" >"$status_file"; exit "$status"';

export interface ProcessContainerizerOptions {
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

interface Identity {
  startTime: string;
  zombie: boolean;
}

/** The process's state and start time (null when there is no such process): /proc where there is one, else ps. */
async function identify(pid: number): Promise<Identity | null> {
  return existsSync('/proc/self/stat') ? identifyFromProc(pid) : identifyFromPs(pid);
}

/** Linux: state and start time (clock ticks after boot) from /proc/<pid>/stat, without starting a process. */
async function identifyFromProc(pid: number): Promise<Identity | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // Fields after the command name (which may hold spaces and parentheses): state is the 3rd, starttime the 22nd.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { zombie: fields[0] === 'Z', startTime: `ticks:${fields[19] ?? ''}` };
}

async function identifyFromPs(pid: number): Promise<Identity | null> {
  const result = await execa('ps', ['-o', 'stat=,lstart=', '-p', String(pid)], { reject: false });
  const line = result.stdout.trim();
  if (result.exitCode !== 0 || line === '') return null;
  const space = line.indexOf(' ');
  return { zombie: line.startsWith('Z'), startTime: line.slice(space + 1).trim() };
}

/** Whether the process of `handle` still runs (not a zombie, and not another process that reuses its pid). */
async function isRunning(handle: ProcessHandle): Promise<boolean> {
  const found = await identify(handle.pid);
  return found !== null && !found.zombie && found.startTime === handle.startTime;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
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
    const env = taskEnvironment(task, { agentId, sandbox: task.sandbox, host: this.options.host });
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

  async recover(tasks: readonly AgentTask[]): Promise<Recovered> {
    const containers = new Map<string, ContainerReport>();
    for (const task of tasks) {
      const handle = handleOf(task);
      if (handle === null) continue;
      const running = await isRunning(handle);
      containers.set(
        task.containerId,
        running ? { kind: 'running' } : { kind: 'exited', status: this.recordedStatus(task.containerId) },
      );
    }
    return { containers, orphans: [] };
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
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
