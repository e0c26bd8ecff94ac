// ZkServer behaviour of reference §3, §4, §12–§14: handshakes and reconnects, reply order,
// notifications before replies, auth, closeSession, special ops and serving state.
import { describe, expect, it } from 'vitest';
import { CreateFlags, Err, EventType, type ClientRequest } from '../../../src/ensemble/wire/records.js';
import { digestId } from '../../../src/ensemble/core/acl.js';
import { ReplicatedState } from '../../../src/ensemble/core/tree/state.js';
import { events, onlyReply, OPEN, replies, SingleMember, trace } from './server-harness.js';

const create = (path: string, flags = 0): ClientRequest => ({
  op: 'create',
  path,
  data: Buffer.from('x'),
  acl: OPEN,
  flags,
});
const getData = (path: string, watch = false): ClientRequest => ({ op: 'getData', path, watch });

describe('handshake', () => {
  it('answers a new session only after its createSession commits', () => {
    const m = new SingleMember({ autoCommit: false });
    const conn = m.open();
    expect(m.connect(conn, { timeOut: 30000 })).toEqual([]);
    expect(m.held.map((t) => t.body.type)).toEqual(['createSession']);
    const out = m.commitNext();
    expect(out).toHaveLength(1);
    const cr = out[0];
    expect(cr?.kind === 'connectResponse' && cr.response).toMatchObject({
      protocolVersion: 0,
      timeOut: 30000,
      readOnly: false,
    });
    const held = m.committedTxns[0];
    expect(cr?.kind === 'connectResponse' && cr.response.sessionId).toBe(held?.sessionId);
    expect(cr?.kind === 'connectResponse' && cr.response.passwd).toHaveLength(16);
    expect(m.state.sessions.get(held?.sessionId ?? 0n)?.timeoutMs).toBe(30000);
  });

  it('clamps the timeout, numbers sessions from the server id, mirrors the readOnly byte', () => {
    const m = new SingleMember({ sid: 3 });
    const a = m.session({ timeOut: 1000 }).response;
    const b = m.session({ timeOut: 100000, readOnly: undefined }).response;
    const c = m.session({ readOnly: true }).response;
    expect([a.timeOut, b.timeOut]).toEqual([4000, 40000]);
    expect(a.sessionId >> 56n).toBe(3n);
    expect(b.sessionId).toBe(a.sessionId + 1n);
    expect([a.readOnly, b.readOnly, c.readOnly]).toEqual([false, undefined, false]);
    expect(a.passwd.equals(b.passwd)).toBe(false);
  });

  it('re-establishes a session with its id and password and closes its other connection', () => {
    const m = new SingleMember();
    const { conn: first, response } = m.session({ timeOut: 6000 });
    const second = m.open();
    const out = m.connect(second, { sessionId: response.sessionId, passwd: response.passwd, timeOut: 20000 });
    expect(trace(out)).toEqual([`closeClient:${first}`, `connectResponse:${second}`]);
    const cr = out[1];
    expect(cr?.kind === 'connectResponse' && cr.response).toMatchObject({
      sessionId: response.sessionId,
      passwd: response.passwd,
      timeOut: 20000,
    });
    expect(m.server.drainTouchedSessions()).toContain(response.sessionId);
    expect(onlyReply(m.request(second, 1, { op: 'ping' })).err).toBe(0);
  });

  it('refuses a wrong password with a zeroed response, closing the live connection too', () => {
    const m = new SingleMember();
    const { conn: live, response } = m.session();
    const bad = Buffer.from(response.passwd);
    bad[0] = (bad[0] ?? 0) ^ 1;
    const conn = m.open();
    const out = m.connect(conn, { sessionId: response.sessionId, passwd: bad });
    expect(trace(out).filter((t) => !t.startsWith('log'))).toEqual([
      `closeClient:${live}`,
      `connectResponse:${conn}`,
      `closeClient:${conn}`,
    ]);
    const cr = out.find((o) => o.kind === 'connectResponse');
    expect(cr?.kind === 'connectResponse' && cr.response).toEqual({
      protocolVersion: 0,
      timeOut: 0,
      sessionId: 0n,
      passwd: Buffer.alloc(16),
      readOnly: false,
    });
    expect(m.state.sessions.has(response.sessionId)).toBe(true);
  });

  it('answers an unknown or expired session with the zeroed response', () => {
    const m = new SingleMember();
    const conn = m.open();
    const out = m.connect(conn, { sessionId: 0x1234n, passwd: Buffer.alloc(16, 1), readOnly: undefined });
    const cr = out.find((o) => o.kind === 'connectResponse');
    expect(cr?.kind === 'connectResponse' && cr.response).toEqual({
      protocolVersion: 0,
      timeOut: 0,
      sessionId: 0n,
      passwd: Buffer.alloc(16),
      readOnly: undefined,
    });
    expect(trace(out).at(-1)).toBe(`closeClient:${conn}`);
  });

  it('closes without a reply when the client has seen a later zxid', () => {
    const m = new SingleMember();
    const conn = m.open();
    const out = m.connect(conn, { lastZxidSeen: 0x7fffffffn });
    expect(trace(out).filter((t) => !t.startsWith('log'))).toEqual([`closeClient:${conn}`]);
    expect(m.committedTxns).toEqual([]);
  });

  it('refuses handshakes while not serving and closes every connection when serving stops', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    const idle = m.open();
    expect(trace(m.server.setServing(false, m.now)).sort()).toEqual(
      [`closeClient:${conn}`, `closeClient:${idle}`].sort(),
    );
    const late = m.open();
    expect(trace(m.connect(late))).toEqual([`closeClient:${late}`]);
    m.server.setServing(true, m.now);
    expect(m.session().response.timeOut).toBe(30000);
  });
});

