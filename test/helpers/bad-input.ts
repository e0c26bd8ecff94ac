// Requests off the happy path (null jute fields, cut records, multi/multiRead mixes, empty paths, sasl,
// a null password) with ZooKeeper 3.8's answers, and a suite that runs them against any server.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOOPBACK } from '../../src/common/ports.js';
import { digestId } from '../../src/ensemble/core/acl.js';
import {
  Err,
  FrameDecoder,
  JuteReader,
  JuteWriter,
  OpCode,
  decodeConnectResponse,
  decodeReplyHeader,
  decodeResponse,
  encodeConnectRequest,
  frame,
  type ConnectResponse,
} from '../../src/ensemble/wire/index.js';
import type { SuiteProvider, SuiteTarget } from './client-suite.js';
import { waitUntil } from './ensemble.js';
import { describeRequiring } from './requirement.js';

type Fill = (w: JuteWriter) => unknown;
/** An ACL entry: scheme, id (either may be null), perms (default ALL). */
type Entry = [scheme: string | null, id: string | null, perms?: number];

const PING_XID = -2;
const AUTH_XID = -4;
const CREDENTIALS = 'alice:secret';

export function requestFrame(xid: number, op: number, fill?: Fill): Buffer {
  const w = new JuteWriter().writeInt(xid).writeInt(op);
  fill?.(w);
  return frame(w.toBuffer());
}

/** The first `n` bytes of a frame's body, framed again. */
export function cut(whole: Buffer, n: number): Buffer {
  return frame(whole.subarray(4, 4 + n));
}

function connectFrame(passwd: Buffer | null): Buffer {
  const request = { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, readOnly: false };
  return encodeConnectRequest({ ...request, passwd });
}

const acl = (entries: Entry[] | null): Fill => {
  return (w) =>
    w.writeVector(entries, (x, [scheme, id, perms]) =>
      x
        .writeInt(perms ?? 31)
        .writeString(scheme)
        .writeString(id),
    );
};
const WORLD: Entry[] = [['world', 'anyone']];

const pathWatch =
  (path: string | null): Fill =>
  (w) =>
    w.writeString(path).writeBool(false);
const pathOnly =
  (path: string | null): Fill =>
  (w) =>
    w.writeString(path);
const pathVersion =
  (path: string | null): Fill =>
  (w) =>
    w.writeString(path).writeInt(-1);
const createRecord =
  (path: string | null, entries: Entry[] | null, flags = 0): Fill =>
  (w) => {
    w.writeString(path).writeBuffer(Buffer.from('x'));
    acl(entries)(w);
    w.writeInt(flags);
  };
const setDataRecord =
  (path: string | null): Fill =>
  (w) =>
    w.writeString(path).writeBuffer(Buffer.from('y')).writeInt(-1);
const setACLRecord =
  (path: string | null, entries: Entry[] | null): Fill =>
  (w) => {
    w.writeString(path);
    acl(entries)(w);
    w.writeInt(-1);
  };
const multiRecord =
  (ops: [number, Fill][]): Fill =>
  (w) => {
    for (const [type, fill] of ops) fill(w.writeInt(type).writeBool(false).writeInt(-1));
    w.writeInt(-1).writeBool(true).writeInt(-1);
  };
const watchLists =
  (lists: (string | null)[][] | null[]): Fill =>
  (w) => {
    w.writeLong(0n);
    for (const list of lists) w.writeVector(list, (x, p) => x.writeString(p));
  };

const auth = (): Buffer =>
  requestFrame(AUTH_XID, OpCode.auth, (w) => w.writeInt(0).writeString('digest').writeBuffer(Buffer.from(CREDENTIALS)));
const create = (xid: number, path: string | null, entries: Entry[] | null, flags = 0): Buffer =>
  requestFrame(xid, OpCode.create, createRecord(path, entries, flags));
const getACL = (xid: number, path: string): Buffer => requestFrame(xid, OpCode.getACL, pathOnly(path));
const multi = (xid: number, op: number, ops: [number, Fill][]): Buffer => requestFrame(xid, op, multiRecord(ops));

