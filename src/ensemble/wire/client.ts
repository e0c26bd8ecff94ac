// Client protocol codecs: the handshake, request and reply frames of every op (multi/multiRead
// included) and watch notifications. Encoders return whole frames; decoders take frame bodies.

import { WireError } from './errors.js';
import { frame } from './framing.js';
import {
  JuteReader,
  JuteWriter,
  readACLList,
  readRequestACLList,
  readStat,
  readStringList,
  writeACLList,
  writeStat,
  writeStringList,
} from './jute.js';
import {
  OpCode,
  SpecialXid,
  type ClientRequest,
  type ClientResponse,
  type ConnectRequest,
  type ConnectResponse,
  type MarshallingErrorReq,
  type MultiResult,
  type MultiWriteOp,
  type ReadReq,
  type RecordOp,
  type Reply,
  type RequestOp,
  type WatcherEvent,
  type WriteRequest,
} from './records.js';

// ---- handshake ----

export function decodeConnectRequest(body: Buffer): ConnectRequest {
  const r = new JuteReader(body);
  return {
    protocolVersion: r.readInt(),
    lastZxidSeen: r.readLong(),
    timeOut: r.readInt(),
    sessionId: r.readLong(),
    passwd: r.readBuffer(),
    readOnly: optionalBool(r),
  };
}

export function encodeConnectRequest(req: ConnectRequest): Buffer {
  const w = new JuteWriter(64);
  w.writeInt(req.protocolVersion).writeLong(req.lastZxidSeen).writeInt(req.timeOut);
  w.writeLong(req.sessionId).writeBuffer(req.passwd);
  return frame(withOptionalBool(w, req.readOnly));
}

export function decodeConnectResponse(body: Buffer): ConnectResponse {
  const r = new JuteReader(body);
  return {
    protocolVersion: r.readInt(),
    timeOut: r.readInt(),
    sessionId: r.readLong(),
    passwd: r.requiredBuffer('passwd'),
    readOnly: optionalBool(r),
  };
}

/** readOnly undefined → the byte is omitted (mirrors a client that sent the 44-byte form). */
export function encodeConnectResponse(resp: ConnectResponse): Buffer {
  const w = new JuteWriter(64);
  w.writeInt(resp.protocolVersion).writeInt(resp.timeOut).writeLong(resp.sessionId).writeBuffer(resp.passwd);
  return frame(withOptionalBool(w, resp.readOnly));
}

function optionalBool(r: JuteReader): boolean | undefined {
  return r.remaining > 0 ? r.readBool() : undefined;
}

function withOptionalBool(w: JuteWriter, v: boolean | undefined): Buffer {
  if (v !== undefined) w.writeBool(v);
  return w.toBuffer();
}

// ---- request records, one codec per op ----

export type KnownOp = RecordOp;
/** The request record type(s) whose op union contains K. */
export type ReqOf<K extends RequestOp> = ReqWithOp<ClientRequest, K>;
type ReqWithOp<R, K> = R extends { op: infer O } ? (K extends O ? R : never) : never;

interface RecordCodec<K extends KnownOp> {
  read: (r: JuteReader, op: K) => ReqOf<K>;
  write: (w: JuteWriter, req: ReqOf<K>) => void;
}

const path = (r: JuteReader): string => r.requiredString('path');
/** A request's path: a null one reads as '' and counts as missing (decodeRequest then judges the request). */
const requestPath = (r: JuteReader): string => r.expectString();
const watchList = (r: JuteReader): string[] => r.expectVector(requestPath);

const createCodec: RecordCodec<'create' | 'create2' | 'createContainer'> = {
  read: (r, op) => ({
    op,
    path: requestPath(r),
    data: r.readOwnedBuffer(),
    acl: readRequestACLList(r),
    flags: r.readInt(),
  }),
  write: (w, q) => {
    w.writeString(q.path).writeBuffer(q.data);
    writeACLList(w, q.acl);
    w.writeInt(q.flags);
  },
};