describe('reply order', () => {
  it('queues reads behind the session’s pending writes and answers them against the new state', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    m.autoCommit = false;
    expect(m.request(conn, 1, create('/a'))).toEqual([]);
    expect(m.request(conn, 2, getData('/a'))).toEqual([]);
    expect(m.request(conn, 3, { op: 'ping' })).toEqual([]);
    const out = m.commitNext();
    expect(replies(out).map((r) => [r.xid, r.err])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    const zxid = m.state.lastZxid;
    expect(replies(out).map((r) => r.zxid)).toEqual([zxid, zxid, zxid]);
  });

  it('pipelines writes: each is submitted at once and answered in order', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    m.autoCommit = false;
    m.request(conn, 1, create('/a'));
    m.request(conn, 2, create('/a'));
    m.request(conn, 3, { op: 'exists', path: '/a', watch: false });
    expect(m.held).toHaveLength(2);
    const first = m.commitNext();
    expect(replies(first).map((r) => [r.xid, r.err])).toEqual([[1, 0]]);
    const second = m.commitNext();
    expect(replies(second).map((r) => [r.xid, r.err])).toEqual([
      [2, Err.NodeExists],
      [3, 0],
    ]);
  });

  it('does not hold reads of other sessions, and answers reads with the replica’s last zxid', () => {
    const m = new SingleMember();
    const a = m.session().conn;
    const b = m.session().conn;
    m.autoCommit = false;
    m.request(a, 1, create('/a'));
    const r = onlyReply(m.request(b, 7, { op: 'exists', path: '/', watch: false }));
    expect(r).toMatchObject({ xid: 7, err: 0, zxid: m.state.lastZxid });
  });

  it('answers sync after the leader confirms it, reads after it wait', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    const out = m.server.request(conn, 4, { op: 'sync', path: '/x' }, m.now);
    expect(out).toEqual([{ kind: 'sync', conn, xid: 4, path: '/x' }]);
    expect(m.server.request(conn, 5, { op: 'ping' }, m.now)).toEqual([]);
    const done = m.server.syncDone(conn, 4, m.now);
    expect(replies(done).map((r) => [r.xid, r.response])).toEqual([
      [4, { kind: 'path', path: '/x' }],
      [5, { kind: 'empty' }],
    ]);
  });
});