/** One reply, as ZooKeeper 3.8 gave it. */
export interface Answer {
  err: number;
  /**
   * The body after the 16-byte reply header: hex ('' when there is none, the default), or a check given
   * the body of the reply before it.
   */
  body?: string | ((body: Buffer, previous: Buffer) => void);
  /** 'txn': the next zxid (the request took one); 'same': the zxid the last reply showed; or exactly this. */
  zxid: 'txn' | 'same' | bigint;
}

export interface BadInputCase {
  name: string;
  /** The ConnectRequest to open with (default: a new session with 16 zero bytes of password). */
  connect?: Buffer;
  /** The requests; `root` names a node that does not exist yet, below "/". */
  requests: (root: string) => Buffer[];
  answers: Answer[];
  /** The server closes the connection after its answers. */
  closes?: boolean;
}

const same = (err: number, body: Answer['body'] = ''): Answer => ({ err, body, zxid: 'same' });
const txn = (err: number, body: Answer['body'] = ''): Answer => ({ err, body, zxid: 'txn' });
const AUTHENTICATED: Answer = { err: Err.Ok, body: '', zxid: 0n };
const EMPTY_MULTI = 'ffffffff01ffffffff';

const anyBody = (): void => {};
const previousBody = (body: Buffer, previous: Buffer): void =>
  expect(body.toString('hex')).toBe(previous.toString('hex'));
const stat = (body: Buffer): void => expect(body).toHaveLength(68);
/** A create's body: the path of a node the case made. */
const created = (body: Buffer): void =>
  expect(decodeResponse('create', new JuteReader(body))).toEqual({
    kind: 'create',
    path: expect.stringMatching(/^\/bad-\d+$/),
  });
/** A getACL body: the creator's digest id with every permission. */
const creatorACL = (body: Buffer): void => {
  const creator = { perms: 31, id: { scheme: 'digest', id: digestId(CREDENTIALS) } };
  expect(decodeResponse('getACL', new JuteReader(body))).toMatchObject({ kind: 'getACL', acl: [creator] });
};
/** A getEphemerals body: the one node the case made. */
const oneEphemeral = (body: Buffer): void =>
  expect(decodeResponse('getEphemerals', new JuteReader(body))).toEqual({
    kind: 'getEphemerals',
    paths: [expect.stringMatching(/^\/bad-\d+$/)],
  });

