// Entry of a master hosted in a worker thread: workerData is its MasterWorkerConfig; it posts
// {type:'ready'} once it serves HTTP, {type:'state', role, leader} on every change, and on
// {type:'stop'} leaves the group, closes its connections and ends the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../common/logging.js';
import type { MasterWorkerConfig } from './config.js';
import { Master, type MasterReport } from './master.js';

export type MasterWorkerMessage = { type: 'ready'; url: string } | ({ type: 'state' } & MasterReport);

function post(message: MasterWorkerMessage): void {
  parentPort?.postMessage(message);
}

async function main(config: MasterWorkerConfig): Promise<void> {
  const log = createLogger({ component: config.name, file: config.logFile, sync: true });
  const master = await Master.start({ config, log, onReport: (report) => post({ type: 'state', ...report }) });
  post({ type: 'ready', url: master.url });
  post({ type: 'state', ...master.report });
  parentPort?.on('message', (message: { type?: unknown }) => {
    if (message.type !== 'stop') return;
    log.info('Stopping on request');
    void master.stop().finally(() => process.exit(0));
  });
}

void main(workerData as MasterWorkerConfig).catch((err: unknown) => {
  process.stderr.write(`master: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
