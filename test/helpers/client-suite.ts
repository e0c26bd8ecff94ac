// The client behaviour suite: ZkClient and its recipes against whatever ensemble a provider starts
// (a real ZooKeeper now, our own ensemble later), reached through proxies a test can cut.
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  ChildrenCache,
  CREATOR_ALL_ACL,
  Err,
  LeaderElection,
  NodeCache,
  Perms,
  ZkClient,
  ZkError,
  digestId,
  type WatchedEvent,
  type Watcher,
  type ZkClientOptions,
  type ZkState,
} from '../../src/ensemble/client/index.js';
import { LOOPBACK } from '../../src/common/ports.js';
import { describeRequiring, type Requirement } from './requirement.js';
import { TcpProxy } from './tcp-proxy.js';

export interface SuiteTarget {
  /** Client ports of the members. */
  clientPorts: number[];
  stop(): Promise<void>;
}

export interface SuiteProvider {
  /** What the target needs installed on this machine; without one the suite always runs. */
  requirement?: Requirement;
  start(): Promise<SuiteTarget | null>;
}

/** Records watch events and lets a test await the n-th one. */
export class Recorder {
  readonly events: WatchedEvent[] = [];
  private readonly waiting: { count: number; resolve: () => void }[] = [];
  readonly watcher: Watcher = (event) => {
    this.events.push(event);
    for (const w of this.waiting.filter((x) => this.events.length >= x.count)) w.resolve();
  };

  async waitFor(count: number): Promise<WatchedEvent[]> {
    if (this.events.length < count) await new Promise<void>((resolve) => this.waiting.push({ count, resolve }));
    return this.events;
  }
}

/** Resolves when the client is (or next becomes) in `state`. */
export function stateReached(client: ZkClient, state: ZkState): Promise<void> {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const listener = (s: ZkState): void => {
      if (s !== state) return;
      client.off('state', listener);
      resolve();
    };
    client.on('state', listener);
  });
}

interface ClientOptions extends ZkClientOptions {
  chroot?: string;
  /** Connect to the members directly instead of through the proxies. */
  direct?: boolean;
}

class SuiteEnv {
  private target: SuiteTarget | null = null;
  private proxies: TcpProxy[] = [];
  private readonly clients: ZkClient[] = [];
  private roots = 0;

  constructor(
    private readonly provider: SuiteProvider,
    private readonly name: string,
  ) {}

  async start(): Promise<void> {
    this.target = await this.provider.start();
    if (this.target === null) throw new Error(`${this.name}: the target could not start`);
    this.proxies = await Promise.all(this.target.clientPorts.map((port) => TcpProxy.start(port)));
  }

  async stop(): Promise<void> {
    await this.closeClients();
    await Promise.all(this.proxies.map((p) => p.close()));
    await this.target?.stop();
  }

  get memberCount(): number {
    return this.proxies.length;
  }

  async client(options: ClientOptions = {}): Promise<ZkClient> {
    const ports = options.direct === true ? (this.target?.clientPorts ?? []) : this.proxies.map((p) => p.port);
    const hosts = ports.map((port) => `${LOOPBACK}:${port}`).join(',');
    const client = await ZkClient.connect(`${hosts}${options.chroot ?? ''}`, { sessionTimeoutMs: 4000, ...options });
    this.clients.push(client);
    return client;
  }

  /** A fresh, empty node for one test. */
  async root(client: ZkClient): Promise<string> {
    const path = `/suite-${process.pid}-${++this.roots}`;
    await client.mkdirp(path);
    return path;
  }

  /** The proxy a client is connected through. */
  proxyOf(client: ZkClient): TcpProxy {
    const proxy = this.proxies.find((p) => client.connectedTo === `${LOOPBACK}:${p.port}`);
    if (proxy === undefined) throw new Error(`client is not connected through a proxy (${client.connectedTo})`);
    return proxy;
  }

  cutAll(): void {
    for (const p of this.proxies) p.cut({ block: true });
  }

  openAll(): void {
    for (const p of this.proxies) p.open();
  }