export const BAD_INPUT_CASES: BadInputCase[] = [
  // ---- null ACL lists, schemes and ids ----
  { name: 'create with a null ACL list', requests: (p) => [create(1, p, null)], answers: [txn(Err.InvalidACL)] },
  {
    name: 'create with a null scheme',
    requests: (p) => [create(1, p, [[null, 'anyone']])],
    answers: [txn(Err.InvalidACL)],
  },
  {
    name: 'create with world and a null id',
    requests: (p) => [create(1, p, [['world', null]])],
    answers: [txn(Err.MarshallingError)],
  },
  {
    name: 'create with auth and a null id, not authenticated',
    requests: (p) => [create(1, p, [['auth', null]])],
    answers: [txn(Err.InvalidACL)],
  },
  {
    name: "create with auth and a null id after digest auth (kazoo's CREATOR_ALL_ACL)",
    requests: (p) => [auth(), create(1, p, [['auth', null]]), getACL(2, p)],
    answers: [AUTHENTICATED, txn(Err.Ok, created), same(Err.Ok, creatorACL)],
  },
  {
    name: 'create with digest, ip or an unknown scheme and a null id',
    requests: (p) => [create(1, p, [['digest', null]]), create(2, p, [['ip', null]]), create(3, p, [['foo', null]])],
    answers: [txn(Err.MarshallingError), txn(Err.MarshallingError), txn(Err.InvalidACL)],
  },
  {
    name: 'create with nulls met while dropping duplicates',
    requests: (p) => [
      create(1, p, [
        [null, 'a'],
        [null, 'b'],
      ]),
      create(2, p, [
        ['world', 'anyone'],
        [null, 'x'],
      ]),
      create(3, p, [
        [null, 'x'],
        ['world', 'anyone'],
      ]),
    ],
    answers: [txn(Err.MarshallingError), txn(Err.MarshallingError), txn(Err.InvalidACL)],
  },
  {
    name: 'setACL with a null list, a null scheme, world and a null id',
    requests: (p) => [
      create(1, p, WORLD),
      requestFrame(2, OpCode.setACL, setACLRecord(p, null)),
      requestFrame(3, OpCode.setACL, setACLRecord(p, [[null, 'x']])),
      requestFrame(4, OpCode.setACL, setACLRecord(p, [['world', null]])),
    ],
    answers: [txn(Err.Ok, created), txn(Err.InvalidACL), txn(Err.InvalidACL), txn(Err.MarshallingError)],
  },
  {
    name: 'setACL with auth and a null id after digest auth',
    requests: (p) => [
      auth(),
      create(1, p, WORLD),
      requestFrame(2, OpCode.setACL, setACLRecord(p, [['auth', null]])),
      getACL(3, p),
    ],
    answers: [AUTHENTICATED, txn(Err.Ok, created), txn(Err.Ok, stat), same(Err.Ok, creatorACL)],
  },
  // ---- multi and multiRead ----
  {
    name: 'multi creating with a null ACL list',
    requests: (p) => [multi(1, OpCode.multi, [[OpCode.create, createRecord(p, null)]])],
    answers: [txn(Err.Ok, 'ffffffff00ffffff8effffff8effffffff01ffffffff')],
  },
  {
    name: 'multi creating with world and a null id',
    requests: (p) => [multi(1, OpCode.multi, [[OpCode.create, createRecord(p, [['world', null]])]])],
    answers: [txn(Err.MarshallingError)],
  },
  {
    name: 'multi with a null path',
    requests: (p) => [
      multi(1, OpCode.multi, [
        [OpCode.create, createRecord(p, WORLD)],
        [OpCode.create, createRecord(null, WORLD)],
      ]),
    ],
    answers: [same(Err.MarshallingError, EMPTY_MULTI)],
  },
  {
    name: 'multi holding getData, mixing create and getData, or holding getChildren2',
    requests: (p) => [
      multi(1, OpCode.multi, [[OpCode.getData, pathWatch('/')]]),
      multi(2, OpCode.multi, [
        [OpCode.create, createRecord(p, WORLD)],
        [OpCode.getData, pathWatch('/')],
      ]),
      multi(3, OpCode.multi, [[OpCode.getChildren2, pathWatch('/')]]),
    ],
    answers: [txn(Err.MarshallingError), txn(Err.MarshallingError), txn(Err.MarshallingError)],
  },
  { name: 'an empty multi', requests: () => [multi(1, OpCode.multi, [])], answers: [txn(Err.Ok, EMPTY_MULTI)] },
  {
    name: 'multiRead holding setData, mixing getData and setData, or holding exists',
    requests: () => [
      multi(1, OpCode.multiRead, [[OpCode.setData, setDataRecord('/')]]),
      multi(2, OpCode.multiRead, [
        [OpCode.getData, pathWatch('/')],
        [OpCode.setData, setDataRecord('/')],
      ]),
      multi(3, OpCode.multiRead, [[OpCode.exists, pathWatch('/')]]),
    ],
    answers: [same(Err.MarshallingError, EMPTY_MULTI), same(Err.MarshallingError), same(Err.MarshallingError)],
  },
  {
    name: 'multiRead with a null path after a good read',
    requests: () => [
      multi(1, OpCode.multiRead, [
        [OpCode.getData, pathWatch('/')],
        [OpCode.getData, pathWatch(null)],
      ]),
      multi(2, OpCode.multiRead, [[OpCode.getData, pathWatch('/')]]),
    ],
    answers: [same(Err.MarshallingError, anyBody), same(Err.Ok, previousBody)],
  },
  // ---- records cut short or with bad lengths ----
  {
    name: 'reads cut short or with a bad length',
    requests: () => [
      cut(requestFrame(1, OpCode.getData, pathWatch('/zookeeper')), 10),
      cut(requestFrame(2, OpCode.getData, pathWatch('/')), 13),
      cut(multi(3, OpCode.multiRead, [[OpCode.getData, pathWatch('/')]]), 20),
      cut(requestFrame(4, OpCode.setWatches, watchLists([[], [], []])), 14),
      requestFrame(5, OpCode.getData, (w) => w.writeInt(-2).writeBool(false)),
      requestFrame(6, OpCode.getData, (w) => w.writeInt(100).writeBool(false)),
    ],
    answers: [1, 2, 3, 4, 5, 6].map(() => same(Err.MarshallingError)),
  },
  {
    name: 'writes cut short',
    requests: (p) => [
      cut(create(1, p, WORLD), 20),
      cut(requestFrame(2, OpCode.setData, setDataRecord('/')), 12),
      cut(multi(3, OpCode.multi, [[OpCode.create, createRecord(p, WORLD)]]), 20),
    ],
    answers: [txn(Err.MarshallingError), txn(Err.MarshallingError), txn(Err.MarshallingError)],
  },
  {
    name: 'vector counts below -1, read as empty',
    requests: (p) => [
      requestFrame(1, OpCode.setWatches, (w) => w.writeLong(0n).writeInt(-3).writeInt(0).writeInt(0)),
      requestFrame(2, OpCode.create, (w) => w.writeString(p).writeBuffer(null).writeInt(-3).writeInt(0)),
    ],
    answers: [same(Err.Ok), txn(Err.InvalidACL)],
  },
  // ---- where ZooKeeper closes the connection ----
  {
    name: 'a request header cut short',
    requests: () => [cut(requestFrame(1, OpCode.getData), 4)],
    answers: [],
    closes: true,
  },
  { name: 'an auth record cut short', requests: () => [cut(auth(), 14)], answers: [], closes: true },
  {
    name: 'a sasl record cut short',
    requests: () => [
      cut(
        requestFrame(1, OpCode.sasl, (w) => w.writeBuffer(Buffer.from('abc'))),
        10,
      ),
    ],
    answers: [],
    closes: true,
  },
  {
    name: 'sasl with a null token',
    requests: () => [requestFrame(1, OpCode.sasl, (w) => w.writeBuffer(null))],
    answers: [],
    closes: true,
  },
  {
    name: 'auth with a null scheme',
    requests: () => [
      requestFrame(AUTH_XID, OpCode.auth, (w) => w.writeInt(0).writeString(null).writeBuffer(Buffer.from('a:b'))),
    ],
    answers: [{ err: Err.AuthFailed, zxid: 0n }],
    closes: true,
  },
  {
    name: 'digest auth with null credentials',
    requests: () => [requestFrame(AUTH_XID, OpCode.auth, (w) => w.writeInt(0).writeString('digest').writeBuffer(null))],
    answers: [{ err: Err.AuthFailed, zxid: 0n }],
    closes: true,
  },
  // ---- the empty path ----
  {
    name: 'reads of "" answered as reads of "/"',
    requests: () =>
      [OpCode.getData, OpCode.exists, OpCode.getChildren, OpCode.getChildren2].flatMap((op, i) => [
        requestFrame(2 * i + 1, op, pathWatch('/')),
        requestFrame(2 * i + 2, op, pathWatch('')),
      ]),
    answers: [1, 2, 3, 4].flatMap(() => [same(Err.Ok, anyBody), same(Err.Ok, previousBody)]),
  },
  {
    name: 'getACL and getAllChildrenNumber of "", sync of ""',
    requests: () => [
      getACL(1, '/'),
      getACL(2, ''),
      requestFrame(3, OpCode.getAllChildrenNumber, pathOnly('/')),
      requestFrame(4, OpCode.getAllChildrenNumber, pathOnly('')),
      requestFrame(5, OpCode.sync, pathOnly('')),
    ],
    answers: [
      same(Err.Ok, anyBody),
      same(Err.Ok, previousBody),
      same(Err.Ok, anyBody),
      // "" counts every node, the root too: one more than "/"
      same(Err.Ok, (b, prev) => expect(b.readInt32BE(0)).toBe(prev.readInt32BE(0) + 1)),
      same(Err.Ok, '00000000'),
    ],
  },
  {
    name: 'writes of ""',
    requests: () => [
      create(1, '', WORLD),
      requestFrame(2, OpCode.delete, pathVersion('')),
      requestFrame(3, OpCode.setData, setDataRecord('')),
    ],
    answers: [txn(Err.BadArguments), txn(Err.BadArguments), txn(Err.BadArguments)],
  },
  // ---- null paths ----
  {
    name: 'reads with a null path',
    requests: () => [
      requestFrame(1, OpCode.exists, pathWatch(null)),
      requestFrame(2, OpCode.getData, pathWatch(null)),
      requestFrame(3, OpCode.getChildren2, pathWatch(null)),
      requestFrame(4, OpCode.getACL, pathOnly(null)),
      requestFrame(5, OpCode.getAllChildrenNumber, pathOnly(null)),
      requestFrame(6, OpCode.checkWatches, (w) => w.writeString(null).writeInt(3)),
    ],
    answers: [1, 2, 3, 4, 5, 6].map(() => same(Err.MarshallingError)),
  },
  {
    name: 'writes with a null path',
    requests: () => [
      create(1, null, WORLD),
      requestFrame(2, OpCode.delete, pathVersion(null)),
      requestFrame(3, OpCode.setData, setDataRecord(null)),
      requestFrame(4, OpCode.setACL, setACLRecord(null, WORLD)),
      requestFrame(5, OpCode.check, pathVersion(null)),
    ],
    answers: [
      txn(Err.MarshallingError),
      txn(Err.MarshallingError),
      txn(Err.BadArguments),
      txn(Err.BadArguments),
      txn(Err.BadArguments),
    ],
  },
  {
    name: 'watch requests with a null path or watch list',
    requests: () => [
      requestFrame(1, OpCode.removeWatches, (w) => w.writeString(null).writeInt(3)),
      requestFrame(2, OpCode.addWatch, (w) => w.writeString(null).writeInt(0)),
      requestFrame(3, OpCode.setWatches, watchLists([null, null, null])),
      requestFrame(4, OpCode.setWatches, watchLists([[null], [], []])),
    ],
    answers: [same(Err.NoWatcher), same(Err.Ok, '00000000'), same(Err.MarshallingError), same(Err.MarshallingError)],
  },
  {
    name: 'getEphemerals with a null prefix lists them all',
    requests: (p) => [create(1, p, WORLD, 1), requestFrame(2, OpCode.getEphemerals, pathOnly(null))],
    answers: [txn(Err.Ok, created), same(Err.Ok, oneEphemeral)],
  },
  // ---- sasl and the handshake ----
  {
    name: 'sasl, answered with no token and zxid 0',
    requests: () => [requestFrame(5, OpCode.sasl, (w) => w.writeBuffer(Buffer.from('hello')))],
    answers: [{ err: Err.Ok, body: 'ffffffff', zxid: 0n }],
  },
  {
    name: 'a ConnectRequest with a null password gets a session',
    connect: connectFrame(null),
    requests: () => [requestFrame(1, OpCode.exists, pathWatch('/'))],
    answers: [same(Err.Ok, stat)],
  },
];

