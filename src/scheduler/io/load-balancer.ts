// The built-in service load balancer (reference §15): one TCP listener per service port, round-robin per
// connection over the current backends, backend sets swapped in place without touching open connections.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { LB_BACKEND_CONNECT_TIMEOUT_MS, MAX_LB_CONNECTIONS_PER_PORT } from '../../common/limits.js';
import type { Logger } from '../../common/logging.js';
import { errorMessage } from '../../common/errors.js';
import { LOOPBACK } from '../../common/ports.js';
import type { ServiceBackend } from '../core/service-backends.js';

export interface LoadBalancerOptions {
  /** Address the service ports listen on; default 127.0.0.1. */
  bindHost?: string;
  logger: Logger;
  /** Called whenever the set of service ports that cannot be served changes (see unserved()). */
  onUnservedChange?: () => void;
}

/** A service port an app has but the balancer cannot listen on, and why. */
export interface UnservedPort {
  servicePort: number;
  appId: string;
  reason: string;
}

export interface ServicePortStatus {
  servicePort: number;
  appId: string;
  bound: boolean;
  /** Why the port is not bound (e.g. in use, or claimed by another app). */
  error?: string;
  backends: number;
  connections: number;
}

type Backend = ServiceBackend['backends'][number];

type ListenerState = { kind: 'binding' } | { kind: 'bound' } | { kind: 'failed'; error: string };

interface Listener {
  service: ServiceBackend;
  server: Server;
  state: ListenerState;
  /** Settles once the listen attempt has succeeded or failed. */
  ready: Promise<void>;
  /** Round-robin position: the next connection starts at this backend. */
  next: number;
  connections: Set<Socket>;
}

export class LoadBalancer {
  private readonly listeners = new Map<number, Listener>();
  /** Services whose port another app already claimed in the last update. */
  private conflicts: ServiceBackend[] = [];
  /** Why each service port that cannot be served is not, by port and app (logged once per change). */
  private readonly bindErrors = new Map<string, UnservedPort>();
  private readonly bindHost: string;

  constructor(private readonly o: LoadBalancerOptions) {
    this.bindHost = o.bindHost ?? LOOPBACK;
  }

  /** Binds new service ports (and retries failed ones), closes ports gone, swaps backend sets in place. */
  update(services: ServiceBackend[]): void {
    const byPort = new Map<number, ServiceBackend>();
    this.conflicts = [];
    for (const service of services) {
      if (byPort.has(service.servicePort)) this.conflicts.push(service);
      else byPort.set(service.servicePort, service);
    }
    for (const [port, listener] of this.listeners) {
      if (!byPort.has(port) || listener.state.kind === 'failed') void this.closeListener(port, listener);
    }
    for (const [port, service] of byPort) {
      const listener = this.listeners.get(port);
      if (listener === undefined) this.open(service);
      else listener.service = service;
    }
    const wanted = new Set([...byPort.values(), ...this.conflicts].map(unservedKey));
    for (const key of this.bindErrors.keys()) if (!wanted.has(key)) this.clearBindFailure(key);
    for (const c of this.conflicts) this.reportBindFailure(c, conflictError(c, byPort.get(c.servicePort)));
  }

  /** The service ports that cannot be served (in use by another process, or claimed by another app), by port. */
  unserved(): UnservedPort[] {
    return [...this.bindErrors.values()].sort((a, b) => a.servicePort - b.servicePort || (a.appId < b.appId ? -1 : 1));
  }

  status(): ServicePortStatus[] {
    const listening = [...this.listeners.values()].map((l) => ({
      servicePort: l.service.servicePort,
      appId: l.service.appId,
      bound: l.state.kind === 'bound',
      ...(l.state.kind === 'failed' ? { error: l.state.error } : {}),
      backends: l.service.backends.length,
      connections: l.connections.size,
    }));
    const conflicting = this.conflicts.map((c) => ({
      servicePort: c.servicePort,
      appId: c.appId,
      bound: false,
      error: conflictError(c, this.listeners.get(c.servicePort)?.service),
      backends: c.backends.length,
      connections: 0,
    }));
    return [...listening, ...conflicting];
  }

