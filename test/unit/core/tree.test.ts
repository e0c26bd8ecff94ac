// The replicated tree against the reference tables: initial nodes, cversion and sequential names,
// error codes and their order, multi, ephemerals, containers, snapshots and digests.
import { describe, expect, it } from 'vitest';
import { CreateFlags, Err, EventType, type MultiWriteOp } from '../../../src/ensemble/wire/records.js';
import { ReplicatedState } from '../../../src/ensemble/core/tree/state.js';
import { invalidPathReason, sequenceSuffix } from '../../../src/ensemble/core/paths.js';
import { OPEN_ACL, SESSION, TreeDriver } from './tree-driver.js';

describe('a fresh state', () => {
  const state = new ReplicatedState();

  it('has /, /zookeeper, /zookeeper/quota and /zookeeper/config, counted 5 as srvr does', () => {
    expect(state.nodeCount).toBe(5);
    const root = state.getChildren('/', []);
    expect(root.ok && root.value.children).toEqual(['zookeeper']);
    const zk = state.getChildren('/zookeeper', []);
    expect(zk.ok && zk.value.children).toEqual(['config', 'quota']);
    const all = state.getAllChildrenNumber('/', []);
    expect(all.ok && all.value).toBe(state.nodeCount - 2);
    expect(state.lastZxid).toBe(0n);
  });

  it('serves /zookeeper/config read-only with aversion -1 and empty (not null) data', () => {
    const cfg = state.getData('/zookeeper/config', []);
    expect(cfg.ok && cfg.value.data).toEqual(Buffer.alloc(0));
    expect(cfg.ok && cfg.value.stat.aversion).toBe(-1);
    const acl = state.getACL('/zookeeper/config', []);
    expect(acl.ok && acl.value.acl).toEqual([{ perms: 1, id: { scheme: 'world', id: 'anyone' } }]);
    const root = state.getData('/', []);
    expect(root.ok && root.value.stat).toMatchObject({ czxid: 0n, ctime: 0, dataLength: 0, numChildren: 1 });
  });
});

describe('cversion and sequential names (reference §11)', () => {
  it('follows the verified sequence on a fresh /t exactly', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/t');
    const seen = () => ({ cversion: d.stat('/t').cversion, numChildren: d.stat('/t').numChildren });
    expect(seen()).toEqual({ cversion: 0, numChildren: 0 });
    d.create('/t/a');
    expect(seen()).toEqual({ cversion: 1, numChildren: 1 });
    d.delete('/t/a');
    expect(seen()).toEqual({ cversion: 2, numChildren: 0 });
    const seq = d.create('/t/s-', { flags: CreateFlags.PERSISTENT_SEQUENTIAL });
    expect(seq.response).toEqual({ kind: 'create', path: '/t/s-0000000001' });
    expect(seen()).toEqual({ cversion: 3, numChildren: 1 });
    d.create('/t/a');
    expect(d.create('/t/a').err).toBe(Err.NodeExists);
    expect(seen()).toEqual({ cversion: 4, numChildren: 2 });
    expect(d.create('/t/n', { flags: CreateFlags.PERSISTENT_SEQUENTIAL }).response).toEqual({
      kind: 'create',
      path: '/t/n0000000003',
    });
  });

  it('shows the root at cversion 0 with 2 children after one create', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/golden');
    expect(d.stat('/')).toMatchObject({ cversion: 0, numChildren: 2 });
  });

  it('appends the suffix before validating, so "/b/" sequential is valid and plain is not', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/b');
    expect(d.create('/b/', { flags: CreateFlags.PERSISTENT_SEQUENTIAL }).response).toEqual({
      kind: 'create',
      path: '/b/0000000000',
    });
    expect(d.create('/b/').err).toBe(Err.BadArguments);
  });

  it('formats the counter as a signed 32-bit %010d', () => {
    expect(sequenceSuffix(7)).toBe('0000000007');
    expect(sequenceSuffix(2147483647)).toBe('2147483647');
    expect(sequenceSuffix(2147483648)).toBe('-2147483648');
    expect(sequenceSuffix(-5)).toBe('-000000005');
  });
});

