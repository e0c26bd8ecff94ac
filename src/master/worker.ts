// Entry of a master hosted in a worker thread: workerData is its MasterWorkerConfig; it posts
// {type:'ready'} once it serves HTTP, {type:'state', role, leader} on every change, {type:'election', at,
// step} for each step of the contest, and on {type:'stop'} leaves the group, closes its connections and ends.
import { parentPort, workerData } from 'node:worker_threads';
import type { MasterStep } from '../common/election-record.js';
import { createLogger } from '../common/logging.js';
import type { MasterWorkerConfig } from './config.js';
import { Master, type MasterReport } from './master.js';

export type MasterWorkerMessage = { type: 'ready'; url: string } | ({ type: 'state' } & MasterReport);
/** A step of the contest for leading master, stamped with when it happened (ms since the epoch). */
export interface MasterElectionMessage {
  type: 'election';
  at: number;
  step: MasterStep;
}

function post(message: MasterWorkerMessage | MasterElectionMessage): void {
  parentPort?.postMessage(message);
}

async function main(config: MasterWorkerConfig): Promise<void> {
  const log = createLogger({ component: config.name, file: config.logFile, sync: true });
  const master = await Master.start({
    config,
    log,
    onReport: (report) => post({ type: 'state', ...report }),
    onStep: (step) => post({ type: 'election', at: Date.now(), step }),
  });
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