const createTTLCodec: RecordCodec<'createTTL'> = {
  read: (r, op) => ({
    op,
    path: requestPath(r),
    data: r.readOwnedBuffer(),
    acl: readRequestACLList(r),
    flags: r.readInt(),
    ttl: r.readLong(),
  }),
  write: (w, q) => {
    createCodec.write(w, { ...q, op: 'create' });
    w.writeLong(q.ttl);
  },
};

/** delete and check: { path, version }. */
const versionedCodec: RecordCodec<'delete' | 'check'> = {
  read: (r, op) => ({ op, path: requestPath(r), version: r.readInt() }),
  write: (w, q) => void w.writeString(q.path).writeInt(q.version),
};

const setDataCodec: RecordCodec<'setData'> = {
  read: (r, op) => ({ op, path: requestPath(r), data: r.readOwnedBuffer(), version: r.readInt() }),
  write: (w, q) => void w.writeString(q.path).writeBuffer(q.data).writeInt(q.version),
};

const setACLCodec: RecordCodec<'setACL'> = {
  read: (r, op) => ({ op, path: requestPath(r), acl: readRequestACLList(r), version: r.readInt() }),
  write: (w, q) => {
    w.writeString(q.path);
    writeACLList(w, q.acl);
    w.writeInt(q.version);
  },
};

const readCodec: RecordCodec<'exists' | 'getData' | 'getChildren' | 'getChildren2'> = {
  read: (r, op) => ({ op, path: requestPath(r), watch: r.readBool() }),
  write: (w, q) => void w.writeString(q.path).writeBool(q.watch),
};

const pathCodec: RecordCodec<'getACL' | 'sync' | 'getAllChildrenNumber'> = {
  read: (r, op) => ({ op, path: requestPath(r) }),
  write: (w, q) => void w.writeString(q.path),
};

/** checkWatches / removeWatches: { path, int watcherType }. */
const watchesCodec: RecordCodec<'checkWatches' | 'removeWatches'> = {
  read: (r, op) => ({ op, path: requestPath(r), type: r.readInt() }),
  write: (w, q) => void w.writeString(q.path).writeInt(q.type),
};

const setWatchesCodec: RecordCodec<'setWatches' | 'setWatches2'> = {
  read: (r, op) => ({
    op,
    relativeZxid: r.readLong(),
    dataWatches: watchList(r),
    existWatches: watchList(r),
    childWatches: watchList(r),
    persistentWatches: op === 'setWatches2' ? watchList(r) : [],
    persistentRecursiveWatches: op === 'setWatches2' ? watchList(r) : [],
  }),
  write: (w, q) => {
    w.writeLong(q.relativeZxid);
    const lists = [q.dataWatches, q.existWatches, q.childWatches];
    if (q.op === 'setWatches2') lists.push(q.persistentWatches, q.persistentRecursiveWatches);
    for (const list of lists) writeStringList(w, list);
  },
};

const bareCodec: RecordCodec<'ping' | 'whoAmI' | 'closeSession'> = {
  read: (_r, op) => ({ op }),
  write: () => undefined,
};

/** Ops a multi (14) may contain, and those a multiRead (22) may contain. */
export const MULTI_OPS = ['create', 'create2', 'createContainer', 'createTTL', 'delete', 'setData', 'check'] as const;
export const MULTI_READ_OPS = ['getData', 'getChildren'] as const;
/** Ops whose requests change the tree (they become transactions). */
export const WRITE_OPS: readonly WriteRequest['op'][] = [...MULTI_OPS, 'setACL', 'multi'];

const MULTI_END = { type: -1, done: true, err: -1 } as const;
/** Every op ZooKeeper's MultiOperationRecord reads, in a multi and a multiRead alike. */
const MULTI_RECORD_OPS = [...MULTI_OPS, ...MULTI_READ_OPS] as const;