describe('notifications', () => {
  it('go out before the reply of the write that caused them, to the writer and others', () => {
    const m = new SingleMember();
    const { conn: writer } = m.session();
    const { conn: other } = m.session();
    m.request(writer, 1, { op: 'exists', path: '/w', watch: true });
    m.request(other, 1, { op: 'getChildren', path: '/', watch: true });
    const out = m.request(writer, 2, create('/w'));
    expect(trace(out)).toEqual([`notify:${writer}`, `notify:${other}`, `reply:${writer}`]);
    expect(events(out, writer)).toEqual([{ type: EventType.NodeCreated, state: 3, path: '/w' }]);
    expect(events(out, other)).toEqual([{ type: EventType.NodeChildrenChanged, state: 3, path: '/' }]);
  });

  it('register nothing for getData on a missing node but an exist watch on one', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    expect(onlyReply(m.request(conn, 1, getData('/n', true))).err).toBe(Err.NoNode);
    expect(onlyReply(m.request(conn, 2, { op: 'checkWatches', path: '/n', type: 3 })).err).toBe(Err.NoWatcher);
    expect(onlyReply(m.request(conn, 3, { op: 'exists', path: '/n', watch: true })).err).toBe(Err.NoNode);
    expect(onlyReply(m.request(conn, 4, { op: 'checkWatches', path: '/n', type: 3 })).err).toBe(0);
  });

  it('reports what setWatches finds missed before its reply', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    m.request(conn, 1, create('/g'));
    const seen = m.state.lastZxid;
    m.request(conn, 2, { op: 'setData', path: '/g', data: null, version: -1 });
    const out = m.request(conn, -8, {
      op: 'setWatches',
      relativeZxid: seen,
      dataWatches: ['/g'],
      existWatches: ['/later'],
      childWatches: [],
      persistentWatches: [],
      persistentRecursiveWatches: [],
    });
    expect(trace(out)).toEqual([`notify:${conn}`, `reply:${conn}`]);
    expect(events(out)).toEqual([{ type: EventType.NodeDataChanged, state: 3, path: '/g' }]);
    expect(onlyReply(out).xid).toBe(-8);
    expect(events(m.request(conn, 3, create('/later')))).toEqual([
      { type: EventType.NodeCreated, state: 3, path: '/later' },
    ]);
  });

  it('are lost with the connection', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    const { conn: writer } = m.session();
    m.request(conn, 1, { op: 'exists', path: '/w', watch: true });
    m.server.closed(conn);
    expect(events(m.request(writer, 1, create('/w')))).toEqual([]);
  });
});

describe('auth and whoAmI', () => {
  it('adds digest ids (reply zxid 0) and shows them with the implicit ip id', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    const auth = onlyReply(
      m.request(conn, -4, { op: 'auth', type: 0, scheme: 'digest', auth: Buffer.from('user:pass') }),
    );
    expect(auth).toEqual({ xid: -4, zxid: 0n, err: 0, response: { kind: 'empty' } });
    const who = onlyReply(m.request(conn, 1, { op: 'whoAmI' }));
    expect(who.response).toEqual({
      kind: 'whoAmI',
      clientInfo: [
        { authScheme: 'ip', user: '127.0.0.1' },
        { authScheme: 'digest', user: 'user' },
      ],
    });
    const c = onlyReply(
      m.request(conn, 2, {
        op: 'create2',
        path: '/b',
        data: null,
        acl: [{ perms: 31, id: { scheme: 'auth', id: '' } }],
        flags: 0,
      }),
    );
    expect(c.err).toBe(0);
    const acl = onlyReply(m.request(conn, 3, { op: 'getACL', path: '/b' }));
    expect(acl.response).toMatchObject({
      kind: 'getACL',
      acl: [{ perms: 31, id: { scheme: 'digest', id: digestId('user:pass') } }],
    });
  });

  it('fails an unknown scheme with -115 and closes', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    const out = m.request(conn, -4, { op: 'auth', type: 0, scheme: 'foo', auth: Buffer.from('x') });
    expect(trace(out)).toEqual([`reply:${conn}`, `closeClient:${conn}`]);
    expect(onlyReply(out)).toMatchObject({ xid: -4, zxid: 0n, err: Err.AuthFailed });
    expect(m.request(conn, 1, { op: 'ping' })).toEqual([]);
  });

  it('lets a super digest bypass ACLs', () => {
    const m = new SingleMember({ superDigest: digestId('super:pw') });
    const { conn } = m.session();
    m.request(conn, 1, {
      op: 'create',
      path: '/locked',
      data: null,
      acl: [{ perms: 0, id: { scheme: 'world', id: 'anyone' } }],
      flags: 0,
    });
    expect(onlyReply(m.request(conn, 2, getData('/locked'))).err).toBe(Err.NoAuth);
    m.request(conn, -4, { op: 'auth', type: 0, scheme: 'digest', auth: Buffer.from('super:pw') });
    expect(onlyReply(m.request(conn, 3, getData('/locked'))).err).toBe(0);
  });
});

