// Bringing a cluster up and down: run its supervisor in this process (foreground `up`, or as the
// background process of `up --detach`), spawn that background process and wait until the cluster is
// ready, stop a running cluster, and purge one (the tasks its agents left running, then its directory).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { ControlClient } from '../api/control.js';
import { UserError } from '../common/errors.js';
import { createLogger } from '../common/logging.js';
import { type ClusterFile, isAlive, readClusterFile, runningCluster } from './cluster-file.js';
import { type StoppedTasks, stopLeftoverTasks } from './leftover-tasks.js';
import { makeClusterDir, nameFlag, packagePath, type ClusterPaths } from './paths.js';
import { PRIVATE_FILE_MODE } from '../common/file-modes.js';
import { ensembleWriteProbe } from './readiness.js';
import { clusterSpec, type ClusterSpec } from './spec.js';
import type { ClusterStatus } from './status.js';
import { Supervisor } from './supervisor.js';

export interface UpOptions {
  paths: ClusterPaths;
  spec: ClusterSpec;
}

export interface DetachOptions extends UpOptions {
  /** Why the cluster is not ready yet, each time `up --detach` looks (the supervisor's status). */
  onWaiting?(what: string): void;
  /** Aborted (Ctrl-C): the background supervisor stops what it started, and the wait ends once it is gone. */
  signal?: AbortSignal;
}

export interface DownOptions {
  /** What the stop waits for, each time `down` looks (the supervisor's status). */
  onWaiting?(what: string): void;
}

export interface SuperviseOptions extends UpOptions {
  /** Mirror supervisor warnings to the terminal. */
  terminal: boolean;
  /** Called once the cluster is ready, before this process waits for it to be stopped. */
  onReady(status: ClusterStatus, supervisor: Supervisor): void;
}

/** How often a waiting CLI looks at the cluster file or the supervisor pid again. */
const POLL_MS = 100;
/** What `up --detach` waits for until the supervisor's control API answers. */
const SUPERVISOR_STARTING = 'the supervisor is starting';
/** What `down` waits for until the supervisor's control API says where the stop is. */
const CLUSTER_STOPPING = 'the cluster is stopping';
/** What `down` waits for once the components are stopped. */
const SUPERVISOR_EXITING = 'the supervisor is exiting';
/** What `up --detach` waits beyond the supervisor's own deadline (its failure report included). */
const DETACH_SLACK_MS = 5_000;

/** Runs the supervisor here until the cluster is stopped (control API down, SIGINT or SIGTERM). */
export async function superviseHere(options: SuperviseOptions): Promise<void> {
  const { paths, spec } = options;
  assertNotRunning(paths);
  const log = createLogger({
    component: 'supervisor',
    file: paths.log('supervisor'),
    terminal: options.terminal,
    sync: true,
  });
  const supervisor = await Supervisor.prepare({
    paths,
    spec,
    log,
    probeWrite: ensembleWriteProbe({
      sessionTimeoutMs: spec.clientSessionTimeoutMs,
      stepTimeoutMs: spec.memberStartTimeoutMs,
    }),
  });
  const stop = (): void => void supervisor.down().then(() => supervisor.close());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  options.onReady(await supervisor.up(), supervisor);
  await supervisor.closed;
}