/**
 * A multi or multiRead record as ZooKeeper reads it: writes or reads, never both in one record, and no
 * other op (WireError otherwise). `firstNull` is the index of the first op whose path is null (−1: none).
 */
interface MultiRecord {
  writes: MultiWriteOp[];
  reads: ReadReq[];
  firstNull: number;
}

function readMultiRecord(r: JuteReader): MultiRecord {
  const m: MultiRecord = { writes: [], reads: [], firstNull: -1 };
  for (;;) {
    const type = r.readInt();
    const done = r.readBool();
    r.readInt(); // MultiHeader.err, −1 in requests
    if (done) return m;
    const missing = r.missingValues;
    const op = readRequestRecord(type, r, MULTI_RECORD_OPS);
    if (m.firstNull < 0 && r.missingValues > missing) m.firstNull = m.writes.length + m.reads.length;
    if (isMultiRead(op)) m.reads.push(op);
    else m.writes.push(op);
    if (m.writes.length > 0 && m.reads.length > 0) throw new WireError('reads and writes mixed in one multi');
  }
}

const isMultiRead = (op: ReqOf<(typeof MULTI_RECORD_OPS)[number]>): op is ReadReq =>
  op.op === 'getData' || op.op === 'getChildren';

/** The ops of a record that holds only `kind` and every path (WireError otherwise): what a txn's multi holds. */
function onlyOps<K extends 'writes' | 'reads'>(r: JuteReader, kind: K): MultiRecord[K] {
  const m = readMultiRecord(r);
  const other = kind === 'writes' ? m.reads : m.writes;
  if (m.firstNull >= 0 || other.length > 0) throw new WireError('ops not allowed in this multi');
  return m[kind];
}

function writeMulti(w: JuteWriter, ops: readonly ReqOf<KnownOp>[]): void {
  for (const op of ops) {
    w.writeInt(OpCode[op.op]).writeBool(false).writeInt(-1);
    writeRequestRecord(w, op);
  }
  w.writeInt(MULTI_END.type).writeBool(MULTI_END.done).writeInt(MULTI_END.err);
}

const REQUEST_CODECS: { [K in KnownOp]: RecordCodec<K> } = {
  create: createCodec,
  create2: createCodec,
  createContainer: createCodec,
  createTTL: createTTLCodec,
  delete: versionedCodec,
  check: versionedCodec,
  setData: setDataCodec,
  setACL: setACLCodec,
  multi: {
    read: (r, op) => ({ op, ops: onlyOps(r, 'writes') }),
    write: (w, q) => writeMulti(w, q.ops),
  },
  exists: readCodec,
  getData: readCodec,
  getChildren: readCodec,
  getChildren2: readCodec,
  multiRead: {
    read: (r, op) => ({ op, ops: onlyOps(r, 'reads') }),
    write: (w, q) => writeMulti(w, q.ops),
  },
  getACL: pathCodec,
  sync: pathCodec,
  getAllChildrenNumber: pathCodec,
  getEphemerals: {
    // ZooKeeper lists every ephemeral of the session for a null prefix, as for an empty one
    read: (r, op) => ({ op, prefixPath: r.readString() ?? '' }),
    write: (w, q) => void w.writeString(q.prefixPath),
  },
  checkWatches: watchesCodec,
  removeWatches: watchesCodec,
  addWatch: {
    read: (r, op) => ({ op, path: requestPath(r), mode: r.readInt() }),
    write: (w, q) => void w.writeString(q.path).writeInt(q.mode),
  },
  auth: {
    read: (r, op) => ({ op, type: r.readInt(), scheme: r.readString(), auth: r.readBuffer() }),
    write: (w, q) => void w.writeInt(q.type).writeString(q.scheme).writeBuffer(q.auth),
  },
  setWatches: setWatchesCodec,
  setWatches2: setWatchesCodec,
  reconfig: {
    read: (r, op) => ({
      op,
      joiningServers: r.readString(),
      leavingServers: r.readString(),
      newMembers: r.readString(),
      curConfigId: r.readLong(),
    }),
    write: (w, q) =>
      void w
        .writeString(q.joiningServers)
        .writeString(q.leavingServers)
        .writeString(q.newMembers)
        .writeLong(q.curConfigId),
  },
  sasl: {
    read: (r, op) => ({ op, token: r.requiredBuffer('token') }),
    write: (w, q) => void w.writeBuffer(q.token),
  },
  ping: bareCodec,
  whoAmI: bareCodec,
  closeSession: bareCodec,
};

