// Validation and application of one client write, in ZooKeeper's order of checks
// (PrepRequestProcessor), including multi as one all-or-nothing step with its per-op results.

import {
  CreateFlags,
  Err,
  Perms,
  type ClientResponse,
  type CreateReq,
  type CreateTTLReq,
  type Id,
  type MultiResult,
  type MultiWriteOp,
  type SetACLReq,
  type Stat,
  type WriteRequest,
} from '../../wire/records.js';
import { checkACL, fixupACL } from '../acl.js';
import { isValidPath, parentOf, sequenceSuffix } from '../paths.js';
import { isSpecialPath, type DataTree, type MutationLog, type TreeEvent } from './data-tree.js';
import { CONTAINER_OWNER, childCount, ephemeralKind, statOf, type ZNode } from './node.js';

export interface WriteContext {
  tree: DataTree;
  sessionId: bigint;
  /** Whether the session is in the replicated session table (checkSession). */
  sessionAlive: boolean;
  authIds: readonly Id[];
  zxid: bigint;
  time: number;
}

export interface WriteOutcome {
  err: number;
  response: ClientResponse;
  events: TreeEvent[];
}

interface Failed {
  failed: number;
}
type Result<T> = T | Failed;
type CreateOp = 'create' | 'create2' | 'createContainer' | 'createTTL';

const EMPTY: ClientResponse = { kind: 'empty' };
const fail = (err: number): Failed => ({ failed: err });
const isFailed = <T extends object>(r: Result<T>): r is Failed => 'failed' in r;
const then = <T extends object, R extends object>(r: Result<T>, f: (t: T) => R): Result<R> => (isFailed(r) ? r : f(r));

export function applyWrite(req: WriteRequest, ctx: WriteContext): WriteOutcome {
  const log: MutationLog = { undo: [], events: [] };
  if (req.op === 'multi') return applyMulti(req.ops, ctx, log);
  const r = applySingle(req, ctx, log);
  return isFailed(r)
    ? { err: r.failed, response: EMPTY, events: [] }
    : { err: Err.Ok, response: r, events: log.events };
}

/** Removal of an empty container or an expired TTL node by the housekeeping timer. */
export function applyDeleteContainer(path: string, ctx: WriteContext): WriteOutcome {
  const log: MutationLog = { undo: [], events: [] };
  const err = deleteContainerError(path, ctx.tree);
  if (err !== Err.Ok) return { err, response: EMPTY, events: [] };
  ctx.tree.delete(path, ctx.zxid, log);
  return { err, response: EMPTY, events: log.events };
}

function deleteContainerError(path: string, tree: DataTree): number {
  if (parentOf(path) === null || isSpecialPath(path)) return Err.BadArguments;
  const node = tree.get(path);
  if (node === undefined) return Err.NoNode;
  if (childCount(node) > 0) return Err.NotEmpty;
  const kind = ephemeralKind(node.ephemeralOwner);
  return kind === 'container' || kind === 'ttl' ? Err.Ok : Err.BadVersion;
}

function applySingle(
  req: Exclude<WriteRequest, { op: 'multi' }>,
  ctx: WriteContext,
  log: MutationLog,
): Result<ClientResponse> {
  switch (req.op) {
    case 'create':
      return then(create(req, req.op, -1n, ctx, log), (c) => ({ kind: 'create', path: c.path }));
    case 'create2':
    case 'createContainer':
      return then(create(req, req.op, -1n, ctx, log), (c) => ({ kind: 'create2', ...c }));
    case 'createTTL':
      return then(create(req, req.op, req.ttl, ctx, log), (c) => ({ kind: 'create2', ...c }));
    case 'delete':
      return then(deleteNode(req.path, req.version, ctx, log), () => EMPTY);
    case 'setData':
      return then(setData(req, ctx, log), (stat) => ({ kind: 'stat', stat }));
    case 'setACL':
      return then(setACL(req, ctx, log), (stat) => ({ kind: 'stat', stat }));
    // A check outside a multi is a txn as on a standalone ZooKeeper 3.8 (a 3.8 ensemble's followers fail
    // applying it); we answer it in an ensemble too.
    case 'check':
      return then(check(req.path, req.version, ctx), (stat) => ({ kind: 'stat', stat }));
    default: {
      const never: never = req;
      return never;
    }
  }
}

