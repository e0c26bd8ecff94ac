// Typed records of the ZooKeeper 3.8 client protocol: op codes, error codes, event numbers and the
// request/response shapes that the codecs turn into bytes and the cores reason about.

export const OpCode = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  reconfig: 16,
  checkWatches: 17,
  removeWatches: 18,
  createContainer: 19,
  deleteContainer: 20,
  createTTL: 21,
  multiRead: 22,
  auth: 100,
  setWatches: 101,
  sasl: 102,
  getEphemerals: 103,
  getAllChildrenNumber: 104,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  createSession: -10,
  closeSession: -11,
  error: -1,
} as const;
export type OpName = keyof typeof OpCode;

/** ReplyHeader.err values (KeeperException.Code). */
export const Err = {
  Ok: 0,
  SystemError: -1,
  RuntimeInconsistency: -2,
  DataInconsistency: -3,
  ConnectionLoss: -4,
  MarshallingError: -5,
  Unimplemented: -6,
  OperationTimeout: -7,
  BadArguments: -8,
  UnknownSession: -12,
  NewConfigNoQuorum: -13,
  ReconfigInProgress: -14,
  APIError: -100,
  NoNode: -101,
  NoAuth: -102,
  BadVersion: -103,
  NoChildrenForEphemerals: -108,
  NodeExists: -110,
  NotEmpty: -111,
  SessionExpired: -112,
  InvalidCallback: -113,
  InvalidACL: -114,
  AuthFailed: -115,
  SessionMoved: -118,
  NotReadOnly: -119,
  EphemeralOnLocalSession: -120,
  NoWatcher: -121,
  RequestTimeout: -122,
  ReconfigDisabled: -123,
  SessionClosedRequireSaslAuth: -124,
  QuotaExceeded: -125,
  Throttled: -127,
} as const;
export type ErrName = keyof typeof Err;

export function errName(code: number): string {
  const hit = (Object.keys(Err) as ErrName[]).find((k) => Err[k] === code);
  return hit ?? `Unknown(${code})`;
}

export const EventType = {
  None: -1,
  NodeCreated: 1,
  NodeDeleted: 2,
  NodeDataChanged: 3,
  NodeChildrenChanged: 4,
  DataWatchRemoved: 5,
  ChildWatchRemoved: 6,
  PersistentWatchRemoved: 7,
} as const;

export const KeeperState = {
  Unknown: -1,
  Disconnected: 0,
  SyncConnected: 3,
  AuthFailed: 4,
  ConnectedReadOnly: 5,
  SaslAuthenticated: 6,
  Closed: 7,
  Expired: -112,
} as const;

export const Perms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

/** CreateMode flag values as sent in CreateRequest.flags. */
export const CreateFlags = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;

/** WatcherType for checkWatches/removeWatches. */
export const WatcherType = { Children: 1, Data: 2, Any: 3 } as const;
/** AddWatchRequest.mode. */
export const AddWatchMode = { PERSISTENT: 0, PERSISTENT_RECURSIVE: 1 } as const;

export interface Id {
  scheme: string;
  id: string;
}
export interface ACL {
  perms: number;
  id: Id;
}
/** An ACL entry as create and setACL carry it: jute lets its scheme and id be null (fixupACL judges them). */
export interface RequestACL {
  perms: number;
  id: { scheme: string | null; id: string | null };
}

/** 68-byte Stat record; ctime/mtime are ms since epoch. */
export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeOut: number;
  sessionId: bigint;
  /** Null is legal jute: a new session does not need one, a reconnect with it is refused. */
  passwd: Buffer | null;
  /** undefined when the client sent the 44-byte form without the byte (mirror it in the response). */
  readOnly: boolean | undefined;
}

export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean | undefined;
}

export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}

// ---- requests (client → server) ----