describe('create', () => {
  it('sets czxid = mzxid = pzxid = the txn zxid and ctime = mtime = the txn time', () => {
    const d = new TreeDriver();
    d.openSession();
    d.time = 5000;
    const r = d.write({ op: 'create2', path: '/n', data: null, acl: OPEN_ACL, flags: 0 });
    expect(r.err).toBe(0);
    expect(r.response).toEqual({
      kind: 'create2',
      path: '/n',
      stat: {
        czxid: 2n,
        mzxid: 2n,
        ctime: 5000,
        mtime: 5000,
        version: 0,
        cversion: 0,
        aversion: 0,
        ephemeralOwner: 0n,
        dataLength: 0,
        numChildren: 0,
        pzxid: 2n,
      },
    });
    expect(d.stat('/')).toMatchObject({ pzxid: 2n });
    expect(r.events).toEqual([
      { path: '/n', type: EventType.NodeCreated },
      { path: '/', type: EventType.NodeChildrenChanged },
    ]);
  });

  it('keeps null and empty data apart', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/null', { data: null });
    d.create('/empty', { data: Buffer.alloc(0) });
    const n = d.state.getData('/null', []);
    const e = d.state.getData('/empty', []);
    expect(n.ok && n.value.data).toBeNull();
    expect(e.ok && e.value.data).toEqual(Buffer.alloc(0));
    expect(n.ok && n.value.stat.dataLength).toBe(0);
  });

  it('answers the verified error codes', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/b');
    d.create('/b/e', { flags: CreateFlags.EPHEMERAL });
    d.create('/b/c');
    expect(d.create('b').err).toBe(Err.BadArguments);
    expect(d.create('/b/').err).toBe(Err.BadArguments);
    expect(d.create('/b/..').err).toBe(Err.BadArguments);
    expect(d.create('/b/../x').err).toBe(Err.NoNode);
    expect(d.create('/x/y').err).toBe(Err.NoNode);
    expect(d.create('/b/f', { flags: 9 }).err).toBe(Err.BadArguments);
    expect(d.create('/b').err).toBe(Err.NodeExists);
    expect(d.create('/b/e/child').err).toBe(Err.NoChildrenForEphemerals);
    expect(d.create('/b/acl', { acl: [] }).err).toBe(Err.InvalidACL);
    expect(d.create('/b/acl2', { acl: [{ perms: 31, id: { scheme: 'digest', id: 'bogus' } }] }).err).toBe(
      Err.InvalidACL,
    );
    expect(d.create('/b/acl3', { acl: [{ perms: 31, id: { scheme: 'auth', id: '' } }] }).err).toBe(Err.InvalidACL);
    expect(d.create('/b/acl4', { acl: [{ perms: 31, id: { scheme: 'world', id: 'nobody' } }] }).err).toBe(
      Err.InvalidACL,
    );
    expect(d.delete('/b').err).toBe(Err.NotEmpty);
    expect(d.delete('/b/nope').err).toBe(Err.NoNode);
    expect(d.write({ op: 'setData', path: '/b', data: null, version: 99 }).err).toBe(Err.BadVersion);
    expect(d.write({ op: 'setACL', path: '/b', acl: OPEN_ACL, version: 5 }).err).toBe(Err.BadVersion);
    expect(d.write({ op: 'setData', path: '/nope', data: null, version: -1 }).err).toBe(Err.NoNode);
    expect(d.delete('/zookeeper').err).toBe(Err.BadArguments);
    expect(d.delete('/').err).toBe(Err.BadArguments);
    expect(d.create('/zookeeper/x').err).toBe(Err.Ok);
  });

  it('checks in ZooKeeper order: missing parent before a bad final path, ACL before parent', () => {
    const d = new TreeDriver();
    d.openSession();
    expect(d.create('/x/y/').err).toBe(Err.NoNode);
    expect(d.create('/x/y', { acl: [] }).err).toBe(Err.InvalidACL);
    expect(d.create('/x', { flags: 9, acl: [] }).err).toBe(Err.BadArguments);
  });

  it('refuses TTL nodes (extended types disabled) and a TTL on a plain create', () => {
    const d = new TreeDriver();
    d.openSession();
    const ttl = { path: '/ttl', data: null, acl: OPEN_ACL, ttl: 10000n };
    expect(d.write({ op: 'createTTL', flags: CreateFlags.PERSISTENT_WITH_TTL, ...ttl }).err).toBe(Err.Unimplemented);
    expect(
      d.write({
        op: 'create',
        path: '/ttl',
        data: null,
        acl: OPEN_ACL,
        flags: CreateFlags.PERSISTENT_SEQUENTIAL_WITH_TTL,
      }).err,
    ).toBe(Err.Unimplemented);
    expect(d.write({ op: 'createTTL', flags: 0, ...ttl }).err).toBe(Err.BadArguments);
    expect(d.state.exists('/ttl')).toBeUndefined();
  });

  it('consumes a zxid even when the write fails', () => {
    const d = new TreeDriver();
    d.openSession();
    const before = d.state.lastZxid;
    expect(d.create('/missing/child').err).toBe(Err.NoNode);
    expect(d.state.lastZxid).toBe(before + 1n);
  });

  it('answers SessionExpired for writes of a session the state does not have', () => {
    const d = new TreeDriver();
    expect(d.create('/a').err).toBe(Err.SessionExpired);
    expect(d.create('/a', { flags: 9 }).err).toBe(Err.BadArguments);
  });

  it('shows containers with ephemeralOwner 0 and ephemerals with their session', () => {
    const d = new TreeDriver();
    d.openSession();
    const c = d.write({
      op: 'createContainer',
      path: '/cont',
      data: Buffer.from('c'),
      acl: OPEN_ACL,
      flags: CreateFlags.CONTAINER,
    });
    expect(c.response).toMatchObject({ kind: 'create2', path: '/cont', stat: { ephemeralOwner: 0n } });
    d.create('/eph', { flags: CreateFlags.EPHEMERAL });
    expect(d.stat('/eph').ephemeralOwner).toBe(SESSION);
    const snap = d.state.toSnapshot().nodes.find((n) => n.path === '/cont');
    expect(snap?.stat.ephemeralOwner).toBe(-0x8000000000000000n);
  });
});