const OP_BY_CODE: ReadonlyMap<number, KnownOp> = new Map(
  (Object.keys(REQUEST_CODECS) as KnownOp[]).map((op) => [OpCode[op], op]),
);

/** Reads the record of op `code`, which must be one of `allowed` (WireError otherwise). */
export function readRequestRecord<K extends KnownOp>(code: number, r: JuteReader, allowed: readonly K[]): ReqOf<K> {
  const op = OP_BY_CODE.get(code);
  const hit = allowed.find((k) => k === op);
  if (hit === undefined) throw new WireError(`op code ${code} not allowed here`);
  const codec: RecordCodec<K> = REQUEST_CODECS[hit];
  return codec.read(r, hit);
}

/** Writes the request record (no header, no op code). */
export function writeRequestRecord<K extends KnownOp>(w: JuteWriter, req: ReqOf<K> & { op: K }): void {
  const codec: RecordCodec<K> = REQUEST_CODECS[req.op];
  codec.write(w, req);
}

const ALL_OPS = Object.keys(REQUEST_CODECS) as KnownOp[];
/** Ops whose unreadable record closes the connection: ZooKeeper reads them before it makes a request of them. */
const CLOSE_WHEN_UNREADABLE: readonly KnownOp[] = ['auth', 'sasl'];

/**
 * Decodes a request frame body. Unknown op codes (and the server-internal deleteContainer) come back
 * as `{op: 'unknown'}`, known ops ZooKeeper answers with MarshallingError as `{op: 'marshallingError'}`;
 * only a header cut short and an unreadable auth or sasl record throw. Trailing bytes are tolerated.
 */
export function decodeRequest(body: Buffer): { xid: number; request: ClientRequest } {
  const r = new JuteReader(body);
  const xid = r.readInt();
  const code = r.readInt();
  const op = OP_BY_CODE.get(code);
  const rest = body.subarray(r.offset);
  if (op === undefined) {
    return {
      xid,
      request: rest.length > 0 ? { op: 'unknown', code, body: Buffer.from(rest) } : { op: 'unknown', code },
    };
  }
  try {
    return { xid, request: readClientRequest(op, r, rest) };
  } catch (err) {
    if (!(err instanceof WireError) || CLOSE_WHEN_UNREADABLE.includes(op)) throw err;
    return { xid, request: marshallingError(op, 'unreadable', rest) };
  }
}

function readClientRequest(op: KnownOp, r: JuteReader, body: Buffer): ClientRequest {
  if (op === 'multi' || op === 'multiRead') return readMultiRequest(op, r, body);
  const request = readRequestRecord(OpCode[op], r, ALL_OPS);
  return r.missingValues === 0 ? request : marshallingError(op, 'null', body);
}

/**
 * A multi is served when it holds writes only, every path given. A multiRead is served when it holds reads
 * only: up to the first whose path is null, whose results then come before its MarshallingError.
 */
