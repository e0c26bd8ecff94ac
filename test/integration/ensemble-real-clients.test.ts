// Clients we did not write, against our ensemble: ZooKeeper's own zkCli.sh (output compared with
// captures from a real ZooKeeper 3.8) and the npm node-zookeeper-client.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK } from '../../src/common/ports.js';
import { digestId } from '../../src/ensemble/core/acl.js';
import { Err } from '../../src/ensemble/wire/index.js';
import { TestEnsemble, waitUntil } from '../helpers/ensemble.js';
import { ZK_GOLDEN } from '../helpers/repo.js';
import { ZOOKEEPER_SWITCH, zookeeperHome } from '../helpers/real-zookeeper.js';
import { describeRequiring } from '../helpers/requirement.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const ZKCLI = join(zookeeperHome(), 'bin', 'zkCli.sh');
const GOLDEN = join(ZK_GOLDEN, 'standalone', 'zkcli');
const GOLDEN_PORT = '22181';

// ---- zkCli.sh ----

interface CliRun {
  stdout: string;
  /** stderr without the SLF4J warnings the Debian build prints. */
  stderr: string;
  code: number;
}

function zkCli(port: number, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(ZKCLI, ['-server', `${LOOPBACK}:${port}`, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      const cleaned = stderr
        .split('\n')
        .filter((line) => !line.startsWith('SLF4J:'))
        .join('\n');
      resolve({ stdout, stderr: cleaned, code });
    });
  });
}

/** A golden zkCli capture, split into the connection banner (with our port) and the command output. */
function golden(name: string, port: number): { banner: string; body: string } {
  const text = readFileSync(join(GOLDEN, `${name}.stdout`), 'utf8').replace(`:${GOLDEN_PORT}`, `:${port}`);
  return splitBanner(text);
}

/** The lines zkCli prints about its connection, from its event thread: they may land among the command's own. */
const CONNECTION_LINES = [/^Connecting to /, /^WATCHER::$/, /^WatchedEvent state:SyncConnected type:None path:null$/];

/** zkCli's output split into its connection lines (the banner) and the command's own lines (the body). */
function splitBanner(stdout: string): { banner: string; body: string } {
  const lines = stdout.split('\n').filter((line) => line !== '');
  const isConnection = (line: string): boolean => CONNECTION_LINES.some((pattern) => pattern.test(line));
  return {
    banner: lines.filter(isConnection).join('\n'),
    body: lines.filter((line) => !isConnection(line)).join('\n'),
  };
}

// ---- node-zookeeper-client, typed as far as these tests use it ----

type Callback<R extends unknown[]> = (err: Error | null, ...results: R) => void;
interface NzkEvent {
  type: number;
  path: string;
}
type NzkWatcher = (event: NzkEvent) => void;
interface NzkStat {
  version: number;
  ephemeralOwner: Buffer;
}
interface NzkAcl {
  permission: number;
  id: { scheme: string; id: string };
}
interface NzkTransaction {
  create(path: string, data?: Buffer): NzkTransaction;
  setData(path: string, data: Buffer, version: number): NzkTransaction;
  check(path: string, version: number): NzkTransaction;
  remove(path: string, version: number): NzkTransaction;
  commit(cb: Callback<[{ type: number; path?: string }[]]>): void;
}
interface NzkClient {
  connect(): void;
  close(): void;
  once(event: 'connected' | 'disconnected', cb: () => void): void;
  getSessionId(): Buffer;
  addAuthInfo(scheme: string, auth: Buffer): void;
  create(path: string, data: Buffer, acls: unknown[], mode: number, cb: Callback<[string]>): void;
  getData(path: string, watcher: NzkWatcher | undefined, cb: Callback<[Buffer, NzkStat]>): void;
  setData(path: string, data: Buffer, version: number, cb: Callback<[NzkStat]>): void;
  getChildren(path: string, watcher: NzkWatcher | undefined, cb: Callback<[string[], NzkStat]>): void;
  exists(path: string, watcher: NzkWatcher | undefined, cb: Callback<[NzkStat | null]>): void;
  getACL(path: string, cb: Callback<[NzkAcl[], NzkStat]>): void;
  transaction(): NzkTransaction;
}
interface Nzk {
  createClient(
    connectString: string,
    options: { sessionTimeout: number; spinDelay: number; retries: number },
  ): NzkClient;
  ACL: { new (perms: number, id: unknown): unknown; OPEN_ACL_UNSAFE: unknown[] };
  Id: new (scheme: string, id: string) => { scheme: string; id: string | null };
  Permission: { ALL: number; READ: number };
  CreateMode: { PERSISTENT: number; EPHEMERAL: number; EPHEMERAL_SEQUENTIAL: number };
  Event: { NODE_DATA_CHANGED: number; NODE_CHILDREN_CHANGED: number; NODE_CREATED: number };
  Exception: { NO_AUTH: number; BAD_VERSION: number; NO_NODE: number };
}
const nzk = createRequire(import.meta.url)('node-zookeeper-client') as Nzk;

