// The `ensemble` suite: the same load, failover and memory measurements against our three-member
// ensemble and a real three-member ZooKeeper 3.8, one system at a time on this machine.
import { availableParallelism, loadavg } from 'node:os';
import { fourLetterWord, realZooKeeperMissing } from '../test/helpers/real-zookeeper.js';
import { measureFailover } from './failover.js';
import { LoadClients, PAYLOAD_BYTES, type ClientSpec, type LoadFigures, type Window } from './load.js';
import { jvmOptions, listenerPid, residentKb } from './procfs.js';
import {
  aFollower,
  hostOf,
  memberFor,
  serverVersion,
  startMinicluster,
  startZooKeeper,
  waitSettled,
  type BenchEnsemble,
  type Member,
} from './systems.js';
import { WORKLOADS, type Workload } from './zk-client.js';

export interface EnsembleSuiteOptions {
  warmupSeconds: number;
  measureSeconds: number;
  /** 0 skips failover. */
  failoverRuns: number;
  /** false leaves the ZooKeeper column empty. */
  zookeeper: boolean;
  log: (line: string) => void;
}

export interface FailoverFigures {
  tickMs: number;
  /** ms from kill -9 of the leader to the first successful write; null when none came. */
  samplesMs: (number | null)[];
}

export interface SystemFigures {
  name: string;
  /** How it was run: version, tick, process options. */
  setup: string;
  throughput: Record<Workload, LoadFigures>;
  unloaded: Record<Workload, LoadFigures>;
  /** VmRSS of each member after the load runs, member order. */
  memoryKb: number[];
  /** Znodes in the tree when memory was read (the create load adds more on a faster system). */
  nodeCount: number;
  failover: FailoverFigures[];
}

export interface EnsembleFigures {
  settings: {
    clients: number;
    outstanding: number;
    payloadBytes: number;
    warmupSeconds: number;
    measureSeconds: number;
    failoverRuns: number;
    /** CPUs and 1-minute load average when the suite started: other work on the box skews every figure. */
    cpus: number;
    loadAverage: number;
  };
  minicluster: SystemFigures;
  zookeeper: SystemFigures | null;
  /** Why the ZooKeeper column is empty, when it is. */
  zookeeperMissing: string | null;
}

const CLIENTS = 4;
const OUTSTANDING = 16;
/** Our demo profile's tick, and the tick ZooKeeper is also run with for the failover comparison. */
const DEMO_TICK_MS = 100;
const ZOOKEEPER_DEFAULT_TICK_MS = 2000;

export async function runEnsembleSuite(options: EnsembleSuiteOptions): Promise<EnsembleFigures> {
  const window: Window = { warmupMs: options.warmupSeconds * 1000, measureMs: options.measureSeconds * 1000 };
  const settings = {
    clients: CLIENTS,
    outstanding: OUTSTANDING,
    payloadBytes: PAYLOAD_BYTES,
    warmupSeconds: options.warmupSeconds,
    measureSeconds: options.measureSeconds,
    failoverRuns: options.failoverRuns,
    cpus: availableParallelism(),
    loadAverage: loadavg()[0] ?? 0,
  };
  options.log(`minicluster: starting 3 members, demo timing (tickMs ${DEMO_TICK_MS})`);
  const minicluster = await withEnsemble(startMinicluster(DEMO_TICK_MS), (ensemble) =>
    measureSystem(
      ensemble,
      {
        name: 'minicluster',
        setup: `3 member processes (node ${process.version}), demo timing tickMs ${DEMO_TICK_MS}`,
      },
      DEMO_TICK_MS,
      window,
      options,
    ),
  );
  const zookeeperMissing = options.zookeeper ? realZooKeeperMissing() : 'skipped (--no-zookeeper)';
  if (zookeeperMissing !== null) {
    options.log(`zookeeper: not run (${zookeeperMissing})`);
    return { settings, minicluster, zookeeper: null, zookeeperMissing };
  }
  return { settings, minicluster, zookeeper: await measureZooKeeper(window, options), zookeeperMissing };
}

/** Load and memory at ZooKeeper's default tick, then failover at that tick and at our demo tick. */
async function measureZooKeeper(window: Window, options: EnsembleSuiteOptions): Promise<SystemFigures> {
  options.log(`zookeeper: starting 3 members, tickTime ${ZOOKEEPER_DEFAULT_TICK_MS}`);
  const figures = await withEnsemble(startZooKeeper(ZOOKEEPER_DEFAULT_TICK_MS), async (ensemble) =>
    measureSystem(
      ensemble,
      { name: 'zookeeper', setup: await describeZooKeeper(ensemble) },
      ZOOKEEPER_DEFAULT_TICK_MS,
      window,
      options,
    ),
  );
  if (options.failoverRuns === 0) return figures;
  options.log(`zookeeper: starting 3 members, tickTime ${DEMO_TICK_MS} (failover only)`);
  const demoTick = await withEnsemble(startZooKeeper(DEMO_TICK_MS), (ensemble) =>
    measureFailover(ensemble, options.failoverRuns, options.log),
  );
  return { ...figures, failover: [...figures.failover, { tickMs: DEMO_TICK_MS, samplesMs: demoTick }] };
}

