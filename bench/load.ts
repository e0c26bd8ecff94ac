// The closed-loop load generator: N clients in worker threads, each with its own session to one
// member, run one workload at a time over a shared warm-up and measured window.
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { percentile } from './stats.js';
import type { LoadWorkerData, WorkerCommand, WorkerReport } from './load-worker.js';
import type { Workload } from './zk-client.js';

export interface LoadFigures {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered with an error (connection loss, …) during the run, and the first such error. */
  errors: number;
  firstError: string | null;
}

export interface Window {
  warmupMs: number;
  measureMs: number;
}

export interface ClientSpec {
  connectString: string;
  node: string;
}

export const PAYLOAD_BYTES = 100;
const SESSION_TIMEOUT_MS = 30_000;
/** Lets every worker receive the run command before the shared window opens. */
const START_MARGIN_MS = 50;

type DoneReport = Extract<WorkerReport, { type: 'done' }>;

export class LoadClients {
  private constructor(private readonly workers: Worker[]) {}

  /** One worker per client, each connected and with its node created. */
  static async start(clients: readonly ClientSpec[]): Promise<LoadClients> {
    const workers = clients.map((c) =>
      spawnWorker({ ...c, payloadBytes: PAYLOAD_BYTES, sessionTimeoutMs: SESSION_TIMEOUT_MS }),
    );
    const load = new LoadClients(workers);
    try {
      await Promise.all(workers.map((w) => nextReport(w, 'ready')));
    } catch (err) {
      await load.close();
      throw err;
    }
    return load;
  }

  async run(workload: Workload, outstanding: number, window: Window): Promise<LoadFigures> {
    const warmUntil = performance.timeOrigin + performance.now() + START_MARGIN_MS + window.warmupMs;
    const command: WorkerCommand = {
      type: 'run',
      workload,
      outstanding,
      warmUntil,
      measureUntil: warmUntil + window.measureMs,
    };
    const reports = await Promise.all(
      this.workers.map((w) => {
        const report = nextReport(w, 'done');
        w.postMessage(command);
        return report;
      }),
    );
    return summarize(reports, window.measureMs);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => closeWorker(w)));
  }
}

function spawnWorker(data: LoadWorkerData): Worker {
  return new Worker(new URL('./load-worker.js', import.meta.url), { workerData: data });
}

function nextReport<T extends 'ready' | 'done'>(worker: Worker, type: T): Promise<Extract<WorkerReport, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (report: WorkerReport): void => {
      cleanup();
      if (report.type === type) resolve(report as Extract<WorkerReport, { type: T }>);
      else
        reject(
          new Error(
            report.type === 'failed'
              ? `load client failed: ${report.message}`
              : `unexpected ${report.type} from a load client`,
          ),
        );
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
  });
}

async function closeWorker(worker: Worker): Promise<void> {
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.postMessage({ type: 'close' } satisfies WorkerCommand);
  const forced = setTimeout(() => void worker.terminate(), 2_000);
  await exited;
  clearTimeout(forced);
}

function summarize(reports: readonly DoneReport[], measureMs: number): LoadFigures {
  const total = reports.reduce((n, r) => n + r.latencies.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const r of reports) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  all.sort();
  return {
    opsPerSec: total / (measureMs / 1000),
    p50Ms: percentile(all, 0.5),
    p99Ms: percentile(all, 0.99),
    errors: reports.reduce((n, r) => n + r.errors, 0),
    firstError: reports.find((r) => r.firstError !== null)?.firstError ?? null,
  };
}