  async closeClients(): Promise<void> {
    this.openAll();
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
  }
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

interface Cache<T> {
  readonly current: T | null;
  on(event: 'change', listener: (value: T | null) => void): unknown;
  off(event: 'change', listener: (value: T | null) => void): unknown;
}

/** Resolves once a cache holds a value the predicate accepts. */
function changeTo<T>(cache: Cache<T>, accept: (value: T | null) => boolean): Promise<void> {
  if (accept(cache.current)) return Promise.resolve();
  return new Promise((resolve) => {
    const listener = (value: T | null): void => {
      if (!accept(value)) return;
      cache.off('change', listener);
      resolve();
    };
    cache.on('change', listener);
  });
}

export function clientSuite(name: string, provider: SuiteProvider): void {
  const requirement = provider.requirement ?? { switch: '', missing: null };
  describeRequiring(requirement, name, () => {
    const env = new SuiteEnv(provider, name);
    beforeAll(() => env.start());
    afterEach(() => env.closeClients());
    afterAll(() => env.stop());

    it('creates persistent, ephemeral and sequential nodes with %010d names', async () => {
      const c = await env.client();
      const root = await env.root(c);
      expect(await c.create(`${root}/p`, text('x'))).toBe(`${root}/p`);
      const eph = await c.create2(`${root}/e`, null, { mode: 'ephemeral' });
      expect(eph.path).toBe(`${root}/e`);
      expect(eph.stat.ephemeralOwner).toBe(c.sessionId);
      expect(await c.create(`${root}/s-`, null, { mode: 'persistent_sequential' })).toBe(`${root}/s-0000000002`);
      expect(await c.create(`${root}/s-`, null, { mode: 'ephemeral_sequential' })).toBe(`${root}/s-0000000003`);
      expect((await c.getChildren(root)).sort()).toEqual(['e', 'p', 's-0000000002', 's-0000000003']);
      expect(await c.getEphemerals(root)).toEqual(expect.arrayContaining([`${root}/e`, `${root}/s-0000000003`]));
      expect((await c.getData(`${root}/e`)).data).toBeNull();
      expect(await c.getAllChildrenNumber(root)).toBe(4);
      await expect(c.create(`${root}/p`, null)).rejects.toMatchObject({
        code: Err.NodeExists,
        codeName: 'NodeExists',
        path: `${root}/p`,
      });
      await expect(c.create(`${root}/none/x`, null)).rejects.toMatchObject({ code: Err.NoNode });
      await expect(c.create(`${root}/e/x`, null)).rejects.toMatchObject({ code: Err.NoChildrenForEphemerals });
      await expect(c.create(`${root}/p/`, null)).rejects.toMatchObject({ code: Err.BadArguments });
      await expect(c.delete(root)).rejects.toMatchObject({ code: Err.NotEmpty });
    });

    it('reads and writes data with versions; a stale version is BadVersion', async () => {
      const c = await env.client();
      const path = `${await env.root(c)}/v`;
      const created = await c.create2(path, text('one'), {});
      expect(created.stat.version).toBe(0);
      const stat = await c.setData(path, text('two'), 0);
      expect(stat.version).toBe(1);
      expect(stat.mzxid).toBeGreaterThan(created.stat.mzxid);
      const got = await c.getData(path);
      expect(got.data?.toString()).toBe('two');
      expect(got.stat).toEqual(stat);
      await expect(c.setData(path, text('three'), 0)).rejects.toMatchObject({ code: Err.BadVersion, path });
      expect((await c.setData(path, text('any'))).version).toBe(2);
      await expect(c.delete(path, 1)).rejects.toMatchObject({ code: Err.BadVersion });
      await c.delete(path, 2);
      expect(await c.exists(path)).toBeNull();
      await expect(c.getData(path)).rejects.toBeInstanceOf(ZkError);
      expect(c.lastZxidSeen).toBeGreaterThanOrEqual(stat.mzxid);
    });

    it('fires exists, getData and getChildren watches once each', async () => {
      const c = await env.client();
      const root = await env.root(c);
      const node = `${root}/w`;
      const created = new Recorder();
      expect(await c.exists(node, { watch: created.watcher })).toBeNull();
      const children = new Recorder();
      await c.getChildren(root, { watch: children.watcher });
      await c.create(node, text('a'));
      // a session's own write: its notifications arrive before the reply
      expect(created.events).toEqual([{ type: 'NodeCreated', path: node }]);
      expect(children.events).toEqual([{ type: 'NodeChildrenChanged', path: root }]);

      const data = new Recorder();
      await c.getData(node, { watch: data.watcher });
      await c.setData(node, text('b'));
      await c.setData(node, text('c'));
      await c.create(`${root}/other`, null);
      expect(data.events).toEqual([{ type: 'NodeDataChanged', path: node }]);
      expect(created.events).toHaveLength(1);
      expect(children.events).toHaveLength(1);

      const deleted = new Recorder();
      await c.exists(node, { watch: deleted.watcher });
      await c.getChildren(node, { watch: deleted.watcher });
      await c.delete(node);
      expect(deleted.events).toEqual([{ type: 'NodeDeleted', path: node }]);

      const other = await env.client();
      const fromOther = new Recorder();
      await c.getData(`${root}/other`, { watch: fromOther.watcher });
      await other.setData(`${root}/other`, text('x'));
      expect(await fromOther.waitFor(1)).toEqual([{ type: 'NodeDataChanged', path: `${root}/other` }]);
    });

    it('keeps persistent and persistent recursive watches armed until removed', async () => {
      const c = await env.client();
      const root = await env.root(c);
      const recursive = new Recorder();
      await c.addWatch(root, 'persistent_recursive', recursive.watcher);
      const persistent = new Recorder();
      await c.addWatch(`${root}/a`, 'persistent', persistent.watcher);
      await c.create(`${root}/a`, null);
      await c.create(`${root}/a/b`, null);
      await c.setData(`${root}/a/b`, text('1'));
      await c.setData(`${root}/a`, text('2'));
      await c.delete(`${root}/a/b`);
      expect(recursive.events).toEqual([
        { type: 'NodeCreated', path: `${root}/a` },
        { type: 'NodeCreated', path: `${root}/a/b` },
        { type: 'NodeDataChanged', path: `${root}/a/b` },
        { type: 'NodeDataChanged', path: `${root}/a` },
        { type: 'NodeDeleted', path: `${root}/a/b` },
      ]);
      expect(persistent.events).toEqual([
        { type: 'NodeCreated', path: `${root}/a` },
        { type: 'NodeChildrenChanged', path: `${root}/a` },
        { type: 'NodeDataChanged', path: `${root}/a` },
        { type: 'NodeChildrenChanged', path: `${root}/a` },
      ]);
      await c.removeWatches(root, 'any');
      await c.create(`${root}/after`, null);
      expect(recursive.events).toHaveLength(5);
      await expect(c.removeWatches(root, 'any')).rejects.toMatchObject({ code: Err.NoWatcher });
    });

    it('applies a multi as one transaction and reports the first sub-error of a failed one', async () => {
      const c = await env.client();
      const root = await env.root(c);
      const results = await c.multi([
        { op: 'create', path: `${root}/m`, data: text('0') },
        { op: 'setData', path: `${root}/m`, data: text('1') },
        { op: 'check', path: `${root}/m`, version: 1 },
        { op: 'create', path: `${root}/q-`, data: null, mode: 'persistent_sequential' },
      ]);
      expect(results).toEqual([
        { type: 'create', path: `${root}/m` },
        { type: 'setData', stat: expect.objectContaining({ version: 1 }) },
        { type: 'check' },
        { type: 'create', path: `${root}/q-0000000001` },
      ]);
      const stat = await c.exists(`${root}/m`);
      expect(stat?.czxid).toBe(stat?.mzxid);

      const failure = await c
        .multi([
          { op: 'create', path: `${root}/n`, data: null },
          { op: 'delete', path: `${root}/missing` },
          { op: 'setData', path: `${root}/m`, data: text('2') },
        ])
        .catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ZkError);
      expect(failure).toMatchObject({
        code: Err.NoNode,
        path: `${root}/missing`,
        results: [
          { type: 'error', err: Err.Ok },
          { type: 'error', err: Err.NoNode },
          { type: 'error', err: Err.RuntimeInconsistency },
        ],
      });
      expect(await c.exists(`${root}/n`)).toBeNull();
      expect((await c.getData(`${root}/m`)).data?.toString()).toBe('1');
    });

    it('enforces digest ACLs: NoAuth without the credentials, access with them', async () => {
      const admin = await env.client();
      const root = await env.root(admin);
      const owner = await env.client({ auth: [{ scheme: 'digest', auth: 'alice:secret' }] });
      expect(await owner.whoAmI()).toEqual(expect.arrayContaining([{ authScheme: 'digest', user: 'alice' }]));
      const alice = { scheme: 'digest', id: digestId('alice', 'secret') };
      const secret = `${root}/secret`;
      await owner.create(secret, text('s'), { acl: [{ perms: Perms.ALL, id: alice }] });
      await owner.create(`${root}/mine`, null, { acl: CREATOR_ALL_ACL });
      expect((await owner.getACL(`${root}/mine`)).acl).toEqual([{ perms: Perms.ALL, id: alice }]);

      const stranger = await env.client();
      await expect(stranger.getData(secret)).rejects.toMatchObject({ code: Err.NoAuth, path: secret });
      await expect(stranger.setData(secret, text('x'))).rejects.toMatchObject({ code: Err.NoAuth });
      expect(await stranger.exists(secret)).not.toBeNull();
      await expect(stranger.create(`${root}/x`, null, { acl: CREATOR_ALL_ACL })).rejects.toMatchObject({
        code: Err.InvalidACL,
      });
      await stranger.addAuth('digest', 'alice:secret');
      expect((await stranger.getData(secret)).data?.toString()).toBe('s');

      const { stat } = await owner.getACL(secret);
      const readable = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];
      await expect(owner.setACL(secret, readable, stat.aversion + 1)).rejects.toMatchObject({ code: Err.BadVersion });
      expect((await owner.setACL(secret, readable, stat.aversion)).aversion).toBe(stat.aversion + 1);
      await expect(admin.setData(secret, text('y'))).rejects.toMatchObject({ code: Err.NoAuth });
      expect((await admin.getData(secret)).data?.toString()).toBe('s');
    });

    it('survives a failed addAuth: AuthFailed, then the session reconnects', async () => {
      const c = await env.client();
      const id = c.sessionId;
      await expect(c.addAuth('no-such-scheme', 'x')).rejects.toMatchObject({ code: Err.AuthFailed });
      expect(await c.exists('/')).not.toBeNull();
      expect(c.sessionId).toBe(id);
    });

    it('applies a chroot to every path in and out', async () => {
      const admin = await env.client();
      const root = await env.root(admin);
      await admin.create(`${root}/app`, null);
      const c = await env.client({ chroot: `${root}/app` });
      expect(await c.create('/x', text('1'))).toBe('/x');
      expect(await c.create('/s-', null, { mode: 'ephemeral_sequential' })).toBe('/s-0000000001');
      expect((await admin.getData(`${root}/app/x`)).data?.toString()).toBe('1');
      expect((await c.getChildren('/')).sort()).toEqual(['s-0000000001', 'x']);
      expect(await c.getEphemerals('/')).toEqual(['/s-0000000001']);
      expect(await c.sync('/x')).toBe('/x');
      expect(await c.multi([{ op: 'create', path: '/m', data: null }])).toEqual([{ type: 'create', path: '/m' }]);

      const created = new Recorder();
      await c.exists('/y', { watch: created.watcher });
      const recursive = new Recorder();
      await c.addWatch('/', 'persistent_recursive', recursive.watcher);
      await admin.create(`${root}/app/y`, null);
      expect(await created.waitFor(1)).toEqual([{ type: 'NodeCreated', path: '/y' }]);
      expect(await recursive.waitFor(1)).toEqual([{ type: 'NodeCreated', path: '/y' }]);
      await c.mkdirp('/deep/er');
      expect(await admin.exists(`${root}/app/deep/er`)).not.toBeNull();
    });

    it('removes the ephemerals of a closed session at once', async () => {
      const admin = await env.client();
      const root = await env.root(admin);
      const c = await env.client();
      await c.create(`${root}/e`, null, { mode: 'ephemeral' });
      await c.close();
      expect(c.state).toBe('closed');
      await expect(c.exists('/')).rejects.toMatchObject({ code: Err.ConnectionLoss });
      await admin.sync(root);
      expect(await admin.exists(`${root}/e`)).toBeNull();
    });

    it('moves the session to another member when its connection is cut; watches re-armed', async (ctx) => {
      if (env.memberCount < 2) ctx.skip('needs at least two members');
      const c = await env.client();
      const root = await env.root(c);
      const node = `${root}/n`;
      await c.create(node, text('0'));
      await c.create(`${root}/e`, null, { mode: 'ephemeral' });
      await c.create(`${root}/tree`, null);
      const data = new Recorder();
      await c.getData(node, { watch: data.watcher });
      const children = new Recorder();
      await c.getChildren(root, { watch: children.watcher });
      // (ZooKeeper 3.8 lets a recursive watch shadow a one-shot watch of the same session on the same path)
      const recursive = new Recorder();
      await c.addWatch(`${root}/tree`, 'persistent_recursive', recursive.watcher);

      const id = c.sessionId;
      const from = c.connectedTo;
      const states: ZkState[] = [];
      let queued: Promise<unknown> | null = null;
      c.on('state', (s) => {
        states.push(s);
        if (s === 'disconnected') queued = c.getData(node);
      });
      const back = once(c, 'state').then(() => stateReached(c, 'connected'));
      const proxy = env.proxyOf(c);
      proxy.cut({ block: true });
      await back;
      expect(states).toEqual(['disconnected', 'connected']);
      expect(c.sessionId).toBe(id);
      expect(c.connectedTo).not.toBe(from);
      expect(await queued).toMatchObject({ data: text('0') });
      proxy.open();

      const other = await env.client({ direct: true });
      await other.setData(node, text('1'));
      await other.create(`${root}/m`, null);
      await other.create(`${root}/tree/x`, null);
      expect(await data.waitFor(1)).toEqual([{ type: 'NodeDataChanged', path: node }]);
      expect(await children.waitFor(1)).toEqual([{ type: 'NodeChildrenChanged', path: root }]);
      expect(await recursive.waitFor(1)).toEqual([{ type: 'NodeCreated', path: `${root}/tree/x` }]);
      expect((await other.exists(`${root}/e`))?.ephemeralOwner).toBe(id);
    });

    it('surfaces session expiry: pending calls fail with SessionExpired and watchers hear nothing more', async () => {
      const admin = await env.client({ direct: true });
      const root = await env.root(admin);
      const c = await env.client({ sessionTimeoutMs: 1000 });
      await c.create(`${root}/e`, null, { mode: 'ephemeral' });
      const silent = new Recorder();
      await c.exists(`${root}/later`, { watch: silent.watcher });
      const gone = new Recorder();
      await admin.exists(`${root}/e`, { watch: gone.watcher });
      const states: ZkState[] = [];
      c.on('state', (s) => states.push(s));

      env.cutAll();
      await stateReached(c, 'disconnected');
      const queued = c.getData(`${root}/e`).catch((err: unknown) => err);
      expect(await gone.waitFor(1)).toEqual([{ type: 'NodeDeleted', path: `${root}/e` }]);
      env.openAll();
      await stateReached(c, 'expired');
      expect(states).toEqual(['disconnected', 'expired']);
      expect(await queued).toMatchObject({ code: Err.SessionExpired });
      await expect(c.exists('/')).rejects.toMatchObject({ code: Err.SessionExpired });

      const probe = new Recorder();
      await admin.exists(`${root}/later`, { watch: probe.watcher });
      await admin.create(`${root}/later`, null);
      expect(probe.events).toHaveLength(1);
      expect(silent.events).toEqual([]);
    });

    it('elects the lowest sequence; followers take over in order', async () => {
      const admin = await env.client();
      const path = `${await env.root(admin)}/election`;
      const contender = (name: string): LeaderElection =>
        new LeaderElection({ connect: () => env.client(), path, prefix: 'json.info_', data: text(name) });
      const [a, b, c] = [contender('a'), contender('b'), contender('c')];
      await a.start();
      await b.start();
      await c.start();
      expect([a.isLeader, b.isLeader, c.isLeader]).toEqual([true, false, false]);
      expect([a.nodeName, b.nodeName, c.nodeName]).toEqual([
        'json.info_0000000000',
        'json.info_0000000001',
        'json.info_0000000002',
      ]);
      expect((await c.leaderData())?.toString()).toBe('a');

      const cLeads = once(c, 'leader');
      await b.stop();
      expect(c.isLeader).toBe(false);
      const aLost = once(a, 'notLeader');
      await a.stop();
      await Promise.all([cLeads, aLost]);
      expect((await c.leaderData())?.toString()).toBe('c');
      await c.stop();
      // The session close is committed; admin's member may not have applied it yet: sync first.
      await admin.sync(path);
      expect(await admin.getChildren(path)).toEqual([]);
    });

    it('abdicates: the next contender leads and the one that gave up joins the back of the line', async () => {
      const admin = await env.client();
      const path = `${await env.root(admin)}/abdication`;
      const contender = (name: string): LeaderElection =>
        new LeaderElection({ connect: () => env.client(), path, prefix: 'json.info_', data: text(name) });
      const [a, b] = [contender('a'), contender('b')];
      await a.start();
      await b.start();
      const bLeads = once(b, 'leader');
      await a.abdicate();
      await bLeads;
      expect([a.isLeader, b.isLeader]).toEqual([false, true]);
      expect(a.nodeName).toBe('json.info_0000000002');
      expect((await a.leaderData())?.toString()).toBe('b');
      const aLeads = once(a, 'leader');
      await b.stop();
      await aLeads;
      expect(a.isLeader).toBe(true);
      await a.stop();
    });

    it('drops leadership on session expiry and contends again on a new session', async () => {
      const admin = await env.client({ direct: true });
      const path = `${await env.root(admin)}/election`;
      const first = new LeaderElection({
        connect: () => env.client({ sessionTimeoutMs: 1000 }),
        path,
        prefix: 'n_',
        data: text('1'),
      });
      const second = new LeaderElection({
        connect: () => env.client({ direct: true }),
        path,
        prefix: 'n_',
        data: text('2'),
      });
      await first.start();
      await second.start();
      const oldSession = first.client?.sessionId;
      expect(first.isLeader).toBe(true);

      const secondLeads = once(second, 'leader');
      env.cutAll();
      await secondLeads;
      const rejoined = new Recorder();
      await admin.getChildren(path, { watch: rejoined.watcher });
      const firstLost = once(first, 'notLeader');
      env.openAll();
      await firstLost;
      await rejoined.waitFor(1);
      expect(first.isLeader).toBe(false);
      expect(first.client?.sessionId).not.toBe(oldSession);
      expect((await admin.getChildren(path)).sort()).toEqual(['n_0000000001', 'n_0000000002']);
      expect((await first.leaderData())?.toString()).toBe('2');
      await first.stop();
      await second.stop();
    });

    it('keeps node and children caches current', async () => {
      const admin = await env.client();
      const root = await env.root(admin);
      const c = await env.client();
      const node = new NodeCache(c, `${root}/n`);
      const children = new ChildrenCache(c, root);
      await node.start();
      await children.start();
      expect(node.current).toBeNull();
      expect(children.current).toEqual([]);
      await admin.create(`${root}/n`, text('v1'));
      await admin.create(`${root}/k`, null);
      await admin.setData(`${root}/n`, text('v2'));
      await changeTo(node, (v) => v?.data?.toString() === 'v2');
      await changeTo(children, (v) => v?.join() === 'k,n');
      await admin.delete(`${root}/n`);
      await changeTo(node, (v) => v === null);
      node.stop();
      children.stop();
    });
  });
}