/**
 * All or nothing. An op that fails makes every result an error; one that fails with MarshallingError
 * (ZooKeeper's prep tripping over a null in an ACL) fails the whole multi with it and no results.
 */
function applyMulti(ops: MultiWriteOp[], ctx: WriteContext, log: MutationLog): WriteOutcome {
  const results: MultiResult[] = [];
  for (const [i, req] of ops.entries()) {
    const r = applyMultiOp(req, ctx, log);
    if (isFailed(r)) {
      for (const undo of log.undo.reverse()) undo();
      if (r.failed === Err.MarshallingError) return { err: r.failed, response: EMPTY, events: [] };
      return {
        err: Err.Ok,
        response: { kind: 'multi', results: failedMultiResults(ops.length, i, r.failed) },
        events: [],
      };
    }
    results.push(r);
  }
  return { err: Err.Ok, response: { kind: 'multi', results }, events: log.events };
}

/** A failed multi: every result is an error; earlier ops 0, the failing op its code, later ops −2. */
function failedMultiResults(count: number, failedAt: number, err: number): MultiResult[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'error' as const,
    err: i < failedAt ? Err.Ok : i === failedAt ? err : Err.RuntimeInconsistency,
  }));
}

function applyMultiOp(req: MultiWriteOp, ctx: WriteContext, log: MutationLog): Result<MultiResult> {
  switch (req.op) {
    case 'create':
    case 'create2':
    case 'createContainer':
    case 'createTTL': {
      const op = createOpFromFlags(req.flags);
      return then(create(req, op, -1n, ctx, log), (c) =>
        op === 'create' ? { type: 'create', path: c.path } : { type: 'create2', ...c },
      );
    }
    case 'delete':
      return then(deleteNode(req.path, req.version, ctx, log), () => ({ type: 'delete' }));
    case 'setData':
      return then(setData(req, ctx, log), (stat) => ({ type: 'setData', stat }));
    case 'check':
      return then(check(req.path, req.version, ctx), () => ({ type: 'check' }));
    default: {
      const never: never = req;
      return never;
    }
  }
}

/** Inside a multi the server re-derives a create's op from its flags. */
function createOpFromFlags(flags: number): CreateOp {
  switch (flags) {
    case CreateFlags.CONTAINER:
      return 'createContainer';
    case CreateFlags.PERSISTENT_WITH_TTL:
    case CreateFlags.PERSISTENT_SEQUENTIAL_WITH_TTL:
      return 'createTTL';
    default:
      return 'create';
  }
}

interface CreateMode {
  ephemeral: boolean;
  sequential: boolean;
  ttl: boolean;
}

function createModeOf(flags: number): CreateMode | undefined {
  switch (flags) {
    case CreateFlags.PERSISTENT:
    case CreateFlags.CONTAINER:
      return { ephemeral: false, sequential: false, ttl: false };
    case CreateFlags.EPHEMERAL:
      return { ephemeral: true, sequential: false, ttl: false };
    case CreateFlags.PERSISTENT_SEQUENTIAL:
      return { ephemeral: false, sequential: true, ttl: false };
    case CreateFlags.EPHEMERAL_SEQUENTIAL:
      return { ephemeral: true, sequential: true, ttl: false };
    case CreateFlags.PERSISTENT_WITH_TTL:
      return { ephemeral: false, sequential: false, ttl: true };
    case CreateFlags.PERSISTENT_SEQUENTIAL_WITH_TTL:
      return { ephemeral: false, sequential: true, ttl: true };
    default:
      return undefined;
  }
}

/**
 * A create, checked like ZooKeeper: flags, TTL (extended types stay disabled, so TTL modes are
 * Unimplemented), session, path shape, ACL list, parent, CREATE on the parent, sequential suffix
 * from the parent's creates counter, final path, existence, ephemeral parent.
 */
