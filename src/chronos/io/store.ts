// The Chronos state in ZooKeeper under --zk_path (`/chronos/state`), on the election's session: as Chronos keeps
// it, each job a `state/J_<name>` Entry holding its JSON and the framework id in `state/frameworkId`; and what
// Chronos keeps in memory only (parents' counters, the queued run, tasks in flight, history) as `runs/<name>`.
// Each batch (one request's writes, one input's) commits in one multi or not at all.
import { CHRONOS_MULTI_BUDGET_BYTES } from '../../common/limits.js';
import { errorMessage } from '../../common/errors.js';
import type { Logger } from '../../common/logging.js';
import { Err, isZkError, type ZkClient } from '../../ensemble/client/index.js';
import type { Op } from '../../ensemble/client/ops.js';
import { bytesOf, chunks, CommitPack, inParallel, multiWithin, StoreWriteError } from '../../framework/zk-commit.js';
import { type JobDefaults, type Job, readJob, writeJob } from '../core/job.js';
import type { JobRuns, StoredState, StoreWrite } from '../core/messages.js';
import { decodeEntry, decodeFrameworkId, encodeEntry, encodeFrameworkId } from './entry.js';

const JOB_PREFIX = 'J_';
const FRAMEWORK_ID = 'frameworkId';

export class ChronosStateStore {
  private readonly state: string;
  private readonly runs: string;
  /** Nodes known to exist, so each write is a create or a setData. */
  private readonly existing = new Set<string>();

  constructor(
    private readonly o: {
      client: ZkClient;
      /** --zk_path, e.g. `/chronos/state`. */
      path: string;
      /** Defaults for fields a stored job lacks. */
      defaults: JobDefaults;
      log: Logger;
    },
  ) {
    this.state = `${o.path}/state`;
    this.runs = `${o.path}/runs`;
  }

  /** Reads everything (creating the parent nodes of a new store). */
  async load(): Promise<StoredState> {
    const { client, log } = this.o;
    for (const path of [this.state, this.runs]) await client.mkdirp(path);
    const names = await client.getChildren(this.state);
    const frameworkId = names.includes(FRAMEWORK_ID) ? await this.readFrameworkId() : null;
    const jobNodes = names.filter((n) => n.startsWith(JOB_PREFIX));
    const jobs = (await inParallel(jobNodes, (n) => this.readJob(`${this.state}/${n}`))).filter(
      (job): job is Job => job !== null,
    );
    const runNames = await client.getChildren(this.runs);
    const runs = (await inParallel(runNames, (n) => this.readRuns(`${this.runs}/${n}`))).filter(
      (r): r is JobRuns => r !== null,
    );
    log.info(
      `Recovered state from ${client.connectedTo ?? 'ZooKeeper'}: ${jobs.length} jobs, ` +
        `${runs.reduce((n, r) => n + r.tasks.length, 0)} tasks in flight, framework id ${frameworkId ?? 'none'}`,
    );
    return { frameworkId, jobs, runs };
  }

  /**
   * Stores the batches in order, packed into multis while they fit; a batch too big for one multi (a delete
   * with thousands of children) is stored in parts, and says so.
   */
  async apply(batches: readonly (readonly StoreWrite[])[]): Promise<void> {
    const pack = new CommitPack((ops) => this.multi(ops), CHRONOS_MULTI_BUDGET_BYTES);
    try {
      for (const batch of batches) {
        const ops = batch.flatMap((w) => this.opsOf(w));
        if (bytesOf(ops) <= CHRONOS_MULTI_BUDGET_BYTES) {
          await pack.add(ops);
          continue;
        }
        this.o.log.warn(`A batch of ${batch.length} writes is too big for one multi; storing it in parts`);
        await pack.flush();
        for (const chunk of chunks(ops, CHRONOS_MULTI_BUDGET_BYTES)) await this.multi(chunk);
        pack.countStored();
      }
      await pack.flush();
    } catch (err) {
      throw new StoreWriteError(pack.committed, err);
    }
  }

  private multi(ops: Op[]): Promise<void> {
    return multiWithin(this.o.client, ops, CHRONOS_MULTI_BUDGET_BYTES);
  }

  private opsOf(w: StoreWrite): Op[] {
    switch (w.kind) {
      case 'framework-id':
        return [this.put(`${this.state}/${FRAMEWORK_ID}`, encodeEntry(FRAMEWORK_ID, encodeFrameworkId(w.frameworkId)))];
      case 'job': {
        const name = `${JOB_PREFIX}${w.job.name}`;
        return [this.put(`${this.state}/${name}`, encodeEntry(name, Buffer.from(JSON.stringify(writeJob(w.job)))))];
      }
      case 'runs':
        return [this.put(`${this.runs}/${w.runs.name}`, Buffer.from(JSON.stringify(w.runs)))];
      case 'delete-job':
        return [`${this.state}/${JOB_PREFIX}${w.name}`, `${this.runs}/${w.name}`].flatMap((path) =>
          this.existing.delete(path) ? [{ op: 'delete' as const, path }] : [],
        );
    }
  }

  private put(path: string, data: Buffer): Op {
    if (this.existing.has(path)) return { op: 'setData', path, data };
    this.existing.add(path);
    return { op: 'create', path, data };
  }

  private async readFrameworkId(): Promise<string | null> {
    const data = await this.read(`${this.state}/${FRAMEWORK_ID}`);
    const entry = data === null ? null : decodeEntry(data);
    return entry === null ? null : decodeFrameworkId(entry.value);
  }

  private async readJob(path: string): Promise<Job | null> {
    const data = await this.read(path);
    const entry = data === null ? null : decodeEntry(data);
    if (entry === null) return null;
    try {
      return readJob(JSON.parse(entry.value.toString('utf8')), { defaults: this.o.defaults, runOnceSchedule: '' });
    } catch (err) {
      this.o.log.error(`Skipping the job stored at ${path}: ${errorMessage(err)}`);
      return null;
    }
  }

  private async readRuns(path: string): Promise<JobRuns | null> {
    const data = await this.read(path);
    if (data === null) return null;
    try {
      return JSON.parse(data.toString('utf8')) as JobRuns;
    } catch (err) {
      this.o.log.error(`Skipping the runs stored at ${path}: ${errorMessage(err)}`);
      return null;
    }
  }

  private async read(path: string): Promise<Buffer | null> {
    try {
      const { data } = await this.o.client.getData(path);
      this.existing.add(path);
      return data ?? Buffer.alloc(0);
    } catch (err) {
      if (isZkError(err, Err.NoNode)) return null;
      throw err;
    }
  }
}
