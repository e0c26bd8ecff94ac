// The Marathon API over a real HTTP port around a real SchedulerCore, whose Mesos side is the
// deterministic MesosSim (two agents, offers, STAGING → RUNNING), with real event callbacks over a store in
// memory and abdications counted; plus standbys that proxy to it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { MarathonClient } from '../../src/api/marathon.js';
import { MARATHON_DIALECT, requestGuard } from '../../src/common/request-guard.js';
import type { Output } from '../../src/scheduler/core/messages.js';
import type { MarathonEvent } from '../../src/scheduler/core/model.js';
import { createMarathonApp } from '../../src/scheduler/http/app.js';
import type { EventBus, Leadership, MarathonFlags, MarathonHttpContext } from '../../src/scheduler/http/context.js';
import { EventCallbacks, type SubscriberStore } from '../../src/scheduler/io/event-callbacks.js';
import { MesosSim } from './mesos-sim.js';

/** The callback URLs in memory; `failing` makes writes fail as a lost ZooKeeper session would. */
export class MemorySubscriberStore implements SubscriberStore {
  urls: string[] = [];
  failing = false;

  async load(): Promise<string[]> {
    return [...this.urls];
  }

  async save(urls: readonly string[]): Promise<void> {
    if (this.failing) throw new Error('the store is unreachable');
    this.urls = [...urls];
  }
}

export class TestEventBus implements EventBus {
  private readonly listeners = new Set<(event: MarathonEvent) => void>();

  subscribe(listener: (event: MarathonEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: MarathonEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

function flags(): MarathonFlags {
  return {
    master: 'zk://127.0.0.1:2181/mesos',
    zk: 'zk://127.0.0.1:2181/marathon',
    hostname: '127.0.0.1',
    httpPort: 0,
    frameworkName: 'marathon',
    localPortMin: 10000,
    localPortMax: 20000,
    taskLaunchTimeoutMs: 300000,
    reconciliationIntervalMs: 600000,
    failoverTimeoutSeconds: 604800,
    zkSessionTimeoutMs: 10000,
    zkMaxVersions: 50,
    mesosUser: 'root',
    mesosRole: '*',
  };
}

/** An answer of the API; a JSON body parsed. */
export interface Sent {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

interface Served {
  server: http.Server;
  url: string;
}

async function serve(ctx: MarathonHttpContext): Promise<Served> {
  const guard = requestGuard({ dialect: MARATHON_DIALECT, log: pino({ level: 'silent' }) });
  const server = http.createServer(createMarathonApp(ctx, guard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctx.flags.httpPort = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${ctx.flags.httpPort}` };
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A leading scheduler: the sim's core behind the API; time moves only when a test advances it. */
export class MarathonHarness {
  readonly sim = new MesosSim({ seed: 7 });
  readonly client: MarathonClient;
  /** DELETE /v2/leader calls that abdicated. */
  abdications = 0;
  private published = 0;
  private clock: NodeJS.Timeout | undefined;

  private constructor(
    readonly ctx: MarathonHttpContext,
    readonly bus: TestEventBus,
    readonly callbacks: { store: MemorySubscriberStore; subscriptions: EventCallbacks },
    private readonly served: Served,
  ) {
    this.client = new MarathonClient(served.url);
  }

  static async start(): Promise<MarathonHarness> {
    let harness: MarathonHarness | undefined;
    const bus = new TestEventBus();
    const store = new MemorySubscriberStore();
    const log = pino({ level: 'silent' });
    const subscriptions = await EventCallbacks.start({ store, bus, log, now: () => Date.now() });
    const ctx: MarathonHttpContext = {
      leadership: (): Leadership => {
        if (harness === undefined) throw new Error('not started');
        return harness.leadership();
      },
      events: bus,
      flags: flags(),
      mesosLeaderUiUrl: () => 'http://127.0.0.1:5050',
      now: () => harness?.sim.now ?? 0,
    };
    harness = new MarathonHarness(ctx, bus, { store, subscriptions }, await serve(ctx));
    harness.advanceUntil(() => harness?.sim.core.subscribed === true, 1000);
    return harness;
  }

  get url(): string {
    return this.served.url;
  }

  /** One request to the API: `body` is sent as JSON (a string as it is). */
  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Sent> {
    const init: RequestInit = { method, headers: { 'Content-Type': 'application/json', ...headers } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${this.url}${path}`, init);
    const text = await res.text();
    const json = (res.headers.get('content-type') ?? '').includes('json') && text !== '';
    return { status: res.status, headers: res.headers, body: json ? (JSON.parse(text) as unknown) : undefined, text };
  }

  private leadership(): Leadership {
    return {
      leading: true,
      core: this.sim.core,
      run: async <R>(output: Output<R>) => {
        const reply = this.sim.command(() => output);
        this.flush();
        return reply;
      },
      abdicate: () => this.abdications++,
      subscriptions: this.callbacks.subscriptions,
    };
  }

  /** Moves the simulation on by `ms` of its time. */
  advance(ms: number): void {
    this.sim.runFor(ms);
    this.flush();
  }

  advanceUntil(done: () => boolean, withinMs: number): void {
    this.sim.runUntil(done, withinMs);
    this.flush();
  }

  /** Runs until no deployment is left. */
  settle(withinMs = 10_000): void {
    this.advanceUntil(() => this.sim.core.deployments().length === 0, withinMs);
  }

  /** Lets simulated time pass with real time (`stepMs` every few ms), for clients that poll. */
  startClock(stepMs = 50): void {
    this.clock ??= setInterval(() => this.advance(stepMs), 5);
  }

  async close(): Promise<void> {
    clearInterval(this.clock);
    this.callbacks.subscriptions.close();
    await close(this.served.server);
  }

  private flush(): void {
    const fresh = this.sim.events.slice(this.published);
    this.published = this.sim.events.length;
    for (const event of fresh) this.bus.publish(event);
  }
}

/** A standby scheduler whose leader is `leaderUrl` (null: none known). */
export async function startStandby(leaderUrl: string | null): Promise<{ url: string; close: () => Promise<void> }> {
  const ctx: MarathonHttpContext = {
    leadership: () => ({ leading: false, leaderUrl }),
    events: new TestEventBus(),
    flags: flags(),
    mesosLeaderUiUrl: () => null,
    now: () => Date.now(),
  };
  const served = await serve(ctx);
  return { url: served.url, close: () => close(served.server) };
}