describe('setData / setACL / delete', () => {
  it('bumps version, mzxid and mtime on setData and fires NodeDataChanged', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/w');
    d.time = 9000;
    const r = d.write({ op: 'setData', path: '/w', data: Buffer.from('22'), version: 0 });
    expect(r.response).toMatchObject({
      kind: 'stat',
      stat: { version: 1, mzxid: 3n, czxid: 2n, mtime: 9000, dataLength: 2 },
    });
    expect(r.events).toEqual([{ path: '/w', type: EventType.NodeDataChanged }]);
  });

  it('bumps aversion on setACL and checks the ACL version', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/a');
    const r = d.write({ op: 'setACL', path: '/a', acl: OPEN_ACL, version: 0 });
    expect(r.response).toMatchObject({ kind: 'stat', stat: { aversion: 1, version: 0 } });
    expect(r.events).toEqual([]);
    expect(d.write({ op: 'setACL', path: '/a', acl: OPEN_ACL, version: 0 }).err).toBe(Err.BadVersion);
  });

  it('sets the parent pzxid on delete and fires NodeDeleted then NodeChildrenChanged', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/p');
    d.create('/p/c');
    const r = d.delete('/p/c', 0);
    expect(d.stat('/p').pzxid).toBe(d.state.lastZxid);
    expect(r.events).toEqual([
      { path: '/p/c', type: EventType.NodeDeleted },
      { path: '/p', type: EventType.NodeChildrenChanged },
    ]);
    expect(d.delete('/p', 3).err).toBe(Err.BadVersion);
  });
});