// ---- what a server answered, and the check against ZooKeeper's answers ----

export interface Transcript {
  connect: ConnectResponse | null;
  /** Reply frame bodies (length prefix removed), in order: a ping's, the case's, a last ping's. */
  replies: Buffer[];
  /** Whether the server closed the connection before the case's last frame was answered. */
  closed: boolean;
}

export const pingFrame = (): Buffer => requestFrame(PING_XID, OpCode.ping);

/**
 * The frames a case sends after its handshake: a ping first (answered before the rest is sent), and a
 * last one unless the server closes.
 */
export function caseFrames(c: BadInputCase, root: string): Buffer[] {
  const ping = pingFrame();
  return c.closes === true ? [ping, ...c.requests(root)] : [ping, ...c.requests(root), ping];
}

export function defaultConnect(): Buffer {
  return connectFrame(Buffer.alloc(16));
}

export function checkTranscript(c: BadInputCase, root: string, t: Transcript): void {
  expect(t.connect?.sessionId ?? 0n).not.toBe(0n);
  const requests = c.requests(root);
  expect(t.replies).toHaveLength(c.answers.length + (c.closes === true ? 1 : 2));
  const headers = t.replies.map((r) => decodeReplyHeader(r));
  let last = headers[0]?.zxid ?? -1n;
  c.answers.forEach((answer, i) => {
    const header = headers[i + 1];
    const body = t.replies[i + 1]?.subarray(16) ?? Buffer.alloc(0);
    const sent = requests[i]?.readInt32BE(4);
    expect({ answer: i, xid: header?.xid, err: header?.err }).toEqual({ answer: i, xid: sent, err: answer.err });
    checkBody(answer, body, t.replies[i]?.subarray(16) ?? Buffer.alloc(0));
    const zxid = answer.zxid === 'same' ? last : answer.zxid === 'txn' ? last + 1n : answer.zxid;
    expect({ answer: i, zxid: header?.zxid }).toEqual({ answer: i, zxid });
    if (typeof answer.zxid !== 'bigint') last = zxid;
  });
  if (c.closes !== true) expect(headers.at(-1)).toMatchObject({ xid: PING_XID, err: Err.Ok, zxid: last });
  expect(t.closed).toBe(c.closes === true);
}