/** Load, then memory, then failover (which restarts members, so it comes last). */
async function measureSystem(
  ensemble: BenchEnsemble,
  identity: Pick<SystemFigures, 'name' | 'setup'>,
  tickMs: number,
  window: Window,
  options: EnsembleSuiteOptions,
): Promise<SystemFigures> {
  const loadAndMemory = await measureAll(ensemble, window, options);
  if (options.failoverRuns === 0) return { ...identity, ...loadAndMemory, failover: [] };
  const samplesMs = await measureFailover(ensemble, options.failoverRuns, options.log);
  return { ...identity, ...loadAndMemory, failover: [{ tickMs, samplesMs }] };
}

async function describeZooKeeper(ensemble: BenchEnsemble): Promise<string> {
  const first = memberFor(ensemble, 0);
  const pid = listenerPid(first.clientPort);
  const jvm = pid === null ? 'unknown' : jvmOptions(pid).join(' ');
  return `${await serverVersion(first)}, 3 JVMs, tickTime ${ZOOKEEPER_DEFAULT_TICK_MS} for load and memory; JVM options: ${jvm}`;
}

/** Runs `body` against a started ensemble and stops it afterwards, checking nothing still listens. */
async function withEnsemble<T>(
  starting: Promise<BenchEnsemble>,
  body: (ensemble: BenchEnsemble) => Promise<T>,
): Promise<T> {
  const ensemble = await starting;
  try {
    await waitSettled(ensemble);
    return await body(ensemble);
  } finally {
    await ensemble.stop();
    assertStopped(ensemble);
  }
}

/** Throws when a member still listens after stop (called after the body, whose own error wins if it threw). */
function assertStopped(ensemble: BenchEnsemble): void {
  const stray = ensemble.members.filter((m) => listenerPid(m.clientPort) !== null);
  if (stray.length > 0)
    throw new Error(`members still listening after stop: ${stray.map((m) => m.clientPort).join(', ')}`);
}

type LoadAndMemory = Pick<SystemFigures, 'throughput' | 'unloaded' | 'memoryKb' | 'nodeCount'>;

async function measureAll(
  ensemble: BenchEnsemble,
  window: Window,
  options: EnsembleSuiteOptions,
): Promise<LoadAndMemory> {
  const loaded = Array.from({ length: CLIENTS }, (_, i) => ({
    connectString: hostOf(memberFor(ensemble, i)),
    node: `/bench/c${i}`,
  }));
  const throughput = await measureWorkloads(loaded, OUTSTANDING, window, options);
  const follower = await aFollower(ensemble);
  options.log(`  unloaded: 1 client × 1 outstanding on follower ${follower.id}`);
  const unloaded = await measureWorkloads([{ connectString: hostOf(follower), node: '/bench/u0' }], 1, window, options);
  const memoryKb = ensemble.members.map((m) => {
    const pid = listenerPid(m.clientPort);
    if (pid === null) throw new Error(`no process listens on client port ${m.clientPort}`);
    return residentKb(pid);
  });
  return { throughput, unloaded, memoryKb, nodeCount: await nodeCount(follower) };
}

/** The `Node count:` a member reports in `srvr`. */
async function nodeCount(member: Member): Promise<number> {
  const answer = await fourLetterWord(member.clientPort, 'srvr');
  return Number(/^Node count: (\d+)$/m.exec(answer)?.[1] ?? Number.NaN);
}

async function measureWorkloads(
  clients: ClientSpec[],
  outstanding: number,
  window: Window,
  options: EnsembleSuiteOptions,
): Promise<Record<Workload, LoadFigures>> {
  const load = await LoadClients.start(clients);
  try {
    const figures: Partial<Record<Workload, LoadFigures>> = {};
    for (const workload of WORKLOADS) {
      const f = await load.run(workload, outstanding, window);
      options.log(
        `  ${workload}: ${f.opsPerSec.toFixed(0)} ops/s, p50 ${f.p50Ms.toFixed(2)} ms, p99 ${f.p99Ms.toFixed(2)} ms, ${f.errors} errors${f.firstError === null ? '' : ` (first: ${f.firstError})`}`,
      );
      figures[workload] = f;
    }
    return figures as Record<Workload, LoadFigures>;
  } finally {
    await load.close();
  }
}