function create(
  req: CreateReq | CreateTTLReq,
  op: CreateOp,
  ttl: bigint,
  ctx: WriteContext,
  log: MutationLog,
): Result<{ path: string; stat: Stat }> {
  const mode = createModeOf(req.flags);
  if (mode === undefined) return fail(Err.BadArguments);
  if (mode.ttl) return fail(Err.Unimplemented);
  if (ttl >= 0n) return fail(Err.BadArguments);
  if (!ctx.sessionAlive) return fail(Err.SessionExpired);
  const parentPath = parentOf(req.path);
  if (parentPath === null || req.path.includes('\u0000')) return fail(Err.BadArguments);
  const acl = fixupACL(req.acl, ctx.authIds);
  if (typeof acl === 'number') return fail(acl);
  const parent = ctx.tree.get(parentPath);
  if (parent === undefined) return fail(Err.NoNode);
  if (!checkACL(parent.acl, Perms.CREATE, ctx.authIds)) return fail(Err.NoAuth);
  const path = mode.sequential ? req.path + sequenceSuffix(parent.creates) : req.path;
  if (!isValidPath(path)) return fail(Err.BadArguments);
  if (ctx.tree.get(path) !== undefined) return fail(Err.NodeExists);
  if (ephemeralKind(parent.ephemeralOwner) === 'session') return fail(Err.NoChildrenForEphemerals);
  const ephemeralOwner = op === 'createContainer' ? CONTAINER_OWNER : mode.ephemeral ? ctx.sessionId : 0n;
  const node = ctx.tree.create({ path, data: req.data, acl, ephemeralOwner, zxid: ctx.zxid, time: ctx.time }, log);
  return { path, stat: statOf(node) };
}

function deleteNode(path: string, version: number, ctx: WriteContext, log: MutationLog): Result<object> {
  if (!ctx.sessionAlive) return fail(Err.SessionExpired);
  const parentPath = parentOf(path);
  if (parentPath === null || path.includes('\u0000') || isSpecialPath(path)) return fail(Err.BadArguments);
  const parent = ctx.tree.get(parentPath);
  if (parent === undefined) return fail(Err.NoNode);
  if (!checkACL(parent.acl, Perms.DELETE, ctx.authIds)) return fail(Err.NoAuth);
  const node = ctx.tree.get(path);
  if (node === undefined) return fail(Err.NoNode);
  if (!versionMatches(node.version, version)) return fail(Err.BadVersion);
  if (childCount(node) > 0) return fail(Err.NotEmpty);
  ctx.tree.delete(path, ctx.zxid, log);
  return {};
}

/** The node a path-addressed write acts on, after the session, path, existence and ACL checks. */
function target(path: string, perm: number, ctx: WriteContext): Result<ZNode> {
  if (!ctx.sessionAlive) return fail(Err.SessionExpired);
  if (!isValidPath(path)) return fail(Err.BadArguments);
  const node = ctx.tree.get(path);
  if (node === undefined) return fail(Err.NoNode);
  return checkACL(node.acl, perm, ctx.authIds) ? node : fail(Err.NoAuth);
}

function setData(
  req: { path: string; data: Buffer | null; version: number },
  ctx: WriteContext,
  log: MutationLog,
): Result<Stat> {
  const node = target(req.path, Perms.WRITE, ctx);
  if (isFailed(node)) return node;
  if (!versionMatches(node.version, req.version)) return fail(Err.BadVersion);
  const change = { path: req.path, data: req.data, version: (node.version + 1) | 0, zxid: ctx.zxid, time: ctx.time };
  ctx.tree.setData(node, change, log);
  return statOf(node);
}

/** setACL checks the new list before looking the node up (fixupACL comes first in ZooKeeper). */
function setACL(req: SetACLReq, ctx: WriteContext, log: MutationLog): Result<Stat> {
  if (!ctx.sessionAlive) return fail(Err.SessionExpired);
  if (!isValidPath(req.path)) return fail(Err.BadArguments);
  const acl = fixupACL(req.acl, ctx.authIds);
  if (typeof acl === 'number') return fail(acl);
  const node = target(req.path, Perms.ADMIN, ctx);
  if (isFailed(node)) return node;
  if (!versionMatches(node.aversion, req.version)) return fail(Err.BadVersion);
  ctx.tree.setACL(node, acl, (node.aversion + 1) | 0, log);
  return statOf(node);
}

function check(path: string, version: number, ctx: WriteContext): Result<Stat> {
  const node = target(path, Perms.READ, ctx);
  if (isFailed(node)) return node;
  return versionMatches(node.version, version) ? statOf(node) : fail(Err.BadVersion);
}

/** −1 matches any version. */
const versionMatches = (current: number, expected: number): boolean => expected === -1 || expected === current;
