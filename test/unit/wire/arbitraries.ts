// fast-check generators for well-formed client records, shared by the wire property tests.
import fc from 'fast-check';
import {
  OpCode,
  RESPONSE_KIND,
  type ACL,
  type ClientRequest,
  type ClientResponse,
  type Id,
  type MultiResult,
  type MultiWriteOp,
  type ReadReq,
  type RequestOp,
  type Stat,
  type WriteRequest,
} from '../../../src/ensemble/wire/index.js';

/** The fuzz seed: fixed, printed, and overridable with MINICLUSTER_FUZZ_SEED. */
export function fuzzSeed(suite: string): number {
  const seed = Number(process.env.MINICLUSTER_FUZZ_SEED ?? 20240611);
  console.log(`[${suite}] fast-check seed ${seed} (set MINICLUSTER_FUZZ_SEED to override)`);
  return seed;
}

export const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
export const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
export const safeLong = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
export const text = fc.string({ unit: 'grapheme', maxLength: 12 });
export const bytes = fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a));
export const nullableBytes = fc.option(bytes, { nil: null });
export const nullableText = fc.option(text, { nil: null });
const texts = fc.array(text, { maxLength: 4 });

export const id: fc.Arbitrary<Id> = fc.record({ scheme: text, id: text });
export const acl: fc.Arbitrary<ACL> = fc.record({ perms: int32, id });
export const acls = fc.array(acl, { maxLength: 3 });
/** ACL lists as create and setACL carry them: the list, schemes and ids may be null. */
const requestAcls = fc.option(
  fc.array(fc.record({ perms: int32, id: fc.record({ scheme: nullableText, id: nullableText }) }), { maxLength: 3 }),
  { nil: null },
);

export const stat: fc.Arbitrary<Stat> = fc.record({
  czxid: int64,
  mzxid: int64,
  ctime: safeLong,
  mtime: safeLong,
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: int64,
  dataLength: int32,
  numChildren: int32,
  pzxid: int64,
});

const create = fc.record({
  op: fc.constantFrom('create' as const, 'create2' as const, 'createContainer' as const),
  path: text,
  data: nullableBytes,
  acl: requestAcls,
  flags: int32,
});
const createTTL = fc.record({
  op: fc.constant('createTTL' as const),
  path: text,
  data: nullableBytes,
  acl: requestAcls,
  flags: int32,
  ttl: int64,
});
const versioned = fc.record({ op: fc.constantFrom('delete' as const, 'check' as const), path: text, version: int32 });
const setData = fc.record({ op: fc.constant('setData' as const), path: text, data: nullableBytes, version: int32 });

export const multiWriteOp: fc.Arbitrary<MultiWriteOp> = fc.oneof(create, createTTL, versioned, setData);
export const writeRequest: fc.Arbitrary<WriteRequest> = fc.oneof(
  multiWriteOp,
  fc.record({ op: fc.constant('setACL' as const), path: text, acl: requestAcls, version: int32 }),
  fc.record({ op: fc.constant('multi' as const), ops: fc.array(multiWriteOp, { maxLength: 4 }) }),
);

const readReq = (ops: ReadReq['op'][]): fc.Arbitrary<ReadReq> =>
  fc.record({ op: fc.constantFrom(...ops), path: text, watch: fc.boolean() });

const KNOWN_CODES = new Set<number>(Object.values(OpCode));
const unknownOp = fc.record(
  {
    op: fc.constant('unknown' as const),
    code: int32.filter((c) => !KNOWN_CODES.has(c) || c === OpCode.deleteContainer),
    body: fc.uint8Array({ minLength: 1, maxLength: 16 }).map((a) => Buffer.from(a)),
  },
  { requiredKeys: ['op', 'code'] },
);

const watchLists = {
  relativeZxid: int64,
  dataWatches: texts,
  existWatches: texts,
  childWatches: texts,
};