describe('multi', () => {
  const m1 = (ops: MultiWriteOp[]) => ({ op: 'multi' as const, ops });

  it('applies every op under one zxid with the verified result shapes', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/b');
    const r = d.write(
      m1([
        { op: 'create', path: '/b/m1', data: Buffer.from('a'), acl: OPEN_ACL, flags: 0 },
        { op: 'setData', path: '/b/m1', data: Buffer.from('b'), version: 0 },
        { op: 'check', path: '/b/m1', version: 1 },
        { op: 'create2', path: '/b/m2', data: null, acl: OPEN_ACL, flags: 0 },
        { op: 'createContainer', path: '/b/c', data: null, acl: OPEN_ACL, flags: CreateFlags.CONTAINER },
        { op: 'delete', path: '/b/m1', version: -1 },
      ]),
    );
    const zxid = d.state.lastZxid;
    expect(r.err).toBe(0);
    expect(r.response.kind).toBe('multi');
    const results = r.response.kind === 'multi' ? r.response.results : [];
    expect(results.map((x) => x.type)).toEqual(['create', 'setData', 'check', 'create', 'create2', 'delete']);
    expect(results[1]).toMatchObject({ type: 'setData', stat: { czxid: zxid, mzxid: zxid, version: 1 } });
    expect(d.stat('/b')).toMatchObject({ cversion: 4, numChildren: 2, pzxid: zxid });
    expect(r.events.map((e) => `${e.type}:${e.path}`)).toEqual([
      '1:/b/m1',
      '4:/b',
      '3:/b/m1',
      '1:/b/m2',
      '4:/b',
      '1:/b/c',
      '4:/b',
      '2:/b/m1',
      '4:/b',
    ]);
  });

  it('fails all-or-nothing: earlier 0, failing op its code, later -2, header err 0, nothing changed', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/b');
    const before = d.state.digest();
    const r = d.write(
      m1([
        {
          op: 'create',
          path: '/b/m2',
          data: Buffer.from('a'),
          acl: OPEN_ACL,
          flags: CreateFlags.PERSISTENT_SEQUENTIAL,
        },
        { op: 'delete', path: '/nonexist', version: -1 },
        { op: 'setData', path: '/b/m2', data: Buffer.from('b'), version: -1 },
      ]),
    );
    expect(r.err).toBe(0);
    expect(r.response).toEqual({
      kind: 'multi',
      results: [
        { type: 'error', err: 0 },
        { type: 'error', err: -101 },
        { type: 'error', err: -2 },
      ],
    });
    expect(r.events).toEqual([]);
    const after = new TreeDriver(
      ReplicatedState.fromSnapshot({ ...d.state.toSnapshot(), lastZxid: d.state.lastZxid - 1n }),
    );
    expect(after.state.digest()).toBe(before);
    expect(d.create('/b/s-', { flags: CreateFlags.PERSISTENT_SEQUENTIAL }).response).toEqual({
      kind: 'create',
      path: '/b/s-0000000000',
    });
  });

  it('lets later ops see earlier ones (sequential counters advance within one multi)', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/q');
    const seq = {
      op: 'create' as const,
      path: '/q/n-',
      data: null,
      acl: OPEN_ACL,
      flags: CreateFlags.PERSISTENT_SEQUENTIAL,
    };
    const r = d.write(m1([seq, seq]));
    expect(r.response).toEqual({
      kind: 'multi',
      results: [
        { type: 'create', path: '/q/n-0000000000' },
        { type: 'create', path: '/q/n-0000000001' },
      ],
    });
  });
});

describe('ACLs in the tree', () => {
  const digest = { scheme: 'digest', id: 'user:smGaoVKd/cQkjm7b88GyorAUz20=' };
  const ip = { scheme: 'ip', id: '127.0.0.1' };

  it('expands auth to the digest ids and hides hashes from callers without ADMIN', () => {
    const d = new TreeDriver();
    d.openSession();
    const r = d.write(
      {
        op: 'create2',
        path: '/b',
        data: Buffer.from('x'),
        acl: [{ perms: 31, id: { scheme: 'auth', id: '' } }],
        flags: 0,
      },
      { authIds: [ip, digest] },
    );
    expect(r.err).toBe(0);
    const owner = d.state.getACL('/b', [ip, digest]);
    expect(owner.ok && owner.value.acl).toEqual([{ perms: 31, id: digest }]);
    expect(d.state.getACL('/b', [ip])).toEqual({ ok: false, err: Err.NoAuth });
    expect(d.state.getData('/b', [ip])).toEqual({ ok: false, err: Err.NoAuth });
    d.write(
      {
        op: 'setACL',
        path: '/b',
        acl: [
          { perms: 1, id: digest },
          { perms: 1, id: { scheme: 'world', id: 'anyone' } },
        ],
        version: 0,
      },
      { authIds: [ip, digest] },
    );
    const reader = d.state.getACL('/b', [ip]);
    expect(reader.ok && reader.value.acl.map((a) => a.id.id)).toEqual(['user:x', 'anyone']);
  });

  it('checks CREATE/DELETE on the parent and WRITE/ADMIN on the node, with super bypassing', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/locked', { acl: [{ perms: 1, id: ip }] });
    expect(d.create('/locked/c').err).toBe(Err.NoAuth);
    expect(d.write({ op: 'setData', path: '/locked', data: null, version: -1 }).err).toBe(Err.NoAuth);
    expect(d.write({ op: 'setACL', path: '/locked', acl: OPEN_ACL, version: -1 }).err).toBe(Err.NoAuth);
    expect(d.create('/locked/c', { authIds: [{ scheme: 'super', id: '' }] }).err).toBe(Err.Ok);
    expect(d.delete('/locked/c').err).toBe(Err.NoAuth);
    expect(d.state.exists('/locked')).toBeDefined();
    d.create('/net', { acl: [{ perms: 31, id: { scheme: 'ip', id: '10.1.0.0/16' } }] });
    expect(d.create('/net/a', { authIds: [{ scheme: 'ip', id: '10.1.2.3' }] }).err).toBe(Err.Ok);
    expect(d.create('/net/b', { authIds: [{ scheme: 'ip', id: '10.2.0.1' }] }).err).toBe(Err.NoAuth);
  });
});