function readMultiRequest(op: 'multi' | 'multiRead', r: JuteReader, body: Buffer): ClientRequest {
  const m = readMultiRecord(r);
  if (op === 'multi') {
    // A null path fails ZooKeeper's prep before the multi has a txn header: a standalone 3.8 then answers
    // its empty result list with MarshallingError and uses no zxid, a 3.8 ensemble never answers. We answer
    // as the standalone server does.
    if (m.firstNull >= 0) return marshallingError(op, 'null', body, []);
    // reads in a multi: ZooKeeper's prep makes no txn of them and logs an error txn instead
    return m.reads.length > 0 ? marshallingError(op, 'unreadable', body) : { op, ops: m.writes };
  }
  if (m.writes.length > 0) return marshallingError(op, 'unreadable', body, []);
  if (m.firstNull < 0) return { op, ops: m.reads };
  return marshallingError(op, 'null', body, m.reads.slice(0, m.firstNull));
}

function marshallingError(
  sent: KnownOp,
  cause: MarshallingErrorReq['cause'],
  body: Buffer,
  served?: ReadReq[],
): MarshallingErrorReq {
  const req: MarshallingErrorReq = { op: 'marshallingError', sent, cause, body: Buffer.from(body) };
  return served === undefined ? req : { ...req, served };
}

export function encodeRequest(xid: number, request: ClientRequest): Buffer {
  const w = new JuteWriter();
  w.writeInt(xid);
  if (request.op === 'unknown') {
    w.writeInt(request.code).writeRaw(request.body ?? Buffer.alloc(0));
  } else if (request.op === 'marshallingError') {
    w.writeInt(OpCode[request.sent]).writeRaw(request.body);
  } else {
    w.writeInt(OpCode[request.op]);
    writeRequestRecord(w, request);
  }
  return frame(w.toBuffer());
}

// ---- responses ----

export type ResponseKind = ClientResponse['kind'];
type RespOf<K extends ResponseKind> = Extract<ClientResponse, { kind: K }>;

interface ResponseCodec<K extends ResponseKind> {
  read: (r: JuteReader) => RespOf<K>;
  write: (w: JuteWriter, resp: RespOf<K>) => void;
}

/** The response record a successful reply to each op carries. */
export const RESPONSE_KIND: { readonly [K in RequestOp]: ResponseKind } = {
  create: 'create',
  create2: 'create2',
  createContainer: 'create2',
  createTTL: 'create2',
  exists: 'stat',
  setData: 'stat',
  setACL: 'stat',
  getData: 'getData',
  reconfig: 'getData',
  getChildren: 'getChildren',
  getChildren2: 'getChildren2',
  getACL: 'getACL',
  sync: 'path',
  multi: 'multi',
  multiRead: 'multi',
  getEphemerals: 'getEphemerals',
  getAllChildrenNumber: 'count',
  addWatch: 'errorBody',
  whoAmI: 'whoAmI',
  sasl: 'sasl',
  delete: 'empty',
  check: 'empty',
  checkWatches: 'empty',
  removeWatches: 'empty',
  auth: 'empty',
  setWatches: 'empty',
  setWatches2: 'empty',
  ping: 'empty',
  closeSession: 'empty',
  unknown: 'empty',
  marshallingError: 'empty',
};

// multi results: MultiHeader{type, done, err} + the result record, ended by {-1, true, -1}

type ResultType = MultiResult['type'];
type ResultOf<T extends ResultType> = Extract<MultiResult, { type: T }>;

interface ResultCodec<T extends ResultType> {
  code: number;
  read: (r: JuteReader) => ResultOf<T>;
  write: (w: JuteWriter, x: ResultOf<T>) => void;
}

