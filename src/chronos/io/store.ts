// The Chronos state under --zk_path (/chronos/state): jobs and framework id as Chronos keeps them in `state/`, what it
// keeps in memory only in `runs/`, each job's last tasks in `history/`; each batch commits in one multi or not at all.
import { CHRONOS_MULTI_BUDGET_BYTES } from '../../common/limits.js';
import { errorMessage } from '../../common/errors.js';
import type { Logger } from '../../common/logging.js';
import { Err, isZkError, type ZkClient } from '../../ensemble/client/index.js';
import type { Op } from '../../ensemble/client/ops.js';
import { bytesOf, chunks, CommitPack, inParallel, multiWithin, StoreWriteError } from '../../framework/zk-commit.js';
import { type JobDefaults, type Job, readJob, writeJob } from '../core/job.js';
import type { JobHistory, JobRuns, StoredState, StoreWrite } from '../core/messages.js';
import { decodeEntry, decodeFrameworkId, encodeEntry, encodeFrameworkId } from './entry.js';

const JOB_PREFIX = 'J_';
const FRAMEWORK_ID = 'frameworkId';

export class ChronosStateStore {
  private readonly state: string;
  private readonly runs: string;
  private readonly history: string;
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
    this.history = `${o.path}/history`;
  }

  /** Reads everything (creating the parent nodes of a new store). */
  async load(): Promise<StoredState> {
    const { client, log } = this.o;
    for (const path of [this.state, this.runs, this.history]) await client.mkdirp(path);
    const names = await client.getChildren(this.state);
    const frameworkId = names.includes(FRAMEWORK_ID) ? await this.readFrameworkId() : null;
    const jobNodes = names.filter((n) => n.startsWith(JOB_PREFIX));
    const jobs = (await inParallel(jobNodes, (n) => this.readJob(`${this.state}/${n}`))).filter(
      (job): job is Job => job !== null,
    );
    const runs = await this.readAll<JobRuns>(this.runs);
    const histories = await this.readAll<JobHistory>(this.history);
    log.info(
      `Recovered state from ${client.connectedTo ?? 'ZooKeeper'}: ${jobs.length} jobs, ` +
        `${runs.reduce((n, r) => n + r.tasks.length, 0)} tasks in flight, framework id ${frameworkId ?? 'none'}`,
    );
    return { frameworkId, jobs, runs, histories };
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
      case 'history':
        return [this.put(`${this.history}/${w.history.name}`, Buffer.from(JSON.stringify(w.history)))];
      case 'delete-job':
        return [`${this.state}/${JOB_PREFIX}${w.name}`, `${this.runs}/${w.name}`, `${this.history}/${w.name}`].flatMap(
          (path) => (this.existing.delete(path) ? [{ op: 'delete' as const, path }] : []),
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

  /** The JSON records under a parent node (one that does not read back is skipped, and logged). */
  private async readAll<T>(parent: string): Promise<T[]> {
    const names = await this.o.client.getChildren(parent);
    const values = await inParallel(names, async (name) => {
      const data = await this.read(`${parent}/${name}`);
      try {
        return data === null ? null : (JSON.parse(data.toString('utf8')) as T);
      } catch (err) {
        this.o.log.error(`Skipping the record stored at ${parent}/${name}: ${errorMessage(err)}`);
        return null;
      }
    });
    return values.filter((v): v is Awaited<T> => v !== null) as T[];
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
