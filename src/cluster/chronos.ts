// The Chronos part of a cluster: Chronos instances as worker threads of the supervisor (ports kept across restarts,
// state under /chronos/state), their roles as they report them and on the timeline, start, kill and stop.
import type { ChronosReport } from '../chronos/chronos.js';
import type { ChronosWorkerConfig } from '../chronos/worker-config.js';
import { UserError, errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';
import { LOOPBACK, type PortAllocator } from '../common/ports.js';
import { parseZkUrl } from '../master/zk-url.js';
import type { ClusterFile, SchedulerLayout } from './cluster-file.js';
import type { ProcessState } from './core/ensemble-view.js';
import type { TimelineEntry } from './core/timeline.js';
import { WorkerHost } from './host.js';
import { packagePath, type ClusterPaths } from './paths.js';
import type { ClusterSpec } from './spec.js';
import type { ChronosStatus, KillResult, StartResult } from './status.js';

/** `minicluster kill chronos` ends the leading Chronos. */
export const LEADING_CHRONOS = 'chronos';
/** Chronos's --zk_path. */
const CHRONOS_ZK_PATH = '/chronos/state';

export async function layoutChronos(o: {
  spec: ClusterSpec;
  previous: ClusterFile | null;
  ports: PortAllocator;
}): Promise<SchedulerLayout[]> {
  const out: SchedulerLayout[] = [];
  for (let i = 1; i <= o.spec.chronos.instances; i++) {
    const name = `chronos-${i}`;
    out.push({ name, port: await o.ports.allocate(o.previous?.chronos?.find((c) => c.name === name)?.port) });
  }
  return out;
}

export interface ChronosComponentOptions {
  paths: ClusterPaths;
  spec: ClusterSpec;
  /** `zk://…/mesos`: the masters; Chronos keeps its state under /chronos/state of the same ZooKeeper. */
  zk: string;
  layout: SchedulerLayout[];
  /** Ports of the cluster's web servers, handed to each Chronos for its request guard. */
  sitePorts: number[];
  log: Logger;
  observe(entries: TimelineEntry[]): void;
}

type View = Omit<ChronosStatus, 'name' | 'url' | 'pid'> & { state: ProcessState };

const DOWN: View = { state: 'exited', role: null, subscribed: false, frameworkId: null };

export class ChronosComponents {
  private readonly hosts = new Map<string, WorkerHost>();
  private readonly views = new Map<string, View>();
  private leaderlessSince = Date.now();

  constructor(private readonly options: ChronosComponentOptions) {
    for (const c of options.layout) {
      this.hosts.set(c.name, this.host(c));
      this.views.set(c.name, DOWN);
    }
  }

  has(name: string): boolean {
    return this.hosts.has(name);
  }

  get names(): string[] {
    return [...this.hosts.keys()];
  }

  /** Whether its worker thread runs (or is starting). */
  isUp(name: string): boolean {
    return this.hostOf(name).pid !== null;
  }

  /** The leading Chronos's name, null while none leads. */
  leading(): string | null {
    return [...this.views.entries()].find(([, v]) => v.role === 'leading' && v.state === 'running')?.[0] ?? null;
  }

  /** `http://host:port` of the leading Chronos, else of the first one (which proxies to the leader). */
  url(): string | null {
    const name = this.leading() ?? this.options.layout[0]?.name;
    const layout = this.options.layout.find((c) => c.name === name);
    return layout === undefined ? null : urlOf(layout.port);
  }

  /** Why Chronos is not ready (one leads and is subscribed as a framework), or null. */
  notReady(): string | null {
    if (this.options.layout.length === 0) return null;
    const leading = this.leading();
    if (leading === null) return 'no Chronos is leading yet';
    return this.views.get(leading)?.subscribed === true
      ? null
      : `${leading} has not subscribed with the leading master yet`;
  }

  async startAll(): Promise<void> {
    await Promise.all(this.names.map((name) => this.launch(name)));
  }

  async start(name: string): Promise<StartResult> {
    const host = this.hostOf(name);
    if (host.pid !== null) throw new UserError(`${name} is already running`);
    await this.launch(name);
    return { name, pid: host.pid ?? 0, thread: true, was: null };
  }

  /** Ends the worker thread abruptly; its tasks keep running on the agents. */
  async kill(name: string): Promise<KillResult> {
    const host = this.hostOf(name);
    if (host.pid === null) throw new UserError(`${name} is not running`);
    const leading = this.leading() === name;
    const result: KillResult = { name, pid: host.pid, thread: true, role: this.viewOf(name).role, at: Date.now() };
    this.update(name, { ...DOWN, state: 'killed' });
    this.options.observe([{ type: 'scheduler-killed', at: result.at, scheduler: name, leading }]);
    await host.kill();
    return result;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((host) => host.stop()));
  }

  status(): ChronosStatus[] {
    return this.options.layout.map((c) => ({
      name: c.name,
      url: urlOf(c.port),
      pid: this.hostOf(c.name).pid,
      ...this.viewOf(c.name),
    }));
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

  private host(c: SchedulerLayout): WorkerHost {
    const { spec, paths, zk } = this.options;
    const config: ChronosWorkerConfig = {
      name: c.name,
      port: c.port,
      sitePorts: this.options.sitePorts,
      master: zk,
      zkHosts: parseZkUrl(zk).servers,
      zkPath: CHRONOS_ZK_PATH,
      zkSessionTimeoutMs: spec.chronos.zkSessionTimeoutMs,
      frameworkName: 'chronos',
      failoverTimeoutSeconds: spec.chronos.failoverTimeoutSeconds,
      timing: spec.chronosTiming,
      logFile: paths.log(c.name),
    };
    return new WorkerHost({
      name: c.name,
      entry: packagePath('dist', 'chronos', 'worker.js'),
      workerData: config,
      stopGraceMs: spec.memberStopGraceMs,
      readyTimeoutMs: spec.memberStartTimeoutMs,
      events: {
        onLaunch: () => this.update(c.name, { state: 'starting' }),
        onMessage: (raw) => this.onMessage(c, raw),
        onExit: (exit) => this.onExit(c.name, exit.code),
      },
    });
  }

  private onMessage(c: SchedulerLayout, raw: unknown): void {
    const message = raw as { type?: unknown };
    const at = Date.now();
    if (message?.type === 'ready') {
      this.update(c.name, { state: 'running' });
      this.options.observe([{ type: 'scheduler-started', at, scheduler: c.name, url: urlOf(c.port) }]);
    } else if (message?.type === 'state' && isReport(raw)) this.options.observe(this.onState(c.name, raw, at));
  }

  private onState(name: string, report: ChronosReport, at: number): TimelineEntry[] {
    const before = this.viewOf(name);
    const { role, subscribed, frameworkId } = report;
    this.update(name, { state: 'running', role, subscribed, frameworkId });
    const entries: TimelineEntry[] = [];
    if (role === 'leading' && before.role !== 'leading')
      entries.push({ type: 'scheduler-elected', at, scheduler: name, leaderlessMs: at - this.leaderlessSince });
    if (role !== 'leading' && before.role === 'leading')
      entries.push({ type: 'scheduler-deposed', at, scheduler: name });
    if (subscribed && !before.subscribed && frameworkId !== null)
      entries.push({ type: 'scheduler-subscribed', at, scheduler: name, frameworkId });
    if (!subscribed && before.subscribed) entries.push({ type: 'scheduler-disconnected', at, scheduler: name });
    return entries;
  }

  private onExit(name: string, code: number | null): void {
    const killed = this.viewOf(name).state === 'killed';
    this.update(name, { ...DOWN, state: killed ? 'killed' : 'exited' });
    if (!killed) this.options.observe([{ type: 'component-exited', at: Date.now(), component: name, code }]);
  }

  private update(name: string, change: Partial<View>): void {
    const wasLeading = this.leading() !== null;
    this.views.set(name, { ...this.viewOf(name), ...change });
    if (wasLeading && this.leading() === null) this.leaderlessSince = Date.now();
  }

  private viewOf(name: string): View {
    const view = this.views.get(name);
    if (view === undefined) throw new Error(`no Chronos ${name}`);
    return view;
  }

  private hostOf(name: string): WorkerHost {
    const host = this.hosts.get(name);
    if (host === undefined) throw new Error(`no Chronos ${name}`);
    return host;
  }
}

function isReport(raw: unknown): raw is ChronosReport & { type: 'state' } {
  const r = raw as Partial<ChronosReport>;
  return (
    (r.role === 'leading' || r.role === 'standby') &&
    typeof r.subscribed === 'boolean' &&
    (r.frameworkId === null || typeof r.frameworkId === 'string')
  );
}

function urlOf(port: number): string {
  return `http://${LOOPBACK}:${port}`;
}
