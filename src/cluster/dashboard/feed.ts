// The dashboard's live feed: the browsers connected over the WebSocket, and snapshots for them. A new
// browser gets one at once; everyone gets a new one shortly after a supervisor change or a timeline
// event, and after each one-second poll that found something different (Marathon apps and tasks).
import type { WebSocket } from 'ws';
import type { MasterStateJson } from '../../api/mesos.js';
import { MAX_DASHBOARD_CLIENTS, MAX_DASHBOARD_CLIENT_QUEUE_BYTES } from '../../common/limits.js';
import { errorMessage } from '../../common/errors.js';
import type { Logger } from '../../common/logging.js';
import type { ChartPoint, DashboardSnapshot } from '../../ui/dashboard/model.js';
import type { ElectionHistory } from '../elections/log.js';
import type { TimelineStore } from '../timeline-store.js';
import type { ClusterStatus } from '../status.js';
import { addPoint, gapPoints, runningTasks } from './series.js';
import { buildSnapshot } from './snapshot.js';
import { leadingMasterState, readSources } from './sources.js';

/** How often the feed looks again while browsers are connected. */
const POLL_MS = 1_000;
/** How long after a change the feed looks, so a burst of reports makes one snapshot. */
const SETTLE_MS = 100;

export interface FeedOptions {
  status(): Promise<ClusterStatus>;
  timeline: TimelineStore;
  elections: ElectionHistory;
  log: Logger;
}

export class SnapshotFeed {
  private readonly clients = new Set<WebSocket>();
  /** Browsers that have not had a snapshot yet. */
  private readonly fresh = new Set<WebSocket>();
  private readonly poll: NodeJS.Timeout;
  private running: ChartPoint[] = [];
  /** The last state a leading master answered: the agents' figures while none does. */
  private lastMasterState: MasterStateJson | null = null;
  private lastSent = '';
  private settle: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;

  constructor(private readonly options: FeedOptions) {
    this.poll = setInterval(() => (this.clients.size === 0 ? void this.sample() : this.changed()), POLL_MS);
  }

  get full(): boolean {
    return this.clients.size >= MAX_DASHBOARD_CLIENTS;
  }

  add(ws: WebSocket): void {
    this.clients.add(ws);
    this.fresh.add(ws);
    ws.on('close', () => this.drop(ws));
    ws.on('error', () => this.drop(ws));
    this.changed();
  }

  /** Something changed: a snapshot follows within SETTLE_MS (or after the one being built). */
  changed(): void {
    if (this.clients.size === 0 || this.settle !== null) return;
    this.settle = setTimeout(() => {
      this.settle = null;
      void this.refresh();
    }, SETTLE_MS);
  }

  close(): void {
    clearInterval(this.poll);
    if (this.settle !== null) clearTimeout(this.settle);
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
  }

  private async refresh(): Promise<void> {
    if (this.refreshing !== null) {
      this.again = true;
      return;
    }
    this.refreshing = this.build()
      .then((snapshot) => this.send(snapshot))
      .catch((err: unknown) => this.options.log.warn({ err: errorMessage(err) }, 'dashboard snapshot failed'))
      .finally(() => (this.refreshing = null));
    await this.refreshing;
    if (this.again) {
      this.again = false;
      this.changed();
    }
  }

  /** With no page open the chart's history still grows, from the leading master alone. */
  private async sample(): Promise<void> {
    this.remember(await leadingMasterState(await this.options.status()), Date.now());
  }

  private remember(state: MasterStateJson | null, now: number): void {
    if (state === null) return;
    this.lastMasterState = state;
    this.running = addPoint(this.running, { at: now, value: runningTasks(state) });
  }

  private async build(): Promise<DashboardSnapshot> {
    const status = await this.options.status();
    const sources = await readSources(status);
    const now = Date.now();
    this.remember(sources.masterState, now);
    const events = this.options.timeline.since(0);
    const { elections } = this.options;
    return buildSnapshot({
      status,
      ...sources,
      lastMasterState: this.lastMasterState,
      events,
      chart: { running: this.running, gaps: gapPoints(events) },
      elections: { list: elections.summaries(), contest: elections.contest(), traffic: elections.recentTraffic() },
      now,
    });
  }

  /** To new browsers always; to the others only when something besides the time differs. */
  private send(snapshot: DashboardSnapshot): void {
    const text = JSON.stringify(snapshot);
    const key = JSON.stringify({ ...snapshot, at: 0 });
    const same = key === this.lastSent;
    this.lastSent = key;
    for (const ws of this.clients) {
      if (same && !this.fresh.has(ws)) continue;
      this.fresh.delete(ws);
      if (ws.bufferedAmount > MAX_DASHBOARD_CLIENT_QUEUE_BYTES) ws.terminate();
      else ws.send(text);
    }
  }

  private drop(ws: WebSocket): void {
    this.clients.delete(ws);
    this.fresh.delete(ws);
  }
}
