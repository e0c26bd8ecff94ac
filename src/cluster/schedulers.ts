// The scheduler part of a cluster: Marathon-style schedulers as worker threads of the supervisor
// (ports kept across restarts), their roles as they report them, their deployments and task state
// changes for the timeline (bounded per second), start, kill and stop.
import { UserError, errorMessage } from '../common/errors.js';
import { MAX_TIMELINE_TASK_EVENTS_PER_SECOND } from '../common/limits.js';
import type { Logger } from '../common/logging.js';
import { LOOPBACK, type PortAllocator } from '../common/ports.js';
import type { UnservedPort } from '../scheduler/io/load-balancer.js';
import type { SchedulerReport } from '../scheduler/marathon.js';
import type { TimelineReport } from '../scheduler/timeline-report.js';
import type { SchedulerWorkerConfig } from '../scheduler/worker-config.js';
import type { ClusterFile, SchedulerLayout } from './cluster-file.js';
import type { ProcessState } from './core/ensemble-view.js';
import type { PortRange } from './core/layout.js';
import { TaskEventLimiter } from './core/task-events.js';
import type { TimelineEntry } from './core/timeline.js';
import { WorkerHost } from './host.js';
import { packagePath, type ClusterPaths } from './paths.js';
import type { ClusterSpec } from './spec.js';
import type { KillResult, SchedulerStatus, StartResult } from './status.js';
import { parseSchedulerMessage } from './worker-messages.js';

/** `minicluster kill scheduler` ends the leading scheduler. */
export const LEADING_SCHEDULER = 'scheduler';

export async function layoutSchedulers(o: {
  spec: ClusterSpec;
  previous: ClusterFile | null;
  ports: PortAllocator;
}): Promise<SchedulerLayout[]> {
  const out: SchedulerLayout[] = [];
  for (let i = 1; i <= o.spec.marathon.schedulers; i++) {
    const name = `scheduler-${i}`;
    out.push({ name, port: await o.ports.allocate(o.previous?.schedulers?.find((s) => s.name === name)?.port) });
  }
  return out;
}

export interface SchedulerOptions {
  paths: ClusterPaths;
  spec: ClusterSpec;
  /** `zk://…/mesos`; the schedulers keep their state under `/marathon` of the same ensemble. */
  zk: string;
  layout: SchedulerLayout[];
  /** The cluster's service port range, the same for every scheduler (one of them leads). */
  servicePorts: PortRange;
  /** Ports of the cluster's web servers, handed to each scheduler for its request guard. */
  sitePorts: number[];
  log: Logger;
  observe(entries: TimelineEntry[]): void;
}

interface SchedulerView {
  process: ProcessState;
  role: 'leading' | 'standby' | null;
  subscribed: boolean;
  frameworkId: string | null;
  unservedPorts: UnservedPort[];
}

