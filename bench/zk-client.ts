// The benchmark's view of node-zookeeper-client: connecting, and the four measured operations as
// one callback shape, so the load workers and the failover probe issue requests the same way.
import zookeeper, { type Callback, type Client } from 'node-zookeeper-client';

export const WORKLOADS = ['create', 'setData', 'getData', 'exists'] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface ConnectOptions {
  /** Asked for; each ensemble clamps it to its own session bounds. */
  sessionTimeoutMs: number;
  /** Longest random pause before the client tries the server list again. */
  spinDelayMs: number;
  timeoutMs: number;
}

/** Sends one request; `done` gets its error, or null on success. */
export type Issue = (done: Callback) => void;

export function connectClient(connectString: string, options: ConnectOptions): Promise<Client> {
  const client = zookeeper.createClient(connectString, {
    sessionTimeout: options.sessionTimeoutMs,
    spinDelay: options.spinDelayMs,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`no session with ${connectString} within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

/** Creates `path` and its parents with `data`, leaving existing nodes alone. */
export function ensureNode(client: Client, path: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => client.mkdirp(path, data, (error) => (error ? reject(error) : resolve())));
}

/** A request issuer for `workload` against `node`; create uses `node/n<counter>` paths. */
export function issuer(client: Client, workload: Workload, node: string, payload: Buffer): Issue {
  switch (workload) {
    case 'create': {
      let next = 0;
      return (done) =>
        client.create(`${node}/n${next++}`, payload, zookeeper.CreateMode.PERSISTENT, (error) => done(error));
    }
    case 'setData':
      return (done) => client.setData(node, payload, -1, (error) => done(error));
    case 'getData':
      return (done) => client.getData(node, (error) => done(error));
    case 'exists':
      return (done) => client.exists(node, (error) => done(error));
  }
}
