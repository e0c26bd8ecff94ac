// ZkClient against a scripted server: handshake fields, xids and reply order, pings, read timeouts,
// reconnects within the session (auth, setWatches, queued requests), expiry and close.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CLIENT_QUEUED_REQUESTS } from '../../../src/common/limits.js';
import { Err, ZkClient, type WatchedEvent, type ZkState } from '../../../src/ensemble/client/index.js';
import { EventType, type Stat } from '../../../src/ensemble/wire/index.js';
import { FakeServer, PASSWORD, accept, expired, type FakeConnection } from './fake-server.js';

const SESSION = 0x1234n;
const stat: Stat = {
  czxid: 5n,
  mzxid: 5n,
  ctime: 0,
  mtime: 0,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 0,
  numChildren: 0,
  pzxid: 5n,
};

const servers: FakeServer[] = [];
const clients: ZkClient[] = [];

async function fakes(n: number): Promise<FakeServer[]> {
  const started = await Promise.all(Array.from({ length: n }, () => FakeServer.start(SESSION)));
  servers.push(...started);
  return started;
}

/** Connects in connect-string order; resolves with the client and its first server-side connection. */
async function connected(
  targets: FakeServer[],
  chroot = '',
  options = {},
): Promise<{ client: ZkClient; conn: FakeConnection }> {
  const first = targets[0];
  if (first === undefined) throw new Error('no server');
  const connecting = ZkClient.connect(targets.map((s) => s.address).join(',') + chroot, {
    shuffleHosts: false,
    ...options,
  });
  const conn = await first.connections.next();
  const client = await connecting;
  clients.push(client);
  return { client, conn };
}

