// Hosting of cluster components: one ComponentHost interface over forked child processes (ensemble
// members) and worker threads (masters, agents, scheduler). A hosted component announces
// `{type:'ready'}` once it serves; every message it sends is passed on to the supervisor.
import { fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PRIVATE_FILE_MODE } from '../common/file-modes.js';

export type HostState = 'starting' | 'running' | 'killed' | 'exited';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export interface HostEvents {
  /** The component's process or thread exists (it is not ready yet). */
  onLaunch(pid: number): void;
  onMessage(message: unknown): void;
  /** Called once per launch, after start() has settled. */
  onExit(exit: ExitInfo): void;
}

export interface ComponentHost {
  /** Launches the component; resolves once it reports ready, rejects if it exits or times out first. */
  start(): Promise<void>;
  /** Ends the component abruptly (SIGKILL, thread terminate): no goodbye on any connection. Resolves once it is gone. */
  kill(): Promise<void>;
  /** Asks the component to stop, then kills it once the grace period is over. */
  stop(): Promise<void>;
  readonly pid: number | null;
  readonly state: HostState;
}

export interface HostOptions {
  name: string;
  readyTimeoutMs: number;
  stopGraceMs: number;
  events: HostEvents;
}

/** What a launched component looks like to the host: its wiring is done by launch(). */
interface Launched {
  pid: number;
  abort(): void;
  requestStop(): void;
}

interface LaunchWiring {
  message(message: unknown): void;
  exit(exit: ExitInfo): void;
  error(err: Error): void;
}

abstract class HostBase implements ComponentHost {
  private current: Launched | null = null;
  private exited: Promise<void> = Promise.resolve();
  private hostState: HostState = 'exited';

  constructor(protected readonly options: HostOptions) {}

  get pid(): number | null {
    return this.current?.pid ?? null;
  }

  get state(): HostState {
    return this.hostState;
  }

  protected abstract launch(wiring: LaunchWiring): Launched;

  start(): Promise<void> {
    if (this.current !== null) return Promise.reject(new Error(`${this.options.name} is already running`));
    const { name, readyTimeoutMs, events } = this.options;
    return new Promise((resolve, reject) => {
      let lastError: Error | null = null;
      let timer: NodeJS.Timeout | undefined;
      let pending = true;
      let markExited = (): void => {};
      const settle = (): void => {
        pending = false;
        clearTimeout(timer);
      };
      const fail = (reason: string): void => {
        settle();
        reject(new Error(reason));
      };
      const launched = this.launch({
        message: (message) => {
          if (pending && isReady(message)) {
            this.hostState = 'running';
            settle();
            resolve();
          }
          events.onMessage(message);
        },
        exit: (exit) => {
          if (pending) fail(`${name} ${describeExit(exit, lastError)} before it was ready`);
          if (this.hostState !== 'killed') this.hostState = 'exited';
          this.current = null;
          markExited();
          events.onExit(exit);
        },
        error: (err) => {
          lastError = err;
        },
      });
      this.current = launched;
      this.hostState = 'starting';
      this.exited = new Promise((done) => (markExited = done));
      timer = setTimeout(() => {
        fail(`${name} did not report ready within ${readyTimeoutMs / 1000} s`);
        void this.kill();
      }, readyTimeoutMs);
      events.onLaunch(launched.pid);
    });
  }

  async kill(): Promise<void> {
    if (this.current === null) return;
    this.hostState = 'killed';
    this.current.abort();
    await this.exited;
  }

  async stop(): Promise<void> {
    const current = this.current;
    if (current === null) return;
    current.requestStop();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), this.options.stopGraceMs)));
    if ((await Promise.race([this.exited, grace])) === 'late') current.abort();
    clearTimeout(timer);
    await this.exited;
  }
}

function isReady(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready';
}

function describeExit(exit: ExitInfo, error: Error | null): string {
  const how = exit.signal !== null ? `was ended by ${exit.signal}` : `exited with code ${exit.code ?? '?'}`;
  return error === null ? how : `${how} (${error.message})`;
}

export interface ForkHostOptions extends HostOptions {
  modulePath: string;
  args: string[];
  /** The child's stdout and stderr are appended to this file. */
  outputFile: string;
  /** Node.js flags of the child. */
  execArgv: readonly string[];
}

/** A component in its own process, started with child_process.fork and an IPC channel. */
export class ForkHost extends HostBase {
  constructor(private readonly forkOptions: ForkHostOptions) {
    super(forkOptions);
  }

  protected launch(wiring: LaunchWiring): Launched {
    const { modulePath, args, outputFile, execArgv } = this.forkOptions;
    mkdirSync(dirname(outputFile), { recursive: true });
    const out = openSync(outputFile, 'a', PRIVATE_FILE_MODE);
    try {
      // Own process group: a Ctrl-C in the terminal reaches the supervisor only, which then stops
      // members in order. Members still die with the supervisor (IPC disconnect, see member-config).
      const child = fork(modulePath, args, {
        stdio: ['ignore', out, out, 'ipc'],
        detached: true,
        execArgv: [...execArgv],
      });
      child.on('message', wiring.message);
      child.on('error', wiring.error);
      child.on('exit', (code, signal) => wiring.exit({ code, signal }));
      return { pid: child.pid ?? -1, abort: () => child.kill('SIGKILL'), requestStop: () => child.kill('SIGTERM') };
    } finally {
      closeSync(out);
    }
  }
}

export interface WorkerHostOptions extends HostOptions {
  entry: string | URL;
  workerData: unknown;
  /** Posted for a graceful stop; default `{type:'stop'}`. */
  stopMessage?: { type: 'stop' };
}

/**
 * A component on a worker thread of the supervisor process (its pid is the supervisor's).
 * Graceful stop posts the stop message; the component ends its thread when done.
 */
export class WorkerHost extends HostBase {
  constructor(private readonly workerOptions: WorkerHostOptions) {
    super(workerOptions);
  }

  protected launch(wiring: LaunchWiring): Launched {
    const worker = new Worker(this.workerOptions.entry, { workerData: this.workerOptions.workerData });
    worker.on('message', wiring.message);
    worker.on('error', wiring.error);
    worker.on('exit', (code) => wiring.exit({ code, signal: null }));
    const stop = this.workerOptions.stopMessage ?? { type: 'stop' };
    return { pid: process.pid, abort: () => void worker.terminate(), requestStop: () => worker.postMessage(stop) };
  }
}