describe('session lifetime', () => {
  it('closeSession: reply with the close txn zxid, then close; ephemerals go', () => {
    const m = new SingleMember();
    const { conn, response } = m.session();
    const { conn: watcher } = m.session();
    m.request(conn, 1, create('/e', CreateFlags.EPHEMERAL));
    m.request(watcher, 1, { op: 'exists', path: '/e', watch: true });
    const out = m.request(conn, 2, { op: 'closeSession' });
    expect(trace(out)).toEqual([`notify:${watcher}`, `reply:${conn}`, `closeClient:${conn}`]);
    expect(onlyReply(out)).toMatchObject({ xid: 2, err: 0, zxid: m.state.lastZxid });
    expect(m.state.sessions.has(response.sessionId)).toBe(false);
    expect(m.state.exists('/e')).toBeUndefined();
  });

  it('keeps the session of a dropped connection alive until it expires', () => {
    const m = new SingleMember();
    const { conn, response } = m.session();
    m.request(conn, 1, create('/e', CreateFlags.EPHEMERAL));
    m.server.closed(conn);
    expect(m.committedTxns.map((t) => t.body.type)).toEqual(['createSession', 'request']);
    expect(m.state.exists('/e')?.ephemeralOwner).toBe(response.sessionId);
    const again = m.open();
    m.connect(again, { sessionId: response.sessionId, passwd: response.passwd, lastZxidSeen: m.state.lastZxid });
    expect(onlyReply(m.request(again, 2, { op: 'getEphemerals', prefixPath: '/' })).response).toEqual({
      kind: 'getEphemerals',
      paths: ['/e'],
    });
  });

  it('closes the connection when the leader expires its session', () => {
    const m = new SingleMember();
    const { conn, response } = m.session();
    const out = m.commitRaw({ sessionId: response.sessionId, cxid: 0, body: { type: 'closeSession' } });
    expect(trace(out)).toEqual([`closeClient:${conn}`]);
  });

  it('answers SessionExpired to a session the state no longer has', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    m.server.replaceState(new ReplicatedState());
    expect(onlyReply(m.request(conn, 1, getData('/'))).err).toBe(Err.SessionExpired);
  });

  it('reports touched sessions once', () => {
    const m = new SingleMember();
    const { conn, response } = m.session();
    m.server.drainTouchedSessions();
    m.request(conn, -2, { op: 'ping' });
    expect(m.server.drainTouchedSessions()).toEqual([response.sessionId]);
    expect(m.server.drainTouchedSessions()).toEqual([]);
  });
});

describe('special requests', () => {
  it('echoes ping with the last zxid', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    expect(onlyReply(m.request(conn, -2, { op: 'ping' }))).toEqual({
      xid: -2,
      zxid: m.state.lastZxid,
      err: 0,
      response: { kind: 'empty' },
    });
  });

  it('answers an unknown op with zxid -1 and -6, then closes', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    const out = m.request(conn, 43, { op: 'unknown', code: 999 });
    expect(trace(out)).toEqual([`reply:${conn}`, `closeClient:${conn}`]);
    expect(onlyReply(out)).toEqual({ xid: 43, zxid: -1n, err: Err.Unimplemented, response: { kind: 'empty' } });
  });

  it('refuses createTTL (-6, consuming a zxid) and reconfig (-123); answers sasl with no token and zxid 0', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    const before = m.state.lastZxid;
    const ttl = onlyReply(
      m.request(conn, 1, {
        op: 'createTTL',
        path: '/t',
        data: null,
        acl: OPEN,
        flags: CreateFlags.PERSISTENT_WITH_TTL,
        ttl: 1000n,
      }),
    );
    expect(ttl).toMatchObject({ err: Err.Unimplemented, zxid: before + 1n });
    expect(
      onlyReply(
        m.request(conn, 2, {
          op: 'reconfig',
          joiningServers: null,
          leavingServers: null,
          newMembers: null,
          curConfigId: -1n,
        }),
      ).err,
    ).toBe(Err.ReconfigDisabled);
    expect(onlyReply(m.request(conn, 3, { op: 'sasl', token: Buffer.from('hello') }))).toEqual({
      xid: 3,
      zxid: 0n,
      err: Err.Ok,
      response: { kind: 'sasl', token: null },
    });
  });

  it('answers addWatch with a 4-byte ErrorResponse and multiRead per op', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    expect(onlyReply(m.request(conn, 1, { op: 'addWatch', path: '/x', mode: 1 })).response).toEqual({
      kind: 'errorBody',
      err: 0,
    });
    const mr = onlyReply(
      m.request(conn, 2, {
        op: 'multiRead',
        ops: [
          { op: 'getChildren', path: '/zookeeper', watch: true },
          { op: 'getData', path: '/nonexist', watch: false },
        ],
      }),
    );
    expect(mr.response).toEqual({
      kind: 'multi',
      results: [
        { type: 'getChildren', children: ['config', 'quota'] },
        { type: 'error', err: Err.NoNode },
      ],
    });
  });

  it('closes a connection that sends a request before its ConnectRequest', () => {
    const m = new SingleMember();
    const conn = m.open();
    expect(trace(m.request(conn, 1, { op: 'ping' }))).toContain(`closeClient:${conn}`);
  });
});