function nextState(client: ZkClient, state: ZkState): Promise<void> {
  return new Promise((resolve) => {
    const listener = (s: ZkState): void => {
      if (s !== state) return;
      client.off('state', listener);
      resolve();
    };
    client.on('state', listener);
  });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('ZkClient handshake and requests', () => {
  it('sends a fresh-session ConnectRequest and numbers requests from 1', async () => {
    const [server] = await fakes(1);
    const { client, conn } = await connected([server!], '', { sessionTimeoutMs: 6000 });
    expect(conn.connectRequest).toEqual({
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut: 6000,
      sessionId: 0n,
      passwd: Buffer.alloc(16),
      readOnly: false,
    });
    expect(client.sessionId).toBe(SESSION);
    expect(client.state).toBe('connected');
    const a = client.exists('/a');
    const b = client.getData('/b');
    const first = await conn.answer({ kind: 'stat', stat }, { zxid: 7n });
    const second = await conn.answer({ kind: 'getData', data: Buffer.from('x'), stat }, { zxid: 8n });
    expect([first.xid, second.xid]).toEqual([1, 2]);
    expect(first.request).toEqual({ op: 'exists', path: '/a', watch: false });
    expect(await a).toEqual(stat);
    expect((await b).data?.toString()).toBe('x');
    expect(client.lastZxidSeen).toBe(8n);
  });

  it('applies the chroot to request paths and strips it from created paths and events', async () => {
    const [server] = await fakes(1);
    const { client, conn } = await connected([server!], '/app');
    const created = client.create('/s-', null, { mode: 'ephemeral_sequential' });
    const req = await conn.answer({ kind: 'create', path: '/app/s-0000000003' });
    expect(req.request).toMatchObject({ op: 'create', path: '/app/s-', flags: 3 });
    expect(await created).toBe('/s-0000000003');

    const events: WatchedEvent[] = [];
    const watching = client.exists('/', { watch: (e) => events.push(e) });
    expect((await conn.answer({ kind: 'stat', stat })).request).toMatchObject({ path: '/app', watch: true });
    await watching;
    conn.notify(EventType.NodeDataChanged, '/app');
    const synced = client.sync('/');
    await conn.answer({ kind: 'path', path: '/app' });
    expect(await synced).toBe('/');
    expect(events).toEqual([{ type: 'NodeDataChanged', path: '/' }]);
  });

  it('drops the connection on a reply out of order: pending calls fail with ConnectionLoss', async () => {
    const [server] = await fakes(1);
    const { client, conn } = await connected([server!]);
    const a = client.exists('/a').catch((e: unknown) => e);
    const b = client.exists('/b').catch((e: unknown) => e);
    await conn.requests.next();
    const second = await conn.requests.next();
    conn.reply(second.xid, { kind: 'stat', stat });
    expect(await a).toMatchObject({ code: Err.ConnectionLoss, path: '/a' });
    expect(await b).toMatchObject({ code: Err.ConnectionLoss, path: '/b' });
    await conn.closed;
    const again = await server!.connections.next();
    expect(again.connectRequest).toMatchObject({ sessionId: SESSION, passwd: PASSWORD });
    expect(client.sessionId).toBe(SESSION);
  });

  it('pings when idle and moves to the next host when nothing is read for the read timeout', async () => {
    const [one, two] = await fakes(2);
    one!.handshake = accept(SESSION, 300); // readTimeout 200 ms, ping every 100 ms
    const { client, conn } = await connected([one!, two!]);
    const read = client.getData('/z');
    await conn.answer({ kind: 'getData', data: null, stat }, { zxid: 0x42n });
    await read;
    const reconnected = nextState(client, 'disconnected').then(() => nextState(client, 'connected'));
    expect(await conn.requests.next()).toEqual({ xid: -2, request: { op: 'ping' } });
    const moved = await two!.connections.next();
    expect(moved.connectRequest).toMatchObject({
      sessionId: SESSION,
      passwd: PASSWORD,
      lastZxidSeen: 0x42n,
      timeOut: 10_000,
    });
    await reconnected;
    expect(client.connectedTo).toBe(two!.address);
  });

  it('after a reconnect re-sends auth, then setWatches with server paths, then the queued requests', async () => {
    const [one, two] = await fakes(2);
    const { client, conn } = await connected([one!, two!], '/root');
    const authed = client.addAuth('digest', 'u:p');
    expect(await conn.answer()).toMatchObject({ xid: -4, request: { op: 'auth', scheme: 'digest' } });
    await authed;
    const watcher = (): void => undefined;
    const watched = client.getData('/d', { watch: watcher });
    await conn.answer({ kind: 'getData', data: null, stat }, { zxid: 9n });
    await watched;
    const missing = client.exists('/gone', { watch: watcher });
    await conn.answer({ kind: 'empty' }, { err: Err.NoNode, zxid: 10n });
    expect(await missing).toBeNull();
    const kids = client.getChildren('/', { watch: watcher });
    await conn.answer({ kind: 'getChildren', children: [] }, { zxid: 10n });
    await kids;

    let queued: Promise<Stat> | null = null;
    client.once('state', (s) => {
      if (s === 'disconnected') queued = client.setData('/d', Buffer.from('v'));
    });
    conn.drop();
    const next = await two!.connections.next();
    expect(next.connectRequest.lastZxidSeen).toBe(10n);
    expect(await next.answer()).toMatchObject({
      xid: -4,
      request: { op: 'auth', scheme: 'digest', auth: Buffer.from('u:p') },
    });
    const setWatches = await next.answer();
    expect(setWatches.request).toEqual({
      op: 'setWatches',
      relativeZxid: 10n,
      dataWatches: ['/root/d'],
      existWatches: ['/root/gone'],
      childWatches: ['/root'],
      persistentWatches: [],
      persistentRecursiveWatches: [],
    });
    const flushed = await next.answer({ kind: 'stat', stat });
    expect(flushed.request).toMatchObject({ op: 'setData', path: '/root/d' });
    expect(flushed.xid).toBe(setWatches.xid + 1);
    expect(await queued).toEqual(stat);
  });

  it('uses setWatches2 when a persistent watch is armed', async () => {
    const [one] = await fakes(1);
    const { client, conn } = await connected([one!]);
    const adding = client.addWatch('/p', 'persistent_recursive', () => undefined);
    await conn.answer({ kind: 'errorBody', err: 0 });
    await adding;
    conn.drop();
    const next = await one!.connections.next();
    expect((await next.answer()).request).toMatchObject({ op: 'setWatches2', persistentRecursiveWatches: ['/p'] });
  });

  it('turns a zeroed ConnectResponse into expiry: queued calls fail with SessionExpired', async () => {
    const [server] = await fakes(1);
    const { client, conn } = await connected([server!]);
    const events: WatchedEvent[] = [];
    const watched = client.exists('/w', { watch: (e) => events.push(e) });
    await conn.answer({ kind: 'stat', stat });
    await watched;
    server!.handshake = expired;
    const states: ZkState[] = [];
    let queued: Promise<unknown> | null = null;
    client.on('state', (s) => {
      states.push(s);
      if (s === 'disconnected') queued = client.exists('/q').catch((e: unknown) => e);
    });
    const gone = nextState(client, 'expired');
    conn.drop();
    await gone;
    expect(states).toEqual(['disconnected', 'expired']);
    expect(await queued).toMatchObject({ code: Err.SessionExpired });
    await expect(client.getData('/w')).rejects.toMatchObject({ code: Err.SessionExpired });
    expect(events).toEqual([]);
  });

  it('bounds the requests queued while disconnected', async () => {
    const [server] = await fakes(1);
    const { client, conn } = await connected([server!]);
    server!.handshake = () => null;
    const calls: Promise<unknown>[] = [];
    client.once('state', () => {
      for (let i = 0; i <= MAX_CLIENT_QUEUED_REQUESTS; i++) calls.push(client.exists('/x').catch((e: unknown) => e));
    });
    const disconnected = nextState(client, 'disconnected');
    conn.drop();
    await disconnected;
    expect(await calls[MAX_CLIENT_QUEUED_REQUESTS]).toMatchObject({ code: Err.ConnectionLoss });
    await client.close();
    expect(await calls[0]).toMatchObject({ code: Err.ConnectionLoss });
  });

  it('close() sends closeSession and resolves only after its reply', async () => {
    const [server] = await fakes(1);
    const { client, conn } = await connected([server!]);
    let done = false;
    const closing = client.close().then(() => (done = true));
    const received = await conn.requests.next();
    expect(received.request).toEqual({ op: 'closeSession' });
    expect(done).toBe(false);
    conn.reply(received.xid);
    await closing;
    expect(client.state).toBe('closed');
    await conn.closed;
  });

  it('fails connect() with ConnectionLoss when no host answers in time', async () => {
    const [server] = await fakes(1);
    server!.handshake = () => null;
    await expect(ZkClient.connect(server!.address, { initialConnectTimeoutMs: 300 })).rejects.toMatchObject({
      code: Err.ConnectionLoss,
    });
  });
});