export const clientRequest: fc.Arbitrary<ClientRequest> = fc.oneof(
  writeRequest,
  readReq(['exists', 'getData', 'getChildren', 'getChildren2']),
  fc.record({
    op: fc.constant('multiRead' as const),
    ops: fc.array(readReq(['getData', 'getChildren']), { maxLength: 4 }),
  }),
  fc.record({ op: fc.constantFrom('getACL' as const, 'sync' as const, 'getAllChildrenNumber' as const), path: text }),
  fc.record({ op: fc.constant('getEphemerals' as const), prefixPath: text }),
  fc.record({ op: fc.constantFrom('checkWatches' as const, 'removeWatches' as const), path: text, type: int32 }),
  fc.record({ op: fc.constant('addWatch' as const), path: text, mode: int32 }),
  fc.record({ op: fc.constant('auth' as const), type: int32, scheme: text, auth: bytes }),
  fc.record({
    op: fc.constant('setWatches' as const),
    ...watchLists,
    persistentWatches: fc.constant<string[]>([]),
    persistentRecursiveWatches: fc.constant<string[]>([]),
  }),
  fc.record({
    op: fc.constant('setWatches2' as const),
    ...watchLists,
    persistentWatches: texts,
    persistentRecursiveWatches: texts,
  }),
  fc.record({
    op: fc.constant('reconfig' as const),
    joiningServers: nullableText,
    leavingServers: nullableText,
    newMembers: nullableText,
    curConfigId: int64,
  }),
  fc.record({ op: fc.constant('sasl' as const), token: bytes }),
  fc.record({ op: fc.constantFrom('ping' as const, 'whoAmI' as const, 'closeSession' as const) }),
  unknownOp,
);

const multiResult: fc.Arbitrary<MultiResult> = fc.oneof(
  fc.record({ type: fc.constant('create' as const), path: text }),
  fc.record({ type: fc.constant('create2' as const), path: text, stat }),
  fc.record({ type: fc.constantFrom('delete' as const, 'check' as const) }),
  fc.record({ type: fc.constant('setData' as const), stat }),
  fc.record({ type: fc.constant('getData' as const), data: nullableBytes, stat }),
  fc.record({ type: fc.constant('getChildren' as const), children: texts }),
  fc.record({ type: fc.constant('error' as const), err: int32 }),
);

const RESPONSES: { [K in ClientResponse['kind']]: fc.Arbitrary<Extract<ClientResponse, { kind: K }>> } = {
  create: fc.record({ kind: fc.constant('create'), path: text }),
  create2: fc.record({ kind: fc.constant('create2'), path: text, stat }),
  stat: fc.record({ kind: fc.constant('stat'), stat }),
  getData: fc.record({ kind: fc.constant('getData'), data: nullableBytes, stat }),
  getChildren: fc.record({ kind: fc.constant('getChildren'), children: texts }),
  getChildren2: fc.record({ kind: fc.constant('getChildren2'), children: texts, stat }),
  getACL: fc.record({ kind: fc.constant('getACL'), acl: acls, stat }),
  path: fc.record({ kind: fc.constant('path'), path: text }),
  multi: fc.record({ kind: fc.constant('multi'), results: fc.array(multiResult, { maxLength: 4 }) }),
  getEphemerals: fc.record({ kind: fc.constant('getEphemerals'), paths: texts }),
  count: fc.record({ kind: fc.constant('count'), count: int32 }),
  errorBody: fc.record({ kind: fc.constant('errorBody'), err: int32 }),
  whoAmI: fc.record({
    kind: fc.constant('whoAmI'),
    clientInfo: fc.array(fc.record({ authScheme: text, user: text }), { maxLength: 3 }),
  }),
  sasl: fc.record({ kind: fc.constant('sasl'), token: nullableBytes }),
  empty: fc.record({ kind: fc.constant('empty') }),
};

export const REQUEST_OPS = Object.keys(RESPONSE_KIND) as RequestOp[];

/** An op and a successful response of the shape that op gets. */
export const opAndResponse: fc.Arbitrary<{ op: RequestOp; response: ClientResponse }> = fc
  .constantFrom(...REQUEST_OPS)
  .chain((op) =>
    RESPONSES[RESPONSE_KIND[op]].map((response): { op: RequestOp; response: ClientResponse } => ({ op, response })),
  );