const RESULT_CODECS: { [T in ResultType]: ResultCodec<T> } = {
  create: {
    code: OpCode.create,
    read: (r) => ({ type: 'create', path: path(r) }),
    write: (w, x) => void w.writeString(x.path),
  },
  create2: {
    code: OpCode.create2,
    read: (r) => ({ type: 'create2', path: path(r), stat: readStat(r) }),
    write: (w, x) => writeStat(w.writeString(x.path), x.stat),
  },
  delete: { code: OpCode.delete, read: () => ({ type: 'delete' }), write: () => undefined },
  check: { code: OpCode.check, read: () => ({ type: 'check' }), write: () => undefined },
  setData: {
    code: OpCode.setData,
    read: (r) => ({ type: 'setData', stat: readStat(r) }),
    write: (w, x) => writeStat(w, x.stat),
  },
  getData: {
    code: OpCode.getData,
    read: (r) => ({ type: 'getData', data: r.readBuffer(), stat: readStat(r) }),
    write: (w, x) => writeStat(w.writeBuffer(x.data), x.stat),
  },
  getChildren: {
    code: OpCode.getChildren,
    read: (r) => ({ type: 'getChildren', children: readStringList(r, 'children') }),
    write: (w, x) => writeStringList(w, x.children),
  },
  error: {
    code: OpCode.error,
    read: (r) => ({ type: 'error', err: r.readInt() }),
    write: (w, x) => void w.writeInt(x.err),
  },
};

const RESULT_BY_CODE: ReadonlyMap<number, ResultType> = new Map(
  (Object.keys(RESULT_CODECS) as ResultType[]).map((t) => [RESULT_CODECS[t].code, t]),
);

function readResult<T extends ResultType>(t: T, r: JuteReader): ResultOf<T> {
  const codec: ResultCodec<T> = RESULT_CODECS[t];
  return codec.read(r);
}

function writeResult<T extends ResultType>(w: JuteWriter, x: ResultOf<T> & { type: T }): void {
  const codec: ResultCodec<T> = RESULT_CODECS[x.type];
  w.writeInt(codec.code).writeBool(false).writeInt(resultErr(x));
  codec.write(w, x);
}

const resultErr = (x: MultiResult): number => (x.type === 'error' ? x.err : 0);

function readMultiResults(r: JuteReader): MultiResult[] {
  const results: MultiResult[] = [];
  for (;;) {
    const code = r.readInt();
    const done = r.readBool();
    r.readInt(); // MultiHeader.err: the error result's own record repeats it
    if (done) return results;
    const t = RESULT_BY_CODE.get(code);
    if (t === undefined) throw new WireError(`unknown multi result type ${code}`);
    results.push(readResult(t, r));
  }
}

function writeMultiResults(w: JuteWriter, results: readonly MultiResult[]): void {
  for (const x of results) writeResult(w, x);
  w.writeInt(MULTI_END.type).writeBool(MULTI_END.done).writeInt(MULTI_END.err);
}