describe('sessions in the state', () => {
  it('removes a session and its ephemerals in the one closeSession txn', () => {
    const d = new TreeDriver();
    d.openSession();
    d.openSession(0x200n);
    d.create('/e1', { flags: CreateFlags.EPHEMERAL });
    d.create('/e2', { flags: CreateFlags.EPHEMERAL_SEQUENTIAL });
    d.create('/other', { flags: CreateFlags.EPHEMERAL, sessionId: 0x200n });
    expect(d.state.getEphemerals(SESSION, '/')).toEqual(['/e1', '/e20000000001']);
    expect(d.state.getEphemerals(SESSION, '/e2')).toEqual(['/e20000000001']);
    const r = d.txn({ type: 'closeSession' });
    expect(r.closedSession).toBe(SESSION);
    expect(r.events.filter((e) => e.type === EventType.NodeDeleted).map((e) => e.path)).toEqual([
      '/e1',
      '/e20000000001',
    ]);
    expect(d.state.sessions.has(SESSION)).toBe(false);
    expect(d.state.exists('/e1')).toBeUndefined();
    expect(d.state.exists('/other')).toBeDefined();
    expect(d.state.ephemeralCount).toBe(1);
  });

  it('records createSession with its timeout and password', () => {
    const d = new TreeDriver();
    const r = d.txn({ type: 'createSession', timeoutMs: 6000, passwd: Buffer.alloc(16, 3) }, 0x77n);
    expect(r.createdSession).toBe(0x77n);
    expect(d.state.sessions.get(0x77n)).toEqual({ timeoutMs: 6000, passwd: Buffer.alloc(16, 3) });
  });
});

describe('containers and housekeeping', () => {
  it('offers empty containers that once had a child, and deleteContainer removes them', () => {
    const d = new TreeDriver();
    d.openSession();
    d.write({ op: 'createContainer', path: '/c', data: null, acl: OPEN_ACL, flags: CreateFlags.CONTAINER });
    d.write({ op: 'createContainer', path: '/fresh', data: null, acl: OPEN_ACL, flags: CreateFlags.CONTAINER });
    d.create('/c/x');
    expect(d.state.containersToDelete(d.time)).toEqual([]);
    d.delete('/c/x');
    expect(d.state.containersToDelete(d.time)).toEqual(['/c']);
    d.create('/plain');
    expect(d.txn({ type: 'deleteContainer', path: '/plain' }, 0n).err).toBe(Err.BadVersion);
    const r = d.txn({ type: 'deleteContainer', path: '/c' }, 0n);
    expect(r.err).toBe(0);
    expect(r.events).toEqual([
      { path: '/c', type: EventType.NodeDeleted },
      { path: '/', type: EventType.NodeChildrenChanged },
    ]);
    expect(d.state.containersToDelete(d.time)).toEqual([]);
  });
});

