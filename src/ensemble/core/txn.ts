// Transactions: what the leader orders with a zxid and every member applies in the same order.
// A request txn carries the client's write as sent; every member validates and applies it
// deterministically, so a write that fails validation is still a txn that consumes its zxid.

import type { Id, WriteRequest } from '../wire/records.js';

export type TxnBody =
  /** A new session; the password is chosen by the member that accepted the connection. */
  | { type: 'createSession'; timeoutMs: number; passwd: Buffer }
  /** Ends a session: its ephemerals are deleted in this one txn. */
  | { type: 'closeSession' }
  /** A client write, with the ids the session had authenticated as when it was sent. */
  | { type: 'request'; request: WriteRequest; authIds: Id[] }
  /** Housekeeping removal of an empty container or an expired TTL node. */
  | { type: 'deleteContainer'; path: string }
  /** ZooKeeper's ErrorTxn: a write it could not make a txn of (its record unreadable), answered with `err`. */
  | { type: 'error'; err: number };

export interface Txn {
  zxid: bigint;
  /** Leader's wall clock (ms since epoch) when the txn was proposed: ctime/mtime come from it. */
  time: number;
  sessionId: bigint;
  cxid: number;
  body: TxnBody;
}

export const zxidOf = (epoch: number, counter: number): bigint => (BigInt(epoch) << 32n) | BigInt(counter);
export const epochOf = (zxid: bigint): number => Number(zxid >> 32n);
export const counterOf = (zxid: bigint): number => Number(zxid & 0xffffffffn);
export const hexZxid = (zxid: bigint): string => `0x${zxid.toString(16)}`;