const RESPONSE_CODECS: { [K in ResponseKind]: ResponseCodec<K> } = {
  create: {
    read: (r) => ({ kind: 'create', path: path(r) }),
    write: (w, x) => void w.writeString(x.path),
  },
  create2: {
    read: (r) => ({ kind: 'create2', path: path(r), stat: readStat(r) }),
    write: (w, x) => writeStat(w.writeString(x.path), x.stat),
  },
  stat: { read: (r) => ({ kind: 'stat', stat: readStat(r) }), write: (w, x) => writeStat(w, x.stat) },
  getData: {
    read: (r) => ({ kind: 'getData', data: r.readBuffer(), stat: readStat(r) }),
    write: (w, x) => writeStat(w.writeBuffer(x.data), x.stat),
  },
  getChildren: {
    read: (r) => ({ kind: 'getChildren', children: readStringList(r, 'children') }),
    write: (w, x) => writeStringList(w, x.children),
  },
  getChildren2: {
    read: (r) => ({ kind: 'getChildren2', children: readStringList(r, 'children'), stat: readStat(r) }),
    write: (w, x) => {
      writeStringList(w, x.children);
      writeStat(w, x.stat);
    },
  },
  getACL: {
    read: (r) => ({ kind: 'getACL', acl: readACLList(r), stat: readStat(r) }),
    write: (w, x) => {
      writeACLList(w, x.acl);
      writeStat(w, x.stat);
    },
  },
  path: { read: (r) => ({ kind: 'path', path: path(r) }), write: (w, x) => void w.writeString(x.path) },
  multi: {
    read: (r) => ({ kind: 'multi', results: readMultiResults(r) }),
    write: (w, x) => writeMultiResults(w, x.results),
  },
  getEphemerals: {
    read: (r) => ({ kind: 'getEphemerals', paths: readStringList(r, 'ephemerals') }),
    write: (w, x) => writeStringList(w, x.paths),
  },
  count: { read: (r) => ({ kind: 'count', count: r.readInt() }), write: (w, x) => void w.writeInt(x.count) },
  errorBody: { read: (r) => ({ kind: 'errorBody', err: r.readInt() }), write: (w, x) => void w.writeInt(x.err) },
  whoAmI: {
    read: (r) => ({
      kind: 'whoAmI',
      clientInfo: r.requiredVector(
        (x) => ({ authScheme: x.requiredString('authScheme'), user: x.requiredString('user') }),
        'clientInfo',
      ),
    }),
    write: (w, x) => void w.writeVector(x.clientInfo, (y, c) => y.writeString(c.authScheme).writeString(c.user)),
  },
  sasl: { read: (r) => ({ kind: 'sasl', token: r.readBuffer() }), write: (w, x) => void w.writeBuffer(x.token) },
  empty: { read: () => ({ kind: 'empty' }), write: () => undefined },
};

function readResponse<K extends ResponseKind>(kind: K, r: JuteReader): RespOf<K> {
  const codec: ResponseCodec<K> = RESPONSE_CODECS[kind];
  return codec.read(r);
}

function writeResponse<K extends ResponseKind>(w: JuteWriter, resp: RespOf<K> & { kind: K }): void {
  const codec: ResponseCodec<K> = RESPONSE_CODECS[resp.kind];
  codec.write(w, resp);
}

/** Header, then the body only when err is 0 or the response is a multi (failed multis carry results). */
export function encodeReply(reply: Reply): Buffer {
  const w = new JuteWriter();
  w.writeInt(reply.xid).writeLong(reply.zxid).writeInt(reply.err);
  if (reply.err === 0 || reply.response.kind === 'multi') writeResponse(w, reply.response);
  return frame(w.toBuffer());
}

export function decodeReplyHeader(body: Buffer): { xid: number; zxid: bigint; err: number; reader: JuteReader } {
  const reader = new JuteReader(body);
  return { xid: reader.readInt(), zxid: reader.readLong(), err: reader.readInt(), reader };
}

/** The response record of a reply to `op` (the caller knows the op from the xid). */
export function decodeResponse(op: RequestOp, reader: JuteReader): ClientResponse {
  return readResponse(RESPONSE_KIND[op], reader);
}

/** A whole reply to `op`: the body is read when err is 0, or for a multi when one is present. */
export function decodeReply(body: Buffer, op: RequestOp): Reply {
  const { xid, zxid, err, reader } = decodeReplyHeader(body);
  const hasBody = err === 0 || (RESPONSE_KIND[op] === 'multi' && reader.remaining > 0);
  return { xid, zxid, err, response: hasBody ? decodeResponse(op, reader) : { kind: 'empty' } };
}

// ---- watch notifications ----

/** Header {xid −1, zxid −1, err 0} then the WatcherEvent (ZooKeeper 3.8 puts −1 in the zxid). */
export function encodeNotification(event: WatcherEvent): Buffer {
  const w = new JuteWriter(64);
  w.writeInt(SpecialXid.notification).writeLong(-1n).writeInt(0);
  w.writeInt(event.type).writeInt(event.state).writeString(event.path);
  return frame(w.toBuffer());
}

export function decodeWatcherEvent(r: JuteReader): WatcherEvent {
  return { type: r.readInt(), state: r.readInt(), path: path(r) };
}