describe('snapshots and digests', () => {
  it('round-trips through a snapshot with the same digest and creates counters', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/a', { data: null });
    d.create('/a/s-', { flags: CreateFlags.PERSISTENT_SEQUENTIAL });
    d.delete('/a/s-0000000000');
    d.create('/a/e', { flags: CreateFlags.EPHEMERAL });
    d.write({ op: 'createContainer', path: '/cont', data: null, acl: OPEN_ACL, flags: CreateFlags.CONTAINER });
    const copy = new TreeDriver(ReplicatedState.fromSnapshot(d.state.toSnapshot()));
    copy.time = d.time;
    expect(copy.state.digest()).toBe(d.state.digest());
    expect(copy.state.lastZxid).toBe(d.state.lastZxid);
    expect(copy.state.nodeCount).toBe(d.state.nodeCount);
    expect(copy.stat('/a')).toEqual(d.stat('/a'));
    expect(copy.state.getEphemerals(SESSION, '')).toEqual(['/a/e']);
    for (const x of [d, copy]) {
      expect(x.create('/a/s-', { flags: CreateFlags.PERSISTENT_SEQUENTIAL }).response).toEqual({
        kind: 'create',
        path: '/a/s-0000000002',
      });
    }
    expect(copy.state.digest()).toBe(d.state.digest());
    d.create('/diverge');
    expect(copy.state.digest()).not.toBe(d.state.digest());
  });

  it('restores from a snapshot taken after deletes, re-creates and a rolled-back multi (parents still come first)', () => {
    const d = new TreeDriver();
    d.openSession();
    d.create('/a');
    d.create('/a/b');
    d.delete('/a/b');
    d.delete('/a');
    d.create('/a');
    d.create('/a/b');
    d.create('/z');
    d.write({
      op: 'multi',
      ops: [
        { op: 'delete', path: '/z', version: -1 },
        { op: 'create', path: '/z', data: null, acl: OPEN_ACL, flags: 0 },
        { op: 'create', path: '/z/c', data: null, acl: OPEN_ACL, flags: 0 },
        { op: 'delete', path: '/missing', version: -1 },
      ],
    });
    const paths = d.state.toSnapshot().nodes.map((n) => n.path);
    for (const path of paths.slice(1))
      expect(paths.indexOf(path.slice(0, path.lastIndexOf('/')) || '/')).toBeLessThan(paths.indexOf(path));
    expect(ReplicatedState.fromSnapshot(d.state.toSnapshot()).digest()).toBe(d.state.digest());
  });

  it('refuses a txn that is not after the last zxid', () => {
    const d = new TreeDriver();
    d.openSession();
    expect(() =>
      d.state.apply({ zxid: 1n, time: 0, sessionId: SESSION, cxid: 0, body: { type: 'closeSession' } }),
    ).toThrow();
  });

  it('puts the ensemble config into /zookeeper/config', () => {
    const s = new ReplicatedState();
    s.setConfig('server.1=127.0.0.1:1:2:participant;127.0.0.1:3\nversion=0', 0n);
    const r = s.getData('/zookeeper/config', []);
    expect(r.ok && r.value.data?.toString()).toContain('server.1=');
    expect(r.ok && r.value.stat.version).toBe(-1);
  });
});

describe('memory per node', () => {
  it('keeps data apart from the larger buffer it arrived in and gives back the same bytes', () => {
    const d = new TreeDriver();
    d.openSession();
    const frame = Buffer.from(Array.from({ length: 1024 }, (_, i) => i & 0xff));
    const expected = new Map([
      ['/a', Buffer.from(frame.subarray(100, 356))],
      ['/b', Buffer.from(frame.subarray(300, 310))],
    ]);
    d.create('/a', { data: frame.subarray(100, 356) });
    d.create('/b', { data: frame.subarray(200, 250) });
    d.write({ op: 'setData', path: '/b', data: frame.subarray(300, 310), version: -1 });
    frame.fill(0);
    for (const [path, bytes] of expected) {
      const got = d.state.getData(path, []);
      expect(got.ok && got.value.data).toEqual(bytes);
      expect(got.ok && got.value.stat.dataLength).toBe(bytes.length);
    }
  });
});

describe('path rules', () => {
  it.each([
    ['/', true],
    ['/a/b', true],
    ['/a.b/..c', true],
    ['', false],
    ['a', false],
    ['/a/', false],
    ['/a//b', false],
    ['/a/./b', false],
    ['/a/..', false],
    ['/a\u0000b', false],
    ['/a\u0001', false],
    ['/a\u007f', false],
    ['/a\ud83d\ude00', false],
    ['/a\ufff0', false],
  ])('%j valid: %s', (path, valid) => {
    expect(invalidPathReason(path) === null).toBe(valid);
  });
});
