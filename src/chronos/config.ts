// The timing numbers of the Chronos-style scheduler and its two profiles: numbers fed to the same code.
export interface ChronosTiming {
  /** --failure_retry: a failed attempt is retried this long after it failed. */
  failureRetryMs: number;
  /** --reconciliation_interval: explicit and implicit reconciliation of the tasks in flight. */
  reconciliationIntervalMs: number;
  /** A KILL not answered by a terminal update within this is sent again. */
  killRetryMs: number;
  /** --decline_offer_duration: refuse_seconds of a DECLINE. */
  declineRefuseSeconds: number;
  /** How often the shell feeds a tick (besides waking at the next due start). */
  tickMs: number;
}

/**
 * `demo`: a failed run is retried after 5 s and reconciliation runs every 30 s; `realistic`: Chronos's defaults;
 * `teach`: between the two, so a retry can be watched coming.
 */
export const CHRONOS_TIMING: Record<'demo' | 'realistic' | 'teach', ChronosTiming> = {
  demo: {
    failureRetryMs: 5_000,
    reconciliationIntervalMs: 30_000,
    killRetryMs: 2_000,
    declineRefuseSeconds: 5,
    tickMs: 100,
  },
  teach: {
    failureRetryMs: 15_000,
    reconciliationIntervalMs: 60_000,
    killRetryMs: 4_000,
    declineRefuseSeconds: 5,
    tickMs: 250,
  },
  realistic: {
    failureRetryMs: 60_000,
    reconciliationIntervalMs: 600_000,
    killRetryMs: 10_000,
    declineRefuseSeconds: 5,
    tickMs: 1_000,
  },
};
