// Requests a member answers from its own replica (reads, watch management, ping, whoAmI, …): the
// reply body or error code, watch registrations, and the "lop" names cons reports (FinalRequestProcessor).

import {
  Err,
  type ClientRequest,
  type ClientResponse,
  type MarshallingErrorReq,
  type MultiResult,
  type ReadReq,
  type WatcherEvent,
} from '../../wire/records.js';
import { clientInfo } from '../acl.js';
import type { ReplicatedState } from '../tree/state.js';
import type { WatchManager } from '../watches.js';
import type { ClientConnection, LocalRequest } from './connection.js';

export interface LocalAnswer {
  err: number;
  response: ClientResponse;
  /** Events a setWatches reports at once (sent before the reply). */
  missed?: WatcherEvent[];
  /** Reply header zxid when it is not the replica's last zxid (unknown op: −1). */
  zxid?: bigint;
  /** Close the connection after the reply. */
  close?: boolean;
}

const EMPTY: ClientResponse = { kind: 'empty' };
const ok = (response: ClientResponse): LocalAnswer => ({ err: Err.Ok, response });
const error = (err: number): LocalAnswer => ({ err, response: EMPTY });

export interface LocalContext {
  state: ReplicatedState;
  watches: WatchManager;
  conn: ClientConnection;
}

export function answerLocal(req: LocalRequest, ctx: LocalContext): LocalAnswer {
  switch (req.op) {
    case 'exists':
    case 'getData':
    case 'getChildren':
    case 'getChildren2':
      return answerRead(req, ctx);
    case 'multiRead':
      return ok({ kind: 'multi', results: req.ops.map((r) => multiReadResult(r, ctx)) });
    case 'getACL': {
      const r = ctx.state.getACL(req.path, ctx.conn.authIds);
      return r.ok ? ok({ kind: 'getACL', ...r.value }) : error(r.err);
    }
    case 'getAllChildrenNumber': {
      const r = ctx.state.getAllChildrenNumber(req.path, ctx.conn.authIds);
      return r.ok ? ok({ kind: 'count', count: r.value }) : error(r.err);
    }
    case 'getEphemerals':
      return ok({ kind: 'getEphemerals', paths: ctx.state.getEphemerals(ctx.conn.sessionId, req.prefixPath) });
    case 'checkWatches':
    case 'removeWatches': {
      const w = ctx.watches;
      const hit =
        req.op === 'checkWatches'
          ? w.contains(req.path, req.type, ctx.conn.id)
          : w.remove(req.path, req.type, ctx.conn.id);
      return hit === undefined ? error(Err.BadArguments) : hit ? ok(EMPTY) : error(Err.NoWatcher);
    }
    case 'addWatch':
      return ctx.watches.addWatch(req.path, ctx.conn.id, req.mode)
        ? ok({ kind: 'errorBody', err: Err.Ok })
        : error(Err.BadArguments);
    case 'setWatches':
    case 'setWatches2':
      return { ...ok(EMPTY), missed: ctx.watches.setWatches(ctx.conn.id, req, (p) => ctx.state.exists(p)) };
    case 'ping':
      return ok(EMPTY);
    case 'whoAmI':
      return ok({ kind: 'whoAmI', clientInfo: clientInfo(ctx.conn.authIds) });
    case 'reconfig':
      return error(Err.ReconfigDisabled);
    case 'sasl':
      // ZooKeeper without a SASL login answers any token with none, in a reply with zxid 0
      return { ...ok({ kind: 'sasl', token: null }), zxid: 0n };
    case 'unknown':
      return { ...error(Err.Unimplemented), zxid: -1n, close: true };
    case 'marshallingError':
      return answerUnservable(req, ctx);
    default: {
      const never: never = req;
      return never;
    }
  }
}

/** exists registers its watch even when the node is missing; getData/getChildren only on success. */
function answerRead(req: ReadReq, ctx: LocalContext): LocalAnswer {
  const { state, watches, conn } = ctx;
  switch (req.op) {
    case 'exists': {
      if (req.path.includes('\u0000')) return error(Err.BadArguments);
      if (req.watch) watches.addDataWatch(req.path, conn.id);
      const stat = state.exists(req.path);
      return stat === undefined ? error(Err.NoNode) : ok({ kind: 'stat', stat });
    }
    case 'getData': {
      const r = state.getData(req.path, conn.authIds);
      if (!r.ok) return error(r.err);
      if (req.watch) watches.addDataWatch(req.path, conn.id);
      return ok({ kind: 'getData', ...r.value });
    }
    case 'getChildren':
    case 'getChildren2': {
      const r = state.getChildren(req.path, conn.authIds);
      if (!r.ok) return error(r.err);
      if (req.watch) watches.addChildWatch(req.path, conn.id);
      return ok(
        req.op === 'getChildren'
          ? { kind: 'getChildren', children: r.value.children }
          : { kind: 'getChildren2', ...r.value },
      );
    }
    default: {
      const never: never = req.op;
      return never;
    }
  }
}

