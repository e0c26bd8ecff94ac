// The `snap` suite: how long clients' writes wait while a follower that missed too much to be sent a
// DIFF rejoins a 100,000-znode ensemble by SNAP, for our ensemble and a real ZooKeeper 3.8 side by side
// (same tick, same load: one client setting a znode over and over through the leader).
import { LOOPBACK } from '../src/common/ports.js';
import { COMMITTED_LOG_FOR_DIFF } from '../src/common/limits.js';
import { ZkClient } from '../src/ensemble/client/index.js';
import { waitUntil } from '../test/helpers/ensemble.js';
import { realZooKeeperMissing } from '../test/helpers/real-zookeeper.js';
import { createZnodes, steadyWriter } from '../test/helpers/znode-load.js';
import { markdownTable } from './report.js';
import { percentile } from './stats.js';
import { type BenchEnsemble, startMinicluster, startZooKeeper, waitSettled } from './systems.js';

const ZNODES = 100_000;
const TICK_MS = 100;
/** Writes after the follower's kill: well past what a leader keeps for a DIFF. */
const WRITES_WHILE_DOWN = COMMITTED_LOG_FOR_DIFF * 4;
/** How long writes are watched after the rejoined member follows again. */
const AFTER_REJOIN_MS = 1_000;

export interface SnapFigures {
  znodes: number;
  tickMs: number;
  /** Per system: write latencies (ms) from the follower's restart until AFTER_REJOIN_MS after it follows again. */
  systems: { name: string; latencies: number[]; rejoinMs: number }[];
  skipped?: string;
}

export async function runSnapSuite(options: { zookeeper: boolean; log: (line: string) => void }): Promise<SnapFigures> {
  const { log } = options;
  const systems: SnapFigures['systems'] = [];
  log(`minicluster: ${ZNODES} znodes, tick ${TICK_MS} ms`);
  systems.push({ name: 'minicluster', ...(await measure(await startMinicluster(TICK_MS), log)) });
  const missing = options.zookeeper ? realZooKeeperMissing() : 'not asked for (--no-zookeeper)';
  if (missing === null) {
    log(`zookeeper 3.8: ${ZNODES} znodes, tickTime ${TICK_MS} ms`);
    systems.push({ name: 'zookeeper 3.8', ...(await measure(await startZooKeeper(TICK_MS), log)) });
  }
  return { znodes: ZNODES, tickMs: TICK_MS, systems, ...(missing === null ? {} : { skipped: missing }) };
}

async function measure(
  ensemble: BenchEnsemble,
  log: (line: string) => void,
): Promise<{ latencies: number[]; rejoinMs: number }> {
  try {
    const leaderId = await waitSettled(ensemble);
    const leader = ensemble.members.find((m) => m.id === leaderId);
    const follower = ensemble.members.find((m) => m.id !== leaderId);
    if (leader === undefined || follower === undefined) throw new Error('no leader and follower');
    const client = await ZkClient.connect(`${LOOPBACK}:${leader.clientPort}`, { sessionTimeoutMs: 30_000 });
    try {
      await createZnodes(client, ZNODES);
      await ensemble.kill(follower.id);
      const writer = steadyWriter(client);
      await waitUntil(
        'writes while the follower is down',
        async () => writer.latencies.length >= WRITES_WHILE_DOWN,
        60_000,
      );
      const from = writer.latencies.length;
      const started = performance.now();
      await ensemble.restart(follower.id);
      await waitSettled(ensemble);
      const rejoinMs = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, AFTER_REJOIN_MS));
      await writer.stop();
      const latencies = writer.latencies.slice(from);
      log(`  rejoined in ${Math.round(rejoinMs)} ms; longest write wait ${Math.max(...latencies).toFixed(1)} ms`);
      return { latencies, rejoinMs };
    } finally {
      await client.close();
    }
  } finally {
    await ensemble.stop();
  }
}

export function renderSnapReport(f: SnapFigures): string {
  const sorted = f.systems.map((s) => [...s.latencies].sort((a, b) => a - b));
  const row = (label: string, value: (i: number) => number): string[] => {
    const values = f.systems.map((_, i) => value(i));
    const ratio = values.length === 2 ? `${((values[0] ?? 0) / (values[1] ?? 1)).toFixed(2)}×` : '';
    return [label, ...values.map((v) => `${v.toFixed(1)} ms`), ...(values.length === 2 ? [ratio] : [])];
  };
  const header = ['metric', ...f.systems.map((s) => s.name), ...(f.systems.length === 2 ? ['ratio'] : [])];
  return [
    ...markdownTable(
      `Writes while a follower rejoins ${f.znodes} znodes by SNAP (tick ${f.tickMs} ms, one writer through the leader)`,
      header,
      [
        row('longest write wait', (i) => sorted[i]?.at(-1) ?? 0),
        row('p99 write', (i) => percentile(sorted[i] ?? [], 0.99)),
        row('median write', (i) => percentile(sorted[i] ?? [], 0.5)),
        row('restart → following again', (i) => f.systems[i]?.rejoinMs ?? 0),
      ],
    ),
    ...(f.skipped === undefined ? [] : [`zookeeper 3.8 not run: ${f.skipped}`]),
  ].join('\n');
}
