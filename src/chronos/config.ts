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

/** `demo`: a failed run is retried after 5 s and reconciliation runs every 30 s; `realistic`: Chronos's defaults. */
export const CHRONOS_TIMING: Record<'demo' | 'realistic', ChronosTiming> = {
  demo: {
    failureRetryMs: 5_000,
    reconciliationIntervalMs: 30_000,
    killRetryMs: 2_000,
    declineRefuseSeconds: 5,
    tickMs: 100,
  },
  realistic: {
    failureRetryMs: 60_000,
    reconciliationIntervalMs: 600_000,
    killRetryMs: 10_000,
    declineRefuseSeconds: 5,
    tickMs: 1_000,
  },
};
