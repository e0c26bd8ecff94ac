// How frameworks store their state in ZooKeeper: each batch of writes in one multi, packed with its neighbours within a
// byte budget and split only when it alone is too big; reads of many nodes in parallel on one connection.
import type { ZkClient } from '../ensemble/client/index.js';
import type { Op } from '../ensemble/client/ops.js';

/** Reads that are in flight at once while loading (ZooKeeper pipelines them on one connection). */
const LOAD_CONCURRENCY = 64;

/** A store write failed; the first `committed` batches of the call were stored before it did. */
export class StoreWriteError extends Error {
  constructor(
    readonly committed: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** Bytes an op adds to a multi request: its path and data, and the record around them. */
export function opBytes(op: Op): number {
  const OP_OVERHEAD_BYTES = 48;
  const data = op.op === 'create' || op.op === 'setData' ? (op.data?.length ?? 0) : 0;
  return Buffer.byteLength(op.path) + data + OP_OVERHEAD_BYTES;
}

export function bytesOf(ops: readonly Op[]): number {
  return ops.reduce((sum, op) => sum + opBytes(op), 0);
}

/** Consecutive ops in multis that fit the budget. */
export function chunks(ops: readonly Op[], budget: number): Op[][] {
  const out: Op[][] = [];
  let current: Op[] = [];
  let bytes = 0;
  for (const op of ops) {
    const size = opBytes(op);
    if (current.length > 0 && bytes + size > budget) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(op);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** One multi of ops that fit the budget; an op that alone exceeds it is refused before anything is sent. */
export async function multiWithin(client: ZkClient, ops: Op[], budget: number): Promise<void> {
  if (ops.length === 0) return;
  const oversized = ops.find((op) => opBytes(op) > budget);
  if (oversized !== undefined) throw new Error(`${oversized.path} is too big to store (${opBytes(oversized)} bytes)`);
  await client.multi(ops);
}

/** Commit ops of whole batches, sent as one multi once the next batch would not fit. */
export class CommitPack {
  private ops: Op[] = [];
  private bytes = 0;
  private batches = 0;
  /** Batches durably stored so far. */
  committed = 0;

  constructor(
    private readonly send: (ops: Op[]) => Promise<void>,
    private readonly budget: number,
  ) {}

  async add(ops: Op[]): Promise<void> {
    const bytes = bytesOf(ops);
    if (this.bytes + bytes > this.budget) await this.flush();
    this.ops.push(...ops);
    this.bytes += bytes;
    this.batches += 1;
  }

  async flush(): Promise<void> {
    if (this.batches === 0) return;
    await this.send(this.ops);
    this.committed += this.batches;
    this.ops = [];
    this.bytes = 0;
    this.batches = 0;
  }

  /** A batch stored on its own, outside the pack (after a flush). */
  countStored(): void {
    this.committed += 1;
  }
}

/** Maps the items with at most LOAD_CONCURRENCY calls in flight; results in input order. */
export async function inParallel<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, items.length) }, worker));
  return results;
}
