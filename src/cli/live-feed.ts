// Feeds `up`'s live status: the supervisor's timeline as it happens, and snapshots of the cluster's
// status with the scheduler's apps after events and every second, at most a few times a second.
import { MarathonClient } from '../api/marathon.js';
import { LIVE_STATUS_POLL_MS, TERMINAL_REDRAW_MS } from '../common/limits.js';
import type { ControlTarget } from '../cluster/control.js';
import type { TimelineEvent } from '../cluster/core/timeline.js';
import type { LiveSnapshot } from './live-status.js';

export interface LiveFeedOptions {
  /** The supervisor of this process. */
  source: Pick<ControlTarget, 'status' | 'timeline'>;
  onEvent(event: TimelineEvent): void;
  onSnapshot(snapshot: LiveSnapshot): void;
}

/** Starts feeding; the function it returns stops it. */
export function followCluster(o: LiveFeedOptions): () => void {
  let stopped = false;
  let running = false;
  let again = false;
  let lastAt = 0;
  let timer: NodeJS.Timeout | null = null;

  const take = async (): Promise<void> => {
    timer = null;
    running = true;
    lastAt = Date.now();
    try {
      const snapshot = await snapshotOf(o.source);
      if (!stopped) o.onSnapshot(snapshot);
    } catch {
      // the supervisor is stopping: the next event or poll tries again
    } finally {
      running = false;
      if (again) request();
    }
  };
  /** One snapshot at a time, none sooner than TERMINAL_REDRAW_MS after the last. */
  const request = (): void => {
    again = running;
    if (stopped || running || timer !== null) return;
    timer = setTimeout(() => void take(), Math.max(0, lastAt + TERMINAL_REDRAW_MS - Date.now()));
  };

  const unsubscribe = o.source.timeline.subscribe((event) => {
    o.onEvent(event);
    request();
  });
  const poll = setInterval(request, LIVE_STATUS_POLL_MS);
  request();
  return () => {
    stopped = true;
    unsubscribe();
    clearInterval(poll);
    if (timer !== null) clearTimeout(timer);
  };
}

async function snapshotOf(source: LiveFeedOptions['source']): Promise<LiveSnapshot> {
  const status = await source.status();
  const apps = status.marathon === null ? null : await new MarathonClient(status.marathon).apps().catch(() => null);
  return { status, apps };
}