/** Starts the supervisor as a detached background process; resolves once the cluster is ready. */
export async function upDetached(options: DetachOptions): Promise<ClusterStatus> {
  const { paths, signal } = options;
  assertNotRunning(paths);
  const child = spawnSupervisor(options);
  const seen = { exit: null as string | null };
  child.once('exit', (code, signal) => (seen.exit = signal ?? `code ${code ?? '?'}`));
  const stop = (): void => {
    if (seen.exit === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    return await waitUntilReady(options, child.pid, seen);
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** Follows the background supervisor `pid` until the cluster is ready, or, once interrupted, until it is gone. */
async function waitUntilReady(
  options: DetachOptions,
  pid: number | undefined,
  seen: { exit: string | null },
): Promise<ClusterStatus> {
  const { paths, spec, signal } = options;
  const deadline = Date.now() + spec.readyTimeoutMs + stopGraceMs(spec) + DETACH_SLACK_MS;
  for (;;) {
    const file = readClusterFile(paths);
    const ours = file !== null && file.supervisor.pid === pid ? file : null;
    const waiting = ours === null ? null : await waitingOf(ours);
    if (signal?.aborted === true) {
      if (seen.exit !== null)
        throw new UserError(`interrupted: cluster ${paths.name} was stopped before it was ready; nothing of it runs`);
      options.onWaiting?.(`interrupted, stopping what it started (${waiting ?? SUPERVISOR_EXITING})`);
    } else {
      if (ours?.supervisor.phase === 'ready') return clientOf(ours).status();
      if (ours?.supervisor.phase === 'failed')
        throw new UserError(ours.supervisor.error ?? 'the cluster failed to start');
      options.onWaiting?.(waiting ?? SUPERVISOR_STARTING);
      if (seen.exit !== null)
        throw new UserError(`the supervisor exited (${seen.exit}) before the cluster was ready${outputHint(paths)}`);
    }
    if (Date.now() > deadline)
      throw new UserError(`cluster ${paths.name} was not ready in time; see ${paths.log('supervisor')}`);
    await delay(POLL_MS);
  }
}

/** What the starting cluster waits for, as its supervisor tells; null while its control API does not answer. */
async function waitingOf(file: ClusterFile): Promise<string | null> {
  if (file.supervisor.controlUrl === '') return null;
  return (
    (
      await clientOf(file)
        .status()
        .catch(() => null)
    )?.waiting ?? null
  );
}

function spawnSupervisor({ paths, spec }: UpOptions): ChildProcess {
  makeClusterDir(paths);
  const out = openSync(paths.output('supervisor'), 'a', PRIVATE_FILE_MODE);
  try {
    const args = ['up', '--supervise', '--name', paths.name, ...specArgs(spec)];
    const child = spawn(process.execPath, [packagePath('bin', 'run.js'), ...args], {
      detached: true,
      stdio: ['ignore', out, out],
    });
    child.unref();
    return child;
  } finally {
    closeSync(out);
  }
}

/** The `up` flags that give the background supervisor the same spec. */
function specArgs(spec: ClusterSpec): string[] {
  const zk = spec.externalZk === null ? [] : ['--zk', spec.externalZk];
  const counts = [
    ...[
      '--observers',
      String(spec.ensemble.observers),
      '--masters',
      String(spec.mesos.masters),
      '--agents',
      String(spec.mesos.agents),
    ],
    ...['--schedulers', String(spec.marathon.schedulers), '--chronos', String(spec.chronos.instances)],
  ];
  return ['--profile', spec.profile, ...counts, ...(spec.marathon.loadBalancer ? [] : ['--no-lb']), ...zk];
}

/** The longest a stop may take: agents kill their tasks, then masters and members stop. */
function stopGraceMs(spec: ClusterSpec): number {
  return spec.agentStopGraceMs + 3 * spec.memberStopGraceMs;
}

export interface DownResult {
  /** False when the cluster was not running. */
  stopped: boolean;
}

/** Stops a running cluster and waits until its supervisor process is gone. */
export async function downCluster(paths: ClusterPaths, options: DownOptions = {}): Promise<DownResult> {
  const file = runningCluster(paths);
  if (file === null) return { stopped: false };
  const { pid } = file.supervisor;
  const answered = clientOf(file)
    .down()
    .then(() => true)
    .catch(() => false);
  const done = { answered: false };
  void answered.then(() => (done.answered = true));
  while (!done.answered) {
    options.onWaiting?.((await waitingOf(file)) ?? CLUSTER_STOPPING);
    await Promise.race([answered, delay(POLL_MS)]);
  }
  // The control API did not answer: SIGTERM makes the supervisor stop its members all the same.
  if (!(await answered)) {
    if (!isAlive(pid)) return { stopped: true };
    process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + stopGraceMs(clusterSpec({ profile: file.profile })) + DETACH_SLACK_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new UserError(`the supervisor (pid ${pid}) did not exit; see ${paths.log('supervisor')}`);
    options.onWaiting?.(SUPERVISOR_EXITING);
    await delay(POLL_MS);
  }
  return { stopped: true };
}

export interface PurgeResult extends DownResult {
  /** What the agents had left running (the supervisor was killed, or an agent was and stayed down). */
  leftovers: StoppedTasks;
}

/** Stops the cluster if it runs, then every task its agents left running, then deletes its directory. */
export async function purgeCluster(paths: ClusterPaths, options: DownOptions = {}): Promise<PurgeResult> {
  const { stopped } = await downCluster(paths, options);
  const leftovers = await stopLeftoverTasks(paths.dir);
  rmSync(paths.dir, { recursive: true, force: true });
  return { stopped, leftovers };
}

function assertNotRunning(paths: ClusterPaths): void {
  const file = runningCluster(paths);
  if (file !== null) {
    throw new UserError(
      `cluster ${paths.name} is already running (supervisor pid ${file.supervisor.pid}); see: minicluster status${nameFlag(paths.name)}`,
    );
  }
}

function clientOf(file: ClusterFile): ControlClient {
  return new ControlClient(file.supervisor.controlUrl, file.supervisor.token);
}

function outputHint(paths: ClusterPaths): string {
  const file = paths.output('supervisor');
  const last = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').at(-1) : undefined;
  return `${last === undefined || last === '' ? '' : `: ${last}`} (see ${file})`;
}
