// ZkClient: one ZooKeeper session over one connection at a time — host rotation and chroot, the
// handshake and reconnects within the session, queueing while disconnected, watches and the ops.
import { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';
import {
  CLIENT_MAX_PING_INTERVAL_MS,
  CLIENT_RECONNECT_BACKOFF_MS,
  MAX_CLIENT_QUEUED_REQUESTS,
  MAX_SET_WATCHES_BATCH_BYTES,
} from '../../common/limits.js';
import {
  AddWatchMode,
  Err,
  SpecialXid,
  WatcherType,
  type ACL,
  type ClientRequest,
  type ClientResponse,
  type ConnectRequest,
  type ConnectResponse,
  type SetWatchesReq,
  type Stat,
  type WatcherEvent,
} from '../wire/index.js';
import { Chroot, parseConnectString, type HostPort } from './connect-string.js';
import { Connection, failure, type ReplyOutcome, type Settle } from './connection.js';
import { ZkError, isZkError } from './errors.js';
import { createRequest, opToWire, resultFromWire, type CreateOptions, type Op, type OpResult } from './ops.js';
import { WatchRegistry, eventTypeName, type WatchKind, type Watcher, type WatcherKind } from './watches.js';

export interface ZkClientOptions {
  /** Requested session timeout; the server clamps it (default 10000). */
  sessionTimeoutMs?: number;
  /** Bound on one TCP connect plus handshake (default: session timeout / number of hosts). */
  connectTimeoutMs?: number;
  /** How long connect() keeps trying the hosts before it fails with ConnectionLoss (default: session timeout). */
  initialConnectTimeoutMs?: number;
  /** Accept a server in read-only mode. */
  readOnly?: boolean;
  /** Credentials added right after the session is established (and re-sent after every reconnect). */
  auth?: { scheme: string; auth: string | Buffer }[];
  logger?: Logger;
  /** Try the hosts in random order (default true); false keeps the connect-string order. */
  shuffleHosts?: boolean;
  /** Resume an existing session (id and password) instead of creating one. */
  session?: { id: bigint; password: Buffer };
}

export type ZkState = 'connecting' | 'connected' | 'disconnected' | 'expired' | 'closed';

export interface WatchOptions {
  watch?: Watcher;
}

export type PersistentWatchMode = 'persistent' | 'persistent_recursive';

const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
const PASSWORD_BYTES = 16;
const WATCHER_TYPE: Record<WatcherKind, number> = {
  data: WatcherType.Data,
  children: WatcherType.Children,
  any: WatcherType.Any,
};

interface Session {
  id: bigint;
  password: Buffer;
  /** Negotiated timeout (the requested one until the first ConnectResponse). */
  timeoutMs: number;
}

export class ZkClient extends EventEmitter<{ state: [ZkState] }> {
  private current: ZkState = 'connecting';
  private connection: Connection | null = null;
  private session: Session;
  private lastZxid = 0n;
  private xid = 0;
  private hostIndex = 0;
  private closing: Promise<void> | null = null;
  private readonly hosts: HostPort[];
  private readonly chroot: Chroot;
  private readonly queue: { request: ClientRequest; settle: Settle }[] = [];
  private readonly watches = new WatchRegistry();
  private readonly auths: ClientRequest[] = [];
  private readonly logger: Logger;

  private constructor(
    connectString: string,
    private readonly options: ZkClientOptions,
  ) {
    super();
    const parsed = parseConnectString(connectString);
    this.hosts = options.shuffleHosts === false ? parsed.hosts : shuffled(parsed.hosts);
    this.chroot = new Chroot(parsed.chroot);
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.session = {
      id: options.session?.id ?? 0n,
      password: options.session?.password ?? Buffer.alloc(PASSWORD_BYTES),
      timeoutMs: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
    };
  }

  /** Connects to one of the hosts and establishes (or resumes) a session. */
  static async connect(connectString: string, options: ZkClientOptions = {}): Promise<ZkClient> {
    const client = new ZkClient(connectString, options);
    try {
      await client.establish(Date.now() + (options.initialConnectTimeoutMs ?? client.session.timeoutMs));
      for (const { scheme, auth } of options.auth ?? []) await client.addAuth(scheme, auth);
    } catch (err) {
      await client.close();
      throw err;
    }
    return client;
  }

  get state(): ZkState {
    return this.current;
  }

  get sessionId(): bigint {
    return this.session.id;
  }

  get sessionPassword(): Buffer {
    return Buffer.from(this.session.password);
  }

  /** The negotiated session timeout. */
  get sessionTimeoutMs(): number {
    return this.session.timeoutMs;
  }

  /** Highest zxid seen in a reply header. */
  get lastZxidSeen(): bigint {
    return this.lastZxid;
  }

  /** `host:port` of the server this client is connected to, null while disconnected. */
  get connectedTo(): string | null {
    return this.connection?.remote ?? null;
  }

  // ---- operations ----

  async create(path: string, data: Buffer | null, options: CreateOptions = {}): Promise<string> {
    const response = await this.call(createRequest(this.serverPath(path), data, options, false), path);
    return this.chroot.fromServer(expectKind(response, 'create', 'create2').path);
  }

  async create2(path: string, data: Buffer | null, options: CreateOptions = {}): Promise<{ path: string; stat: Stat }> {
    const response = expectKind(
      await this.call(createRequest(this.serverPath(path), data, options, true), path),
      'create2',
    );
    return { path: this.chroot.fromServer(response.path), stat: response.stat };
  }

  async delete(path: string, version = -1): Promise<void> {
    await this.call({ op: 'delete', path: this.serverPath(path), version }, path);
  }

  /** null when the node does not exist; a watch is armed either way (it fires NodeCreated). */
  async exists(path: string, options: WatchOptions = {}): Promise<Stat | null> {
    const request = { op: 'exists', path: this.serverPath(path), watch: options.watch !== undefined } as const;
    const arm = (err: number): void => {
      if (err === Err.Ok) this.arm('data', path, options.watch);
      if (err === Err.NoNode) this.arm('exist', path, options.watch);
    };
    try {
      return expectKind(await this.call(request, path, arm), 'stat').stat;
    } catch (err) {
      if (isZkError(err, Err.NoNode)) return null;
      throw err;
    }
  }

  async getData(path: string, options: WatchOptions = {}): Promise<{ data: Buffer | null; stat: Stat }> {
    const request = { op: 'getData', path: this.serverPath(path), watch: options.watch !== undefined } as const;
    const response = await this.call(request, path, this.armOnOk('data', path, options.watch));
    const { data, stat } = expectKind(response, 'getData');
    return { data, stat };
  }

  async setData(path: string, data: Buffer | null, version = -1): Promise<Stat> {
    const response = await this.call({ op: 'setData', path: this.serverPath(path), data, version }, path);
    return expectKind(response, 'stat').stat;
  }

  async getChildren(path: string, options: WatchOptions = {}): Promise<string[]> {
    const request = { op: 'getChildren', path: this.serverPath(path), watch: options.watch !== undefined } as const;
    const response = await this.call(request, path, this.armOnOk('child', path, options.watch));
    return expectKind(response, 'getChildren').children;
  }

  async getChildren2(path: string, options: WatchOptions = {}): Promise<{ children: string[]; stat: Stat }> {
    const request = { op: 'getChildren2', path: this.serverPath(path), watch: options.watch !== undefined } as const;
    const response = await this.call(request, path, this.armOnOk('child', path, options.watch));
    const { children, stat } = expectKind(response, 'getChildren2');
    return { children, stat };
  }

  async getACL(path: string): Promise<{ acl: ACL[]; stat: Stat }> {
    const { acl, stat } = expectKind(await this.call({ op: 'getACL', path: this.serverPath(path) }, path), 'getACL');
    return { acl, stat };
  }

  async setACL(path: string, acl: ACL[], version = -1): Promise<Stat> {
    const response = await this.call({ op: 'setACL', path: this.serverPath(path), acl, version }, path);
    return expectKind(response, 'stat').stat;
  }

  /** All-or-nothing; on failure throws a ZkError with the first sub-error and every result attached. */
  async multi(ops: Op[]): Promise<OpResult[]> {
    const request = { op: 'multi', ops: ops.map((op) => opToWire(op, this.serverPath(op.path))) } as const;
    const response = expectKind(await this.call(request, undefined), 'multi');
    const results = response.results.map((r) => resultFromWire(r, this.chroot));
    const failed = results.findIndex((r) => r.type === 'error' && r.err !== Err.Ok);
    const first = results[failed];
    if (first?.type === 'error') throw new ZkError(first.err, ops[failed]?.path, results);
    return results;
  }

  /** Makes the connected server catch up with the leader; resolves with the path. */
  async sync(path: string): Promise<string> {
    const response = await this.call({ op: 'sync', path: this.serverPath(path) }, path);
    return this.chroot.fromServer(expectKind(response, 'path').path);
  }

  /** A watch that is not removed when it fires (recursive: the path and all descendants). */
  async addWatch(path: string, mode: PersistentWatchMode, watcher: Watcher): Promise<void> {
    const recursive = mode === 'persistent_recursive';
    const request = {
      op: 'addWatch',
      path: this.serverPath(path),
      mode: recursive ? AddWatchMode.PERSISTENT_RECURSIVE : AddWatchMode.PERSISTENT,
    } as const;
    await this.call(request, path, this.armOnOk(recursive ? 'persistentRecursive' : 'persistent', path, watcher));
  }

  /** Removes this session's watches of a kind at a path, on the server and here (NoWatcher if none). */
  async removeWatches(path: string, type: WatcherKind): Promise<void> {
    const request = { op: 'removeWatches', path: this.serverPath(path), type: WATCHER_TYPE[type] } as const;
    await this.call(request, path, (err) => {
      if (err === Err.Ok) this.watches.remove(path, type);
    });
  }

  async addAuth(scheme: string, auth: string | Buffer): Promise<void> {
    const request = { op: 'auth', type: 0, scheme, auth: Buffer.from(auth) } as const;
    await this.call(request, undefined, (err) => {
      if (err === Err.Ok) this.auths.push(request);
    });
  }

  async whoAmI(): Promise<{ authScheme: string; user: string }[]> {
    return expectKind(await this.call({ op: 'whoAmI' }, undefined), 'whoAmI').clientInfo;
  }

  /** This session's ephemeral nodes whose paths start with `prefix`. */
  async getEphemerals(prefix = '/'): Promise<string[]> {
    const response = await this.call({ op: 'getEphemerals', prefixPath: this.serverPath(prefix) }, prefix);
    return expectKind(response, 'getEphemerals').paths.map((p) => this.chroot.fromServer(p));
  }

  /** Number of all descendants of a node. */
  async getAllChildrenNumber(path: string): Promise<number> {
    const response = await this.call({ op: 'getAllChildrenNumber', path: this.serverPath(path) }, path);
    return expectKind(response, 'count').count;
  }

  /** Creates every missing node of a path as an empty persistent node. */
  async mkdirp(path: string): Promise<void> {
    let prefix = '';
    for (const part of path.split('/').filter((p) => p.length > 0)) {
      prefix += `/${part}`;
      try {
        await this.create(prefix, Buffer.alloc(0));
      } catch (err) {
        if (!isZkError(err, Err.NodeExists)) throw err;
      }
    }
  }

  /** Sends closeSession and waits for its reply (the server then drops the session's ephemerals). */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- requests ----

  private call(
    request: ClientRequest,
    path: string | undefined,
    onReply?: (err: number) => void,
  ): Promise<ClientResponse> {
    return new Promise((resolve, reject) => {
      this.submit(request, (outcome: ReplyOutcome) => {
        if (outcome.zxid > this.lastZxid) this.lastZxid = outcome.zxid;
        onReply?.(outcome.err);
        if (outcome.err === Err.Ok) resolve(outcome.response);
        else reject(new ZkError(outcome.err, path));
      });
    });
  }

  private submit(request: ClientRequest, settle: Settle): void {
    if (this.current === 'expired') return settle(failure(Err.SessionExpired));
    if (this.closing !== null && request.op !== 'closeSession') return settle(failure(Err.ConnectionLoss));
    if (this.connection !== null) return this.send(this.connection, request, settle);
    if (this.queue.length >= MAX_CLIENT_QUEUED_REQUESTS) return settle(failure(Err.ConnectionLoss));
    this.queue.push({ request, settle });
  }

  private send(connection: Connection, request: ClientRequest, settle: Settle): void {
    if (request.op === 'auth') return connection.send(SpecialXid.auth, request, settle);
    this.xid = this.xid >= 0x7fffffff ? 1 : this.xid + 1;
    connection.send(this.xid, request, settle);
  }

  private serverPath(path: string): string {
    if (!path.startsWith('/')) throw new ZkError(Err.BadArguments, path);
    return this.chroot.toServer(path);
  }

  // ---- watches ----

  private arm(kind: WatchKind, path: string, watcher: Watcher | undefined): void {
    if (watcher !== undefined) this.watches.add(kind, path, watcher);
  }

  private armOnOk(kind: WatchKind, path: string, watcher: Watcher | undefined): (err: number) => void {
    return (err) => {
      if (err === Err.Ok) this.arm(kind, path, watcher);
    };
  }

  private notify(event: WatcherEvent): void {
    const type = eventTypeName(event.type);
    if (type === undefined) return;
    const watched = { type, path: this.chroot.fromServer(event.path) };
    for (const watcher of this.watches.trigger(watched)) {
      queueMicrotask(() => {
        try {
          watcher(watched);
        } catch (err) {
          this.logger.error({ err, event: watched }, 'watcher threw');
        }
      });
    }
  }

  /** After a reconnect: re-arm every watch on the new server (paths as the server sees them). */
  private restoreWatches(): void {
    if (this.watches.empty) return;
    const serverPaths = (kind: WatchKind): string[] => this.watches.paths(kind).map((p) => this.chroot.toServer(p));
    const persistentWatches = serverPaths('persistent');
    const persistentRecursiveWatches = serverPaths('persistentRecursive');
    const all: SetWatchesReq = {
      op: persistentWatches.length + persistentRecursiveWatches.length > 0 ? 'setWatches2' : 'setWatches',
      relativeZxid: this.lastZxid,
      dataWatches: serverPaths('data'),
      existWatches: serverPaths('exist'),
      childWatches: serverPaths('child'),
      persistentWatches,
      persistentRecursiveWatches,
    };
    for (const batch of setWatchesBatches(all)) {
      this.submit(batch, (outcome) => {
        if (outcome.err !== Err.Ok) this.logger.warn({ err: outcome.err }, 'setWatches failed');
      });
    }
  }

  // ---- session and connections ----

  private async establish(deadline: number | null): Promise<void> {
    for (let attempt = 1; this.closing === null && this.current !== 'expired'; attempt++) {
      if (deadline !== null && Date.now() >= deadline) throw new ZkError(Err.ConnectionLoss);
      const opened = await this.dial(this.nextHost());
      if (opened !== null) {
        this.adopt(opened.connection, opened.response);
        break;
      }
      if (attempt % this.hosts.length === 0) await delay(CLIENT_RECONNECT_BACKOFF_MS);
    }
    if (this.current === 'expired') throw new ZkError(Err.SessionExpired);
    if (this.closing !== null) throw new ZkError(Err.ConnectionLoss);
  }

  private async dial(host: HostPort): Promise<{ connection: Connection; response: ConnectResponse } | null> {
    try {
      return await Connection.open({
        ...host,
        request: this.connectRequest(),
        timeoutMs: this.options.connectTimeoutMs ?? Math.ceil(this.session.timeoutMs / this.hosts.length),
      });
    } catch (err) {
      this.logger.debug({ host, err }, 'connect attempt failed');
      return null;
    }
  }

  private connectRequest(): ConnectRequest {
    return {
      protocolVersion: 0,
      lastZxidSeen: this.lastZxid,
      timeOut: this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      sessionId: this.session.id,
      passwd: this.session.password,
      readOnly: this.options.readOnly ?? false,
    };
  }

  private adopt(connection: Connection, response: ConnectResponse): void {
    if (this.closing !== null) return connection.close();
    if (response.timeOut <= 0) {
      connection.close();
      return this.expire();
    }
    this.session = { id: response.sessionId, password: response.passwd, timeoutMs: response.timeOut };
    this.connection = connection;
    const readTimeoutMs = Math.floor((response.timeOut * 2) / 3);
    connection.attach(
      { notification: (event) => this.notify(event), closed: (reason) => this.lost(connection, reason) },
      { readTimeoutMs, pingIntervalMs: Math.min(Math.floor(readTimeoutMs / 2), CLIENT_MAX_PING_INTERVAL_MS) },
    );
    if (this.connection !== connection) return;
    for (const auth of this.auths) this.send(connection, auth, () => undefined);
    this.restoreWatches();
    for (const { request, settle } of this.queue.splice(0)) this.send(connection, request, settle);
    this.logger.info(
      { server: connection.remote, sessionId: `0x${this.session.id.toString(16)}` },
      'session connected',
    );
    this.setState('connected');
  }

  private lost(connection: Connection, reason: string): void {
    if (connection !== this.connection) return;
    this.connection = null;
    if (this.closing !== null) return;
    this.logger.info({ server: connection.remote, reason }, 'connection lost; reconnecting');
    this.setState('disconnected');
    this.establish(null).catch((err: unknown) => this.logger.debug({ err }, 'reconnect ended'));
  }

  private expire(): void {
    this.logger.warn({ sessionId: `0x${this.session.id.toString(16)}` }, 'session expired');
    this.watches.clear();
    this.setState('expired');
    for (const { settle } of this.queue.splice(0)) settle(failure(Err.SessionExpired));
  }

  private async shutdown(): Promise<void> {
    if (this.connection !== null) await this.call({ op: 'closeSession' }, undefined).catch(() => undefined);
    const connection = this.connection;
    this.connection = null;
    connection?.close();
    for (const { settle } of this.queue.splice(0)) settle(failure(Err.ConnectionLoss));
    this.watches.clear();
    this.setState('closed');
  }

  private nextHost(): HostPort {
    const host = this.hosts[this.hostIndex % this.hosts.length];
    this.hostIndex++;
    if (host === undefined) throw new Error('no hosts');
    return host;
  }

  private setState(state: ZkState): void {
    if (state === this.current) return;
    this.current = state;
    this.emit('state', state);
  }
}

function expectKind<K extends ClientResponse['kind']>(
  response: ClientResponse,
  ...kinds: K[]
): Extract<ClientResponse, { kind: K }> {
  if (!kinds.some((k) => k === response.kind)) throw new ZkError(Err.MarshallingError);
  return response as Extract<ClientResponse, { kind: K }>;
}

const WATCH_LISTS = [
  'dataWatches',
  'existWatches',
  'childWatches',
  'persistentWatches',
  'persistentRecursiveWatches',
] as const;

/** Splits a setWatches request so that no request carries much more than the batch limit of path text. */
function* setWatchesBatches(all: SetWatchesReq): Generator<SetWatchesReq> {
  const fresh = (): SetWatchesReq => ({
    ...all,
    dataWatches: [],
    existWatches: [],
    childWatches: [],
    persistentWatches: [],
    persistentRecursiveWatches: [],
  });
  let batch = fresh();
  let bytes = 0;
  for (const list of WATCH_LISTS) {
    for (const path of all[list]) {
      if (bytes > 0 && bytes + Buffer.byteLength(path) > MAX_SET_WATCHES_BATCH_BYTES) {
        yield batch;
        batch = fresh();
        bytes = 0;
      }
      batch[list].push(path);
      bytes += Buffer.byteLength(path);
    }
  }
  if (bytes > 0) yield batch;
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