export class SchedulerComponents {
  private readonly hosts = new Map<string, WorkerHost>();
  private readonly views = new Map<string, SchedulerView>();
  private leaderlessSince = Date.now();
  private readonly taskEvents = new TaskEventLimiter(MAX_TIMELINE_TASK_EVENTS_PER_SECOND);
  private summaryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: SchedulerOptions) {
    for (const s of options.layout) {
      this.hosts.set(s.name, this.host(s));
      this.views.set(s.name, {
        process: 'exited',
        role: null,
        subscribed: false,
        frameworkId: null,
        unservedPorts: [],
      });
    }
  }

  has(name: string): boolean {
    return this.hosts.has(name);
  }

  /** Whether its worker thread runs (or is starting). */
  isUp(name: string): boolean {
    return this.hostOf(name).pid !== null;
  }

  get names(): string[] {
    return [...this.hosts.keys()];
  }

  /** The leading scheduler's name, null while none leads. */
  leading(): string | null {
    return [...this.views.entries()].find(([, v]) => v.role === 'leading' && v.process === 'running')?.[0] ?? null;
  }

  /** `http://host:port` of the leading scheduler, or null while none leads. */
  leadingUrl(): string | null {
    const layout = this.options.layout.find((s) => s.name === this.leading());
    return layout === undefined ? null : urlOf(layout.port);
  }

  /** What a user can do while no scheduler leads. */
  noLeaderHint(): string {
    const down = this.options.layout.filter((s) => this.views.get(s.name)?.process !== 'running');
    const first = down[0] ?? this.options.layout[0];
    if (first === undefined) return 'this cluster runs no scheduler (up --schedulers 1)';
    return down.length > 0 ? `start one with \`minicluster start ${first.name}\`` : 'one is being elected; try again';
  }

  /** `http://host:port` of the leading scheduler, else of the first one (which proxies to the leader). */
  url(): string | null {
    const name = this.leading() ?? this.options.layout[0]?.name;
    const layout = this.options.layout.find((s) => s.name === name);
    return layout === undefined ? null : urlOf(layout.port);
  }

  /** Why the schedulers are not ready (one leads and is subscribed as a framework), or null. */
  notReady(): string | null {
    if (this.options.layout.length === 0) return null;
    const leading = this.leading();
    if (leading === null) return 'no scheduler is leading yet';
    return this.views.get(leading)?.subscribed === true
      ? null
      : `${leading} has not subscribed with the leading master yet`;
  }

  startAll(): Promise<void> {
    return Promise.all(this.names.map((name) => this.launch(name))).then(() => undefined);
  }

  async start(name: string): Promise<StartResult> {
    const host = this.hostOf(name);
    if (host.pid !== null) throw new UserError(`${name} is already running`);
    await this.launch(name);
    return { name, pid: host.pid ?? 0, thread: true, was: null };
  }

  /** Ends the worker thread abruptly; the framework's tasks keep running on the agents. */
  async kill(name: string): Promise<KillResult> {
    const host = this.hostOf(name);
    if (host.pid === null) throw new UserError(`${name} is not running`);
    const leading = this.leading() === name;
    const result: KillResult = { name, pid: host.pid, thread: true, role: this.viewOf(name).role, at: Date.now() };
    this.update(name, { process: 'killed', role: null, subscribed: false });
    this.options.observe([{ type: 'scheduler-killed', at: result.at, scheduler: name, leading }]);
    await host.kill();
    return result;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((host) => host.stop()));
    if (this.summaryTimer !== null) clearTimeout(this.summaryTimer);
    this.summaryTimer = null;
    this.options.observe(this.taskEvents.flush(Date.now(), true));
  }

  status(): SchedulerStatus[] {
    return this.options.layout.map((s) => {
      const view = this.viewOf(s.name);
      return {
        name: s.name,
        url: urlOf(s.port),
        role: view.role,
        state: view.process,
        pid: this.hostOf(s.name).pid,
        subscribed: view.subscribed,
        frameworkId: view.frameworkId,
        unservedPorts: view.unservedPorts,
      };
    });
  }

  private async launch(name: string): Promise<void> {
    try {
      await this.hostOf(name).start();
    } catch (err) {
      const reason = `${errorMessage(err)} (log ${this.options.paths.log(name)})`;
      this.options.observe([{ type: 'member-failed', at: Date.now(), member: name, reason }]);
      throw new UserError(`${name} failed to start: ${reason}`);
    }
  }

  private host(s: SchedulerLayout): WorkerHost {
    const { spec, paths, zk } = this.options;
    const config: SchedulerWorkerConfig = {
      name: s.name,
      port: s.port,
      sitePorts: this.options.sitePorts,
      servicePorts: { min: this.options.servicePorts.begin, max: this.options.servicePorts.end },
      master: zk,
      zk: zk.replace(/\/[^/]*$/, '/marathon'),
      zkSessionTimeoutMs: spec.marathon.zkSessionTimeoutMs,
      timing: spec.schedulerTiming,
      frameworkName: 'marathon',
      failoverTimeoutSeconds: spec.marathon.failoverTimeoutSeconds,
      loadBalancer: spec.marathon.loadBalancer,
      logFile: paths.log(s.name),
    };
    return new WorkerHost({
      name: s.name,
      entry: packagePath('dist', 'scheduler', 'worker.js'),
      workerData: config,
      stopGraceMs: spec.memberStopGraceMs,
      readyTimeoutMs: spec.memberStartTimeoutMs,
      events: {
        onLaunch: () => this.update(s.name, { process: 'starting' }),
        onMessage: (raw) => this.onMessage(s, raw),
        onExit: (exit) => this.onExit(s.name, exit.code),
      },
    });
  }

  private onMessage(s: SchedulerLayout, raw: unknown): void {
    const message = parseSchedulerMessage(raw);
    if (message === null)
      return void this.options.log.warn({ component: s.name, message: raw }, 'ignored malformed worker message');
    const at = Date.now();
    switch (message.type) {
      case 'ready':
        this.update(s.name, { process: 'running' });
        return this.options.observe([{ type: 'scheduler-started', at, scheduler: s.name, url: urlOf(s.port) }]);
      case 'state':
        return this.options.observe(this.onState(s.name, message, at));
      case 'deployment':
      case 'task':
        return this.options.observe(this.onReport(message, at));
    }
  }

  private onState(name: string, message: SchedulerReport, at: number): TimelineEntry[] {
    const before = this.viewOf(name);
    this.update(name, {
      process: 'running',
      role: message.role,
      subscribed: message.subscribed,
      frameworkId: message.frameworkId,
      unservedPorts: message.unservedPorts,
    });
    const entries: TimelineEntry[] = [];
    if (message.role === 'leading' && before.role !== 'leading')
      entries.push({ type: 'scheduler-elected', at, scheduler: name, leaderlessMs: at - this.leaderlessSince });
    if (message.role !== 'leading' && before.role === 'leading')
      entries.push({ type: 'scheduler-deposed', at, scheduler: name });
    if (message.subscribed && !before.subscribed && message.frameworkId !== null)
      entries.push({ type: 'scheduler-subscribed', at, scheduler: name, frameworkId: message.frameworkId });
    if (!message.subscribed && before.subscribed) entries.push({ type: 'scheduler-disconnected', at, scheduler: name });
    return entries;
  }

  private onReport(report: TimelineReport, at: number): TimelineEntry[] {
    if (report.type === 'task') {
      const { taskId: task, appId: app, state, host, ports, message } = report;
      const entries = this.taskEvents.admit({ type: 'task-state', at, task, app, state, host, ports, message });
      this.scheduleSummary();
      return entries;
    }
    const { id: deployment, apps, steps, reason } = report;
    switch (report.phase) {
      case 'started':
        return [{ type: 'deployment-started', at, deployment, steps }];
      case 'succeeded':
        return [{ type: 'deployment-succeeded', at, deployment, apps }];
      case 'failed':
        return [{ type: 'deployment-failed', at, deployment, apps, reason }];
    }
  }

  /** Task state changes left out of the timeline are summed up once their second is over. */
  private scheduleSummary(): void {
    const due = this.taskEvents.dueAt();
    if (due === null || this.summaryTimer !== null) return;
    this.summaryTimer = setTimeout(
      () => {
        this.summaryTimer = null;
        this.options.observe(this.taskEvents.flush(Date.now()));
      },
      Math.max(0, due - Date.now()),
    );
  }

  private onExit(name: string, code: number | null): void {
    const wasKilled = this.viewOf(name).process === 'killed';
    this.update(name, { process: wasKilled ? 'killed' : 'exited', role: null, subscribed: false });
    if (!wasKilled) this.options.observe([{ type: 'component-exited', at: Date.now(), component: name, code }]);
  }

  private update(name: string, change: Partial<SchedulerView>): void {
    const before = this.viewOf(name);
    const wasLeading = this.leading() !== null;
    const next = { ...before, ...change };
    // Only a leading scheduler runs the load balancer.
    this.views.set(name, next.role === 'leading' ? next : { ...next, unservedPorts: [] });
    if (wasLeading && this.leading() === null) this.leaderlessSince = Date.now();
  }

  private viewOf(name: string): SchedulerView {
    const view = this.views.get(name);
    if (view === undefined) throw new Error(`no scheduler ${name}`);
    return view;
  }

  private hostOf(name: string): WorkerHost {
    const host = this.hosts.get(name);
    if (host === undefined) throw new Error(`no scheduler ${name}`);
    return host;
  }
}

function urlOf(port: number): string {
  return `http://${LOOPBACK}:${port}`;
}