/**
 * What ZooKeeper answers a request it cannot serve: MarshallingError, after the results of the reads a
 * multiRead served first; addWatch with a null path succeeds without a watch (see marshallingErrorCode).
 */
function answerUnservable(req: MarshallingErrorReq, ctx: LocalContext): LocalAnswer {
  if (req.served !== undefined) {
    const results = req.served.map((r) => multiReadResult(r, ctx));
    return { err: Err.MarshallingError, response: { kind: 'multi', results } };
  }
  const err = marshallingErrorCode(req);
  return err === Err.Ok ? ok({ kind: 'errorBody', err }) : error(err);
}

/**
 * The error code of a request ZooKeeper cannot serve: MarshallingError, but for a null path where its code
 * never dereferences one — setData, setACL and check refuse it as a bad path, removeWatches finds no watch
 * on it, addWatch answers Ok (ZooKeeper adds a watch that never fires, and then fails to close the
 * connection at closeSession; we add none). ZooKeeper echoes a null sync path; we answer MarshallingError.
 */
export function marshallingErrorCode(req: MarshallingErrorReq): number {
  if (req.cause === 'unreadable') return Err.MarshallingError;
  switch (req.sent) {
    case 'setData':
    case 'setACL':
    case 'check':
      return Err.BadArguments;
    case 'removeWatches':
      return Err.NoWatcher;
    case 'addWatch':
      return Err.Ok;
    default:
      return Err.MarshallingError;
  }
}

/** multiRead: each op answers on its own; watch flags are ignored. */
function multiReadResult(req: ReadReq, ctx: LocalContext): MultiResult {
  switch (req.op) {
    case 'getData': {
      const r = ctx.state.getData(req.path, ctx.conn.authIds);
      return r.ok ? { type: 'getData', ...r.value } : { type: 'error', err: r.err };
    }
    case 'getChildren': {
      const r = ctx.state.getChildren(req.path, ctx.conn.authIds);
      return r.ok ? { type: 'getChildren', children: r.value.children } : { type: 'error', err: r.err };
    }
    case 'exists':
    case 'getChildren2':
      return { type: 'error', err: Err.Unimplemented };
    default: {
      const never: never = req.op;
      return never;
    }
  }
}

/** The op name cons shows as `lop` (ZooKeeper's four-letter abbreviations). */
export function lastOpName(op: ClientRequest['op']): string {
  switch (op) {
    case 'create':
    case 'create2':
    case 'createContainer':
    case 'createTTL':
      return 'CREA';
    case 'delete':
      return 'DELE';
    case 'setData':
      return 'SETD';
    case 'setACL':
      return 'SETA';
    case 'check':
      return 'CHEC';
    case 'multi':
      return 'MULT';
    case 'multiRead':
      return 'MLTR';
    case 'exists':
      return 'EXIS';
    case 'getData':
      return 'GETD';
    case 'getChildren':
    case 'getChildren2':
      return 'GETC';
    case 'getACL':
      return 'GETA';
    case 'sync':
      return 'SYNC';
    case 'getAllChildrenNumber':
      return 'GETACN';
    case 'getEphemerals':
      return 'GETE';
    case 'checkWatches':
      return 'CHKW';
    case 'removeWatches':
      return 'REMW';
    case 'addWatch':
      return 'ADDW';
    case 'setWatches':
      return 'SETW';
    case 'setWatches2':
      return 'STW2';
    case 'auth':
      return 'AUTH';
    case 'ping':
      return 'PING';
    case 'whoAmI':
      return 'HOMI';
    case 'closeSession':
      return 'CLOS';
    case 'reconfig':
      return 'RECO';
    case 'sasl':
      return 'SASL';
    case 'unknown':
    case 'marshallingError':
      return 'NA';
    default: {
      const never: never = op;
      return never;
    }
  }
}
