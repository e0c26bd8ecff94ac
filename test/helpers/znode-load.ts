// Load on an ensemble for tests and benchmarks: many znodes created in multis, and one writer setting
// a znode over and over that keeps each write's latency.
import type { ZkClient } from '../../src/ensemble/client/index.js';
import type { Op } from '../../src/ensemble/client/ops.js';

const PER_MULTI = 1_000;

/** Creates `/bulk` with `count` children of a few bytes each. */
export async function createZnodes(client: ZkClient, count: number): Promise<void> {
  await client.create('/bulk', null);
  for (let first = 0; first < count; first += PER_MULTI) {
    const ops: Op[] = Array.from({ length: Math.min(PER_MULTI, count - first) }, (_, i) => ({
      op: 'create',
      path: `/bulk/n-${first + i}`,
      data: Buffer.from(`value of znode ${first + i}`),
    }));
    await client.multi(ops);
  }
}

export interface SteadyWriter {
  /** Milliseconds of each write so far, in order. */
  readonly latencies: number[];
  stop(): Promise<void>;
}

/** Sets `path` (created when missing) again and again, one write at a time. */
export function steadyWriter(client: ZkClient, path = '/load'): SteadyWriter {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    if ((await client.exists(path)) === null) await client.create(path, null);
    for (let i = 0; running; i++) {
      const started = performance.now();
      await client.setData(path, Buffer.from(String(i)));
      latencies.push(performance.now() - started);
    }
  })();
  return {
    latencies,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