/** create (op 1), create2 (op 15) and createContainer (op 19) share CreateRequest. */
export interface CreateReq {
  op: 'create' | 'create2' | 'createContainer';
  path: string;
  data: Buffer | null;
  acl: RequestACL[] | null;
  flags: number;
}
export interface CreateTTLReq {
  op: 'createTTL';
  path: string;
  data: Buffer | null;
  acl: RequestACL[] | null;
  flags: number;
  ttl: bigint;
}
export interface DeleteReq {
  op: 'delete';
  path: string;
  version: number;
}
export interface SetDataReq {
  op: 'setData';
  path: string;
  data: Buffer | null;
  version: number;
}
export interface SetACLReq {
  op: 'setACL';
  path: string;
  acl: RequestACL[] | null;
  version: number;
}
export interface CheckReq {
  op: 'check';
  path: string;
  version: number;
}
/** Ops allowed inside multi (14). */
export type MultiWriteOp = CreateReq | CreateTTLReq | DeleteReq | SetDataReq | CheckReq;
export interface MultiReq {
  op: 'multi';
  ops: MultiWriteOp[];
}
export interface ReadReq {
  op: 'exists' | 'getData' | 'getChildren' | 'getChildren2';
  path: string;
  watch: boolean;
}
/** Ops allowed inside multiRead (22); the watch byte is ignored there. */
export interface MultiReadReq {
  op: 'multiRead';
  ops: ReadReq[];
}
export interface PathReq {
  op: 'getACL' | 'sync' | 'getAllChildrenNumber';
  path: string;
}
export interface GetEphemeralsReq {
  op: 'getEphemerals';
  prefixPath: string;
}
export interface WatchesReq {
  op: 'checkWatches' | 'removeWatches';
  path: string;
  type: number;
}
export interface AddWatchReq {
  op: 'addWatch';
  path: string;
  mode: number;
}
/** Null scheme or auth bytes are legal jute; ZooKeeper fails such an auth (no provider has a null name). */
export interface AuthReq {
  op: 'auth';
  type: number;
  scheme: string | null;
  auth: Buffer | null;
}
export interface SetWatchesReq {
  op: 'setWatches' | 'setWatches2';
  relativeZxid: bigint;
  dataWatches: string[];
  existWatches: string[];
  childWatches: string[];
  /** setWatches2 only (empty for setWatches). */
  persistentWatches: string[];
  persistentRecursiveWatches: string[];
}
export interface ReconfigReq {
  op: 'reconfig';
  joiningServers: string | null;
  leavingServers: string | null;
  newMembers: string | null;
  curConfigId: bigint;
}
/** A null token is legal jute, but ZooKeeper drops the connection on it: it is never decoded into one. */
export interface SaslReq {
  op: 'sasl';
  token: Buffer;
}
export interface BareReq {
  op: 'ping' | 'whoAmI' | 'closeSession';
}
/** An op code this server does not know: answered with Unimplemented, then the connection closes. */
export interface UnknownReq {
  op: 'unknown';
  code: number;
  /** The bytes after the request header, as received (kept so the frame can be logged or re-sent). */
  body?: Buffer;
}

/**
 * A request of a known op that ZooKeeper 3.8 answers with MarshallingError and then goes on serving the
 * session: its record is cut short or holds a bad length, a multi or multiRead holds ops it does not serve,
 * or a path (or a watch list) is null. An auth or sasl record that cannot be read closes the connection
 * instead, as there.
 */
export interface MarshallingErrorReq {
  op: 'marshallingError';
  /** The op as sent. */
  sent: RecordOp;
  /** null: the record was read whole, but a path or watch list in it is null. */
  cause: 'unreadable' | 'null';
  /** multi and multiRead: the reads ZooKeeper still answers before it gives up; their results precede the error. */
  served?: ReadReq[];
  /** The bytes after the request header, as received. */
  body: Buffer;
}

/** Requests that change the tree: they become transactions through the leader. */
export type WriteRequest = MultiWriteOp | SetACLReq | MultiReq;

export type ClientRequest =
  | WriteRequest
  | ReadReq
  | MultiReadReq
  | PathReq
  | GetEphemeralsReq
  | WatchesReq
  | AddWatchReq
  | AuthReq
  | SetWatchesReq
  | ReconfigReq
  | SaslReq
  | BareReq
  | UnknownReq
  | MarshallingErrorReq;

export type RequestOp = ClientRequest['op'];
/** The ops that have a request record (every op but the two stand-ins for requests that cannot be served). */
export type RecordOp = Exclude<RequestOp, 'unknown' | 'marshallingError'>;

// ---- responses (server → client), by record shape ----

export type MultiResult =
  | { type: 'create'; path: string }
  | { type: 'create2'; path: string; stat: Stat }
  | { type: 'delete' }
  | { type: 'check' }
  | { type: 'setData'; stat: Stat }
  | { type: 'getData'; data: Buffer | null; stat: Stat }
  | { type: 'getChildren'; children: string[] }
  | { type: 'error'; err: number };

export type ClientResponse =
  | { kind: 'create'; path: string }
  | { kind: 'create2'; path: string; stat: Stat }
  | { kind: 'stat'; stat: Stat }
  | { kind: 'getData'; data: Buffer | null; stat: Stat }
  | { kind: 'getChildren'; children: string[] }
  | { kind: 'getChildren2'; children: string[]; stat: Stat }
  | { kind: 'getACL'; acl: ACL[]; stat: Stat }
  | { kind: 'path'; path: string }
  | { kind: 'multi'; results: MultiResult[] }
  | { kind: 'getEphemerals'; paths: string[] }
  | { kind: 'count'; count: number }
  | { kind: 'errorBody'; err: number }
  | { kind: 'whoAmI'; clientInfo: { authScheme: string; user: string }[] }
  | { kind: 'sasl'; token: Buffer | null }
  | { kind: 'empty' };

/** A reply as the server sends it: header fields plus the body (omitted when err ≠ 0, except multi). */
export interface Reply {
  xid: number;
  zxid: bigint;
  err: number;
  response: ClientResponse;
}

export const SpecialXid = { notification: -1, ping: -2, auth: -4, setWatches: -8 } as const;
