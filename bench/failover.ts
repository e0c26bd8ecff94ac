// Leader failover as a client sees it: kill -9 of the leader, then the time until a write issued
// after the kill succeeds, from one client that writes every 10 ms through any member.
import { performance } from 'node:perf_hooks';
import { PAYLOAD_BYTES } from './load.js';
import { waitSettled, type BenchEnsemble } from './systems.js';
import { connectClient, ensureNode, issuer, type Issue } from './zk-client.js';

const RETRY_MS = 10;
/** Writes run this long before the kill, so the client is in its steady loop when it happens. */
const LEAD_IN_MS = 200;
/** A run without a successful write by then counts as failed. */
const GIVE_UP_MS = 30_000;
const NODE = '/bench-failover';
const PAYLOAD = Buffer.alloc(PAYLOAD_BYTES, 'f');

/** One sample per run: ms from the kill to the first successful write, or null if none came. */
export async function measureFailover(
  ensemble: BenchEnsemble,
  runs: number,
  log: (line: string) => void,
): Promise<(number | null)[]> {
  const samples: (number | null)[] = [];
  for (let run = 1; run <= runs; run++) {
    const leader = await waitSettled(ensemble);
    const sample = await killLeaderOnce(ensemble, leader);
    log(
      `  failover run ${run}/${runs}: killed member ${leader}, first write after ${sample === null ? 'none' : `${sample.toFixed(0)} ms`}`,
    );
    samples.push(sample);
    await ensemble.restart(leader);
  }
  await waitSettled(ensemble);
  return samples;
}

async function killLeaderOnce(ensemble: BenchEnsemble, leader: number): Promise<number | null> {
  const client = await connectClient(ensemble.connectString, {
    sessionTimeoutMs: 10_000,
    spinDelayMs: RETRY_MS,
    timeoutMs: 15_000,
  });
  try {
    await ensureNode(client, NODE, PAYLOAD);
    return await firstWriteAfter(issuer(client, 'setData', NODE, PAYLOAD), () => ensemble.kill(leader));
  } finally {
    client.close();
  }
}

/** Writes in a loop (10 ms apart), calls `kill` after the lead-in, and times the first write issued after it. */
function firstWriteAfter(write: Issue, kill: () => Promise<void>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    let killedAt = Number.POSITIVE_INFINITY;
    let killed: Promise<void> = Promise.resolve();
    let finished = false;
    const finish = (sample: number | null): void => {
      finished = true;
      clearTimeout(giveUp);
      killed.then(() => resolve(sample), reject);
    };
    const attempt = (): void => {
      const sentAt = performance.now();
      write((error) => {
        if (finished) return;
        if (error === null && sentAt >= killedAt) finish(performance.now() - killedAt);
        else setTimeout(attempt, RETRY_MS);
      });
    };
    const giveUp = setTimeout(() => finish(null), LEAD_IN_MS + GIVE_UP_MS);
    setTimeout(() => {
      killedAt = performance.now();
      killed = kill();
      killed.catch(reject);
    }, LEAD_IN_MS);
    attempt();
  });
}
