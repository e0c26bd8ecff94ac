// One load client in its own worker thread: one session to one member, a closed loop with a fixed
// number of outstanding requests, latencies of the requests that complete inside the measured window.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { connectClient, ensureNode, issuer, type Issue, type Workload } from './zk-client.js';

export interface LoadWorkerData {
  connectString: string;
  /** The znode this client reads and writes; create makes children under it. */
  node: string;
  payloadBytes: number;
  sessionTimeoutMs: number;
}

export interface RunCommand {
  type: 'run';
  workload: Workload;
  outstanding: number;
  /** Wall-clock ms (timeOrigin-based) when warm-up ends and measuring starts. */
  warmUntil: number;
  measureUntil: number;
}

export type WorkerCommand = RunCommand | { type: 'close' };

export type WorkerReport =
  | { type: 'ready' }
  | { type: 'done'; latencies: Float64Array<ArrayBuffer>; errors: number; firstError: string | null }
  | { type: 'failed'; message: string };

const CONNECT_TIMEOUT_MS = 15_000;
const SPIN_DELAY_MS = 100;
/** A failed request is retried after this pause, so a lost session does not spin the loop. */
const ERROR_PAUSE_MS = 10;

const wallClock = (): number => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('load-worker must run in a worker thread');
  const data = workerData as LoadWorkerData;
  const payload = Buffer.alloc(data.payloadBytes, 'x');
  const client = await connectClient(data.connectString, {
    sessionTimeoutMs: data.sessionTimeoutMs,
    spinDelayMs: SPIN_DELAY_MS,
    timeoutMs: CONNECT_TIMEOUT_MS,
  });
  await ensureNode(client, data.node, payload);
  port.on('message', (command: WorkerCommand) => {
    if (command.type === 'close') {
      client.close();
      port.close();
      return;
    }
    void runLoop(issuer(client, command.workload, data.node, payload), command).then((report) =>
      port.postMessage(report, [report.latencies.buffer]),
    );
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReport);
}

/** Keeps `outstanding` requests in flight until `measureUntil`; resolves once all have answered. */
function runLoop(issue: Issue, command: RunCommand): Promise<Extract<WorkerReport, { type: 'done' }>> {
  let latencies: Float64Array<ArrayBuffer> = new Float64Array(1 << 16);
  let measured = 0;
  let errors = 0;
  let firstError: string | null = null;
  let inFlight = 0;
  return new Promise((resolve) => {
    const send = (): void => {
      const started = wallClock();
      if (started >= command.measureUntil) {
        if (inFlight === 0) resolve({ type: 'done', latencies: latencies.slice(0, measured), errors, firstError });
        return;
      }
      inFlight++;
      issue((error) => {
        inFlight--;
        const ended = wallClock();
        if (error !== null) {
          errors++;
          firstError ??= error.message;
          setTimeout(send, ERROR_PAUSE_MS);
          return;
        }
        if (ended >= command.warmUntil && ended < command.measureUntil) {
          if (measured === latencies.length) latencies = grow(latencies);
          latencies[measured++] = ended - started;
        }
        send();
      });
    };
    for (let i = 0; i < command.outstanding; i++) send();
  });
}

function grow(array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

main().catch((err: unknown) => {
  parentPort?.postMessage({
    type: 'failed',
    message: err instanceof Error ? err.message : String(err),
  } satisfies WorkerReport);
});
