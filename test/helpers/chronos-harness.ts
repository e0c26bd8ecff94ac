// The Chronos REST API over a real HTTP port around a real ChronosCore, whose Mesos side is the deterministic
// ChronosSim; time moves only when a test advances it. Plus standbys that proxy to it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Output } from '../../src/chronos/core/messages.js';
import { CHRONOS_DIALECT, createChronosApp } from '../../src/chronos/http/app.js';
import type { ChronosHttpContext, ChronosLeadership } from '../../src/chronos/http/context.js';
import { requestGuard } from '../../src/common/request-guard.js';
import { ChronosSim, type TaskBehaviour } from './chronos-sim.js';

export const HARNESS_START = Date.parse('2030-03-01T12:00:00.000Z');

export interface Sent {
  status: number;
  headers: Headers;
  /** The body parsed when it is JSON. */
  body: unknown;
  text: string;
}

interface Served {
  server: http.Server;
  url: string;
}

async function serve(make: (hostPort: () => string) => ChronosHttpContext): Promise<Served> {
  let port = 0;
  const ctx = make(() => `127.0.0.1:${port}`);
  const guard = requestGuard({ dialect: CHRONOS_DIALECT, log: pino({ level: 'silent' }) });
  const server = http.createServer(createChronosApp(ctx, guard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** One request: `body` is sent as JSON (a string as it is). */
export async function send(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
): Promise<Sent> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json') && text !== '';
  return { status: res.status, headers: res.headers, body: json ? (JSON.parse(text) as unknown) : undefined, text };
}

/** A leading Chronos: the sim's core behind the API. */
export class ChronosHarness {
  readonly sim: ChronosSim;

  private constructor(
    private readonly served: Served,
    sim: ChronosSim,
  ) {
    this.sim = sim;
  }

  static async start(behaviour?: (task: { command?: { value?: string } }) => TaskBehaviour): Promise<ChronosHarness> {
    const sim = new ChronosSim({
      seed: 11,
      start: HARNESS_START,
      allocationMs: 100,
      ...(behaviour === undefined ? {} : { behaviour }),
    });
    sim.runFor(500);
    const served = await serve((hostPort) => ({
      leadership: (): ChronosLeadership => {
        const core = sim.core;
        if (core === null) return { leading: false, leaderUrl: null };
        return {
          leading: true,
          core,
          run: async <R>(output: Output<R>) => {
            sim.runEffects(output.effects);
            return output.reply;
          },
        };
      },
      leaderId: () => hostPort(),
      get hostPort() {
        return hostPort();
      },
      now: () => sim.now,
    }));
    return new ChronosHarness(served, sim);
  }

  get url(): string {
    return this.served.url;
  }

  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Sent> {
    return send(this.url, method, path, body, headers);
  }

  advance(ms: number): void {
    this.sim.runFor(ms);
  }

  close(): Promise<void> {
    return close(this.served.server);
  }
}

/** A standby Chronos whose leader is `leaderUrl` (null: none known). */
export async function startChronosStandby(
  leaderUrl: string | null,
): Promise<{ url: string; close: () => Promise<void> }> {
  const served = await serve((hostPort) => ({
    leadership: () => ({ leading: false, leaderUrl }),
    leaderId: () => (leaderUrl === null ? null : new URL(leaderUrl).host),
    get hostPort() {
      return hostPort();
    },
    now: () => Date.now(),
  }));
  return { url: served.url, close: () => close(served.server) };
}