function checkBody(answer: Answer, body: Buffer, previous: Buffer): void {
  const expected = answer.body ?? '';
  if (typeof expected === 'string') expect(body.toString('hex')).toBe(expected);
  else expected(body, previous);
}

// ---- over TCP ----

/** A raw client connection that keeps every frame the server sends. */
export class RawClient {
  readonly frames: Buffer[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.frames.push(...this.decoder.push(chunk)));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** A connection to `port` on the loopback address, from `from` (another loopback address) if given. */
  static async open(port: number, from?: string): Promise<RawClient> {
    const socket = connect({ host: LOOPBACK, port, localAddress: from });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  write(frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  async handshake(connectRequest: Buffer): Promise<ConnectResponse | null> {
    this.write([connectRequest]);
    await waitUntil('the ConnectResponse', () => this.frames.length > 0 || this.closed);
    const first = this.frames.shift();
    return first === undefined ? null : decodeConnectResponse(first);
  }

  /** Waits for `count` frames, or for the server to close the connection. */
  async receive(count: number): Promise<void> {
    await waitUntil(`${count} frames`, () => this.frames.length >= count || this.closed);
  }

  /** Ends the session: waits for the reply (ZooKeeper may leave the socket open after it, see addWatch). */
  async closeSession(): Promise<void> {
    const xid = 1_000;
    this.write([requestFrame(xid, OpCode.closeSession)]);
    const answered = (): boolean => this.frames.some((f) => decodeReplyHeader(f).xid === xid);
    await waitUntil('the closeSession reply', () => answered() || this.closed);
    this.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Runs a case on its own connection, then closes its session so the server is quiet for the next. */
export async function runCaseOverTcp(port: number, c: BadInputCase, root: string): Promise<Transcript> {
  const client = await RawClient.open(port);
  const connected = await client.handshake(c.connect ?? defaultConnect());
  const [ping, ...rest] = caseFrames(c, root);
  client.write(ping === undefined ? [] : [ping]);
  await client.receive(1);
  client.write(rest);
  const expected = c.answers.length + (c.closes === true ? 1 : 2);
  await client.receive(expected);
  if (c.closes === true) await waitUntil('the server to close the connection', () => client.closed);
  const transcript = { connect: connected, replies: [...client.frames], closed: client.closed };
  if (!client.closed) await client.closeSession();
  else if (connected !== null && connected.sessionId !== 0n) await closeSession(port, connected);
  return transcript;
}

/** Reconnects to a session (as its client would) and closes it. */
async function closeSession(port: number, session: ConnectResponse): Promise<void> {
  const client = await RawClient.open(port);
  const request = { protocolVersion: 0, lastZxidSeen: 0n, timeOut: session.timeOut, readOnly: false };
  await client.handshake(encodeConnectRequest({ ...request, sessionId: session.sessionId, passwd: session.passwd }));
  await client.closeSession();
}

/** The catalogue against a server: each case on its own connection, one after another, members in turn. */
export function badInputSuite(name: string, provider: SuiteProvider): void {
  describeRequiring(provider.requirement ?? { switch: '', missing: null }, name, () => {
    let target: SuiteTarget | null = null;
    beforeAll(async () => {
      target = await provider.start();
    });
    afterAll(() => target?.stop());

    BAD_INPUT_CASES.forEach((c, i) => {
      it(c.name, async () => {
        const ports = target?.clientPorts ?? [];
        const port = ports[i % ports.length];
        if (port === undefined) throw new Error(`${name}: the target did not start`);
        const root = `/bad-${i}`;
        checkTranscript(c, root, await runCaseOverTcp(port, c, root));
      });
    });
  });
}
