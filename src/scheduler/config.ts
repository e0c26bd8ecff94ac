// The timing numbers of the Marathon-style scheduler and its two profiles. Profiles are numbers fed
// to the same code, never branches.
import type { ProfileName } from '../cluster/spec.js';

export interface SchedulerTiming {
  /** Marathon --reconciliation_initial_delay: first periodic reconciliation after subscribing. */
  reconciliationInitialDelayMs: number;
  /** Marathon --reconciliation_interval: explicit + implicit reconciliation period. */
  reconciliationIntervalMs: number;
  /** A KILL not answered by a terminal update within this is sent again. */
  killRetryMs: number;
  /** Marathon --task_launch_timeout: a task not running within this after launch is killed. */
  taskLaunchTimeoutMs: number;
  /** Filters.refuse_seconds of DECLINE (and of the unused rest of an ACCEPT). */
  declineRefuseSeconds: number;
  /** Marathon --scale_apps_interval: every app not in a deployment gets its instance count repaired. */
  scaleCheckIntervalMs: number;
  /** How often the shell feeds a tick. */
  tickMs: number;
}

const DEMO: SchedulerTiming = {
  reconciliationInitialDelayMs: 2_000,
  reconciliationIntervalMs: 30_000,
  killRetryMs: 2_000,
  taskLaunchTimeoutMs: 60_000,
  declineRefuseSeconds: 1,
  scaleCheckIntervalMs: 5_000,
  tickMs: 100,
};

/**
 * `demo`: a failed task is replaced and a lost KILL resent within a second or two. `realistic`:
 * Marathon's defaults (reconcile 15 s then every 10 min, launch timeout 5 min, scale check 5 min).
 * `teach` slows only elections and failover, so the scheduler keeps demo's numbers.
 */
export const SCHEDULER_TIMING: Record<ProfileName, SchedulerTiming> = {
  demo: DEMO,
  teach: DEMO,
  realistic: {
    reconciliationInitialDelayMs: 15_000,
    reconciliationIntervalMs: 600_000,
    killRetryMs: 10_000,
    taskLaunchTimeoutMs: 300_000,
    declineRefuseSeconds: 5,
    scaleCheckIntervalMs: 300_000,
    tickMs: 1_000,
  },
};
