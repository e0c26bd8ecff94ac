// Entry of a Chronos in a worker thread: workerData is its ChronosWorkerConfig; it posts ready and its state on every
// change, and on {type:'stop'} leaves the latch (its tasks keep running) and ends.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../common/logging.js';
import { Chronos, type ChronosReport } from './chronos.js';
import type { ChronosWorkerConfig } from './worker-config.js';

export type ChronosWorkerMessage = { type: 'ready'; url: string } | ({ type: 'state' } & ChronosReport);

function post(message: ChronosWorkerMessage): void {
  parentPort?.postMessage(message);
}

async function main(config: ChronosWorkerConfig): Promise<void> {
  const log = createLogger({ component: config.name, file: config.logFile, sync: true });
  const chronos = await Chronos.start({
    config,
    log,
    onReport: (report) => post({ type: 'state', ...report }),
  });
  post({ type: 'ready', url: chronos.url });
  post({ type: 'state', ...chronos.report });
  parentPort?.on('message', (message: { type?: unknown }) => {
    if (message.type !== 'stop') return;
    log.info('Stopping on request');
    void chronos.stop().finally(() => process.exit(0));
  });
}

void main(workerData as ChronosWorkerConfig).catch((err: unknown) => {
  process.stderr.write(`chronos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