  async close(): Promise<void> {
    const closing = [...this.listeners].map(([port, listener]) => this.closeListener(port, listener));
    this.conflicts = [];
    await Promise.all(closing);
  }

  private open(service: ServiceBackend): void {
    const server = createServer();
    server.maxConnections = MAX_LB_CONNECTIONS_PER_PORT;
    const listener: Listener = {
      service,
      server,
      state: { kind: 'binding' },
      ready: Promise.resolve(),
      next: 0,
      connections: new Set(),
    };
    this.listeners.set(service.servicePort, listener);
    server.on('connection', (client) => this.accept(listener, client));
    listener.ready = new Promise((resolve) => {
      server.once('error', (err) => {
        listener.state = { kind: 'failed', error: errorMessage(err) };
        this.reportBindFailure(service, listener.state.error);
        resolve();
      });
      server.listen({ port: service.servicePort, host: this.bindHost, exclusive: true }, () => {
        listener.state = { kind: 'bound' };
        this.clearBindFailure(unservedKey(service));
        this.o.logger.info({ app: service.appId, port: service.servicePort }, 'Load balancing a service port');
        resolve();
      });
    });
  }

  /** Logged once per port and error: update() runs on every change and retries unbound ports. */
  private reportBindFailure(service: ServiceBackend, error: string): void {
    const key = unservedKey(service);
    if (this.bindErrors.get(key)?.reason === error) return;
    this.bindErrors.set(key, { servicePort: service.servicePort, appId: service.appId, reason: error });
    this.o.logger.warn(
      { app: service.appId, port: service.servicePort, err: error },
      'Cannot listen on a service port',
    );
    this.o.onUnservedChange?.();
  }

  private clearBindFailure(key: string): void {
    if (this.bindErrors.delete(key)) this.o.onUnservedChange?.();
  }

  private async closeListener(port: number, listener: Listener): Promise<void> {
    this.listeners.delete(port);
    for (const socket of listener.connections) socket.destroy();
    await listener.ready;
    if (listener.state.kind === 'bound') await new Promise((resolve) => listener.server.close(resolve));
  }

  private accept(listener: Listener, client: Socket): void {
    listener.connections.add(client);
    client.once('close', () => listener.connections.delete(client));
    client.on('error', () => client.destroy());
    const backends = listener.service.backends;
    const start = listener.next % Math.max(1, backends.length);
    listener.next = start + 1;
    const order = [...backends.slice(start), ...backends.slice(0, start)];
    void this.dial(order).then((upstream) => splice(client, upstream));
  }

  /** Connects to the first backend of `order` that accepts; null when none does. */
  private async dial(order: Backend[]): Promise<Socket | null> {
    for (const backend of order) {
      const socket = await connectTo(backend).catch((err: unknown) => {
        this.o.logger.debug({ backend, err: errorMessage(err) }, 'Backend refused a connection');
        return null;
      });
      if (socket !== null) return socket;
    }
    return null;
  }
}

function unservedKey(service: { servicePort: number; appId: string }): string {
  return `${service.servicePort} ${service.appId}`;
}

function conflictError(service: ServiceBackend, owner: ServiceBackend | undefined): string {
  return `service port ${service.servicePort} is used by ${owner?.appId ?? 'another app'}`;
}

function connectTo(backend: Backend): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: backend.host, port: backend.port });
    const timer = setTimeout(
      () => fail(new Error(`no connection within ${LB_BACKEND_CONNECT_TIMEOUT_MS} ms`)),
      LB_BACKEND_CONNECT_TIMEOUT_MS,
    );
    function fail(err: Error): void {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    }
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/** Joins client and backend both ways; either side failing ends both. */
function splice(client: Socket, upstream: Socket | null): void {
  if (upstream === null || client.destroyed) {
    client.destroy();
    upstream?.destroy();
    return;
  }
  upstream.on('error', () => client.destroy());
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.end());
  client.pipe(upstream);
  upstream.pipe(client);
}
