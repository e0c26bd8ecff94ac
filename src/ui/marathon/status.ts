// What the apps list says about an app: Running, Deploying, Waiting (queued, with why offers were
// declined or how long its launch delay lasts) or Suspended (0 instances).
import type { App, QueueEntry } from './api.js';

export type AppStatus = 'Running' | 'Deploying' | 'Waiting' | 'Suspended';

export interface StatusLine {
  status: AppStatus;
  /** Why it waits (queue), empty otherwise. */
  detail: string;
}

export function appStatus(app: App, queued: QueueEntry | undefined): StatusLine {
  const waiting = queued === undefined ? '' : waitReason(queued);
  if (waiting !== '') return { status: 'Waiting', detail: waiting };
  if (app.deployments.length > 0) return { status: 'Deploying', detail: '' };
  if (app.instances === 0) return { status: 'Suspended', detail: '' };
  return { status: 'Running', detail: '' };
}

/** The queue's most frequent decline reason, or the launch delay; '' when the entry does not wait on anything. */
function waitReason(entry: QueueEntry): string {
  if (!entry.delay.overdue) return `launch delayed ${entry.delay.timeLeftSeconds} s`;
  const declines = [...entry.processedOffersSummary.rejectSummaryLaunchAttempt]
    .filter((r) => r.declined > 0)
    .sort((a, b) => b.declined - a.declined);
  const top = declines[0];
  return top === undefined ? '' : `offers declined: ${top.reason} (${top.declined}×)`;
}

/** The badge class for a status (ui/common.css colours). */
export function statusClass(status: AppStatus): string {
  switch (status) {
    case 'Running':
      return 'ok';
    case 'Deploying':
    case 'Waiting':
      return 'warn';
    case 'Suspended':
      return '';
  }
}
