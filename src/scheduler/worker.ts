// Entry of a scheduler hosted in a worker thread: workerData is its SchedulerWorkerConfig; it posts
// {type:'ready'} once it serves the API, {type:'state', …report} on every change, deployments and task
// state changes for the timeline, and on {type:'stop'} closes its event stream (the framework's tasks
// keep running), leaves the latch and ends the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../common/logging.js';
import { Marathon, type SchedulerReport } from './marathon.js';
import { TimelineReporter, type TimelineReport } from './timeline-report.js';
import type { SchedulerWorkerConfig } from './worker-config.js';

export type SchedulerWorkerMessage =
  | { type: 'ready'; url: string }
  | ({ type: 'state' } & SchedulerReport)
  | TimelineReport;

function post(message: SchedulerWorkerMessage): void {
  parentPort?.postMessage(message);
}

async function main(config: SchedulerWorkerConfig): Promise<void> {
  const log = createLogger({ component: config.name, file: config.logFile, sync: true });
  const timeline = new TimelineReporter();
  const marathon = await Marathon.start({
    config,
    log,
    onReport: (report) => post({ type: 'state', ...report }),
    onEvent: (event) => {
      const report = timeline.report(event);
      if (report !== null) post(report);
    },
  });
  post({ type: 'ready', url: marathon.url });
  post({ type: 'state', ...marathon.report });
  parentPort?.on('message', (message: { type?: unknown }) => {
    if (message.type !== 'stop') return;
    log.info('Stopping on request');
    void marathon.stop().finally(() => process.exit(0));
  });
}

void main(workerData as SchedulerWorkerConfig).catch((err: unknown) => {
  process.stderr.write(`scheduler: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