function call<R extends unknown[]>(invoke: (cb: Callback<R>) => void): Promise<R> {
  return new Promise((resolve, reject) => invoke((err, ...results) => (err ? reject(err) : resolve(results))));
}

/** The ZooKeeper error code of a failed call (node-zookeeper-client's Exception#getCode). */
async function errorCode(promise: Promise<unknown>): Promise<number> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e as { getCode?: () => number },
  );
  return err?.getCode?.() ?? 0;
}

// ---- the tests ----

describe('real clients against the ensemble', () => {
  let ensemble: TestEnsemble;
  const clients: NzkClient[] = [];

  async function nodeClient(connectString = ensemble.connectString): Promise<NzkClient> {
    const client = nzk.createClient(connectString, { sessionTimeout: 2_000, spinDelay: 100, retries: 3 });
    clients.push(client);
    const connected = new Promise<void>((resolve) => client.once('connected', resolve));
    client.connect();
    await connected;
    return client;
  }

  beforeAll(async () => {
    ensemble = await TestEnsemble.start();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await ensemble?.stop();
  });

  const zkCliMissing = existsSync(ZKCLI)
    ? null
    : `there is no ${ZKCLI} (apt-get install zookeeper, or set ZOOKEEPER_HOME)`;
  describeRequiring({ switch: ZOOKEEPER_SWITCH, missing: zkCliMissing }, `zkCli.sh (${ZKCLI})`, () => {
    it('creates, reads and lists like against a real server', async () => {
      const port = ensemble.clientPort(ensemble.sids[1] ?? 1);
      const created = await zkCli(port, 'create', '/a', 'x');
      expect(created.code).toBe(0);
      expect(created.stderr).toContain('Created /a\n');
      expect(splitBanner(created.stdout).banner).toBe(golden('create-e-s', port).banner);

      const got = await zkCli(port, 'get', '/a');
      expect(splitBanner(got.stdout)).toEqual({ banner: golden('get-golden', port).banner, body: 'x' });

      const listed = await zkCli(port, 'ls', '/');
      expect(splitBanner(listed.stdout)).toEqual({ banner: golden('ls-root', port).banner, body: '[a, zookeeper]' });
    }, 60_000);

    it('creates ephemeral sequential nodes and shows ACLs like a real server', async () => {
      const port = ensemble.clientPort(ensemble.sids[2] ?? 1);
      await zkCli(port, 'create', '/cli', 'y');
      const seq = await zkCli(port, 'create', '-e', '-s', '/cli/x-', 'z');
      expect(seq.code).toBe(0);
      expect(seq.stderr).toMatch(/Created \/cli\/x-\d{10}\n/);
      expect(splitBanner(seq.stdout)).toEqual(golden('create-e-s', port));

      const acl = await zkCli(port, 'getAcl', '/cli');
      expect(splitBanner(acl.stdout)).toEqual(golden('getAcl-golden', port));

      const missing = await zkCli(port, 'get', '/missing');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('Node does not exist: /missing');
    }, 60_000);
  });

  describe('node-zookeeper-client', () => {
    it('creates and reads nodes, ephemeral and sequential ones too', async () => {
      const client = await nodeClient();
      const { PERSISTENT, EPHEMERAL_SEQUENTIAL } = nzk.CreateMode;
      await call<[string]>((cb) =>
        client.create('/nzk', Buffer.from('hello'), nzk.ACL.OPEN_ACL_UNSAFE, PERSISTENT, cb),
      );
      const [data] = await call<[Buffer, NzkStat]>((cb) => client.getData('/nzk', undefined, cb));
      expect(data.toString()).toBe('hello');
      const [first] = await call<[string]>((cb) =>
        client.create('/nzk/e-', Buffer.from(''), nzk.ACL.OPEN_ACL_UNSAFE, EPHEMERAL_SEQUENTIAL, cb),
      );
      const [second] = await call<[string]>((cb) =>
        client.create('/nzk/e-', Buffer.from(''), nzk.ACL.OPEN_ACL_UNSAFE, EPHEMERAL_SEQUENTIAL, cb),
      );
      expect([first, second]).toEqual(['/nzk/e-0000000000', '/nzk/e-0000000001']);
      const [stat] = await call<[NzkStat | null]>((cb) => client.exists(first, undefined, cb));
      expect(stat?.ephemeralOwner.equals(client.getSessionId())).toBe(true);
    });

    it('delivers data and child watches set through another member', async () => {
      const watcher = await nodeClient();
      const writer = await nodeClient();
      await call<[string]>((cb) =>
        writer.create('/watched', Buffer.from('v1'), nzk.ACL.OPEN_ACL_UNSAFE, nzk.CreateMode.PERSISTENT, cb),
      );
      const events: NzkEvent[] = [];
      await call<[Buffer, NzkStat]>((cb) => watcher.getData('/watched', (e) => events.push(e), cb));
      await call<[string[], NzkStat]>((cb) => watcher.getChildren('/watched', (e) => events.push(e), cb));
      await call<[NzkStat]>((cb) => writer.setData('/watched', Buffer.from('v2'), -1, cb));
      await call<[string]>((cb) =>
        writer.create('/watched/kid', Buffer.from(''), nzk.ACL.OPEN_ACL_UNSAFE, nzk.CreateMode.PERSISTENT, cb),
      );
      await waitUntil('both watches fired', () => events.length === 2);
      expect(events.map((e) => [e.type, e.path])).toEqual([
        [nzk.Event.NODE_DATA_CHANGED, '/watched'],
        [nzk.Event.NODE_CHILDREN_CHANGED, '/watched'],
      ]);
    });

    it('moves its session to another member when its connection drops; ephemerals and watches survive', async () => {
      const proxies = await Promise.all(
        ensemble.sids.slice(0, 2).map((sid) => TcpProxy.start(ensemble.clientPort(sid))),
      );
      try {
        const client = await nodeClient(proxies.map((p) => `${LOOPBACK}:${p.port}`).join(','));
        const writer = await nodeClient();
        const session = client.getSessionId();
        await call<[string]>((cb) =>
          client.create('/moving', Buffer.from('a'), nzk.ACL.OPEN_ACL_UNSAFE, nzk.CreateMode.EPHEMERAL, cb),
        );
        const events: NzkEvent[] = [];
        await call<[Buffer, NzkStat]>((cb) => client.getData('/moving', (e) => events.push(e), cb));

        const through = proxies.find((p) => p.connections === 1);
        const other = proxies.find((p) => p !== through);
        const moved = new Promise<void>((resolve) =>
          client.once('disconnected', () => client.once('connected', resolve)),
        );
        through?.cut({ block: true });
        await moved;
        expect(other?.connections).toBe(1);
        expect(client.getSessionId().equals(session)).toBe(true);

        await call<[NzkStat]>((cb) => writer.setData('/moving', Buffer.from('b'), -1, cb));
        await waitUntil('the re-armed watch fired', () => events.length === 1);
        expect(events.map((e) => [e.type, e.path])).toEqual([[nzk.Event.NODE_DATA_CHANGED, '/moving']]);
        const [stat] = await call<[NzkStat | null]>((cb) => writer.exists('/moving', undefined, cb));
        expect(stat?.ephemeralOwner.equals(session)).toBe(true);
      } finally {
        await Promise.all(proxies.map((p) => p.close()));
      }
    });

    it('runs a transaction all-or-nothing', async () => {
      const client = await nodeClient();
      const [results] = await call<[{ type: number }[]]>((cb) =>
        client
          .transaction()
          .create('/tx', Buffer.from('a'))
          .create('/tx/1')
          .setData('/tx', Buffer.from('b'), 0)
          .commit(cb),
      );
      expect(results).toHaveLength(3);
      const [data, stat] = await call<[Buffer, NzkStat]>((cb) => client.getData('/tx', undefined, cb));
      expect([data.toString(), stat.version]).toEqual(['b', 1]);
      // (version 0 would not do: this client library sends 0 as -1, "any version")
      const failed = call<[{ type: number }[]]>((cb) =>
        client.transaction().create('/tx/2').check('/tx', 7).commit(cb),
      );
      expect(await errorCode(failed)).toBe(nzk.Exception.BAD_VERSION);
      expect(await errorCode(call<[Buffer, NzkStat]>((cb) => client.getData('/tx/2', undefined, cb)))).toBe(
        nzk.Exception.NO_NODE,
      );
    });

    it('enforces digest ACLs', async () => {
      const owner = await nodeClient();
      owner.addAuthInfo('digest', Buffer.from('user:pass'));
      const onlyUser = [new nzk.ACL(nzk.Permission.ALL, new nzk.Id('digest', 'user:smGaoVKd/cQkjm7b88GyorAUz20='))];
      await call<[string]>((cb) => owner.create('/secret', Buffer.from('s3'), onlyUser, nzk.CreateMode.PERSISTENT, cb));
      const [acl] = await call<[NzkAcl[], NzkStat]>((cb) => owner.getACL('/secret', cb));
      expect(acl).toEqual([
        { permission: nzk.Permission.ALL, id: { scheme: 'digest', id: 'user:smGaoVKd/cQkjm7b88GyorAUz20=' } },
      ]);
      const stranger = await nodeClient();
      expect(await errorCode(call<[Buffer, NzkStat]>((cb) => stranger.getData('/secret', undefined, cb)))).toBe(
        nzk.Exception.NO_AUTH,
      );
      stranger.addAuthInfo('digest', Buffer.from('user:pass'));
      const [data] = await call<[Buffer, NzkStat]>((cb) => stranger.getData('/secret', undefined, cb));
      expect(data.toString()).toBe('s3');
    });

    it("gives a node created with the creator's ACL after digest auth the creator's digest id", async () => {
      const owner = await nodeClient();
      owner.addAuthInfo('digest', Buffer.from('alice:secret'));
      const creatorAll = (id: string | null): unknown[] => {
        const auth = Object.assign(new nzk.Id('auth', ''), { id });
        return [new nzk.ACL(nzk.Permission.ALL, auth)];
      };
      const create = (client: NzkClient, path: string, id: string | null): Promise<[string]> =>
        call<[string]>((cb) => client.create(path, Buffer.from('c'), creatorAll(id), nzk.CreateMode.PERSISTENT, cb));
      // node-zookeeper-client's CREATOR_ALL sends an empty id; kazoo's sends a null one (jute length -1)
      await create(owner, '/creator-empty', '');
      await create(owner, '/creator-null', null);
      const alice = { permission: nzk.Permission.ALL, id: { scheme: 'digest', id: digestId('alice:secret') } };
      for (const path of ['/creator-empty', '/creator-null']) {
        const [acl] = await call<[NzkAcl[], NzkStat]>((cb) => owner.getACL(path, cb));
        expect(acl).toEqual([alice]);
      }
      const stranger = await nodeClient();
      expect(await errorCode(create(stranger, '/creator-stranger', null))).toBe(Err.InvalidACL);
    });
  });
});
