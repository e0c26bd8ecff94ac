// Transaction codec: TxnHeader {long clientId, int cxid, long zxid, long time, int type} then the
// body record. A request txn carries the client's write record as sent, then the session's auth ids.

import type { Txn, TxnBody } from '../core/txn.js';
import { WRITE_OPS, readRequestRecord, writeRequestRecord } from './client.js';
import { JuteReader, JuteWriter, readIdList, writeIdList } from './jute.js';
import { OpCode, type Id } from './records.js';

export interface TxnHeader {
  sessionId: bigint;
  cxid: number;
  zxid: bigint;
  time: number;
  type: number;
}

/** The op code a body is logged and forwarded under. */
export function txnTypeOf(body: TxnBody): number {
  switch (body.type) {
    case 'createSession':
      return OpCode.createSession;
    case 'closeSession':
      return OpCode.closeSession;
    case 'deleteContainer':
      return OpCode.deleteContainer;
    case 'request':
      return OpCode[body.request.op];
    case 'error':
      return OpCode.error;
    default: {
      const never: never = body;
      return never;
    }
  }
}

/** The body record without the auth ids (where those go depends on the carrier). */
export function writeTxnRecord(w: JuteWriter, body: TxnBody): void {
  switch (body.type) {
    case 'createSession':
      w.writeInt(body.timeoutMs).writeBuffer(body.passwd);
      return;
    case 'closeSession':
      return;
    case 'deleteContainer':
      w.writeString(body.path);
      return;
    case 'request':
      writeRequestRecord(w, body.request);
      return;
    case 'error':
      w.writeInt(body.err);
      return;
    default: {
      const never: never = body;
      return never;
    }
  }
}

/** Reads the body record of op `type`; `authIds` supplies a request body's ids once its record is read. */
export function readTxnRecord(type: number, r: JuteReader, authIds: () => Id[]): TxnBody {
  switch (type) {
    case OpCode.createSession:
      return { type: 'createSession', timeoutMs: r.readInt(), passwd: r.requiredBuffer('passwd') };
    case OpCode.closeSession:
      return { type: 'closeSession' };
    case OpCode.deleteContainer:
      return { type: 'deleteContainer', path: r.requiredString('path') };
    case OpCode.error:
      return { type: 'error', err: r.readInt() };
    default: {
      const request = readRequestRecord(type, r, WRITE_OPS);
      return { type: 'request', request, authIds: authIds() };
    }
  }
}

export function readTxnHeader(r: JuteReader): TxnHeader {
  return {
    sessionId: r.readLong(),
    cxid: r.readInt(),
    zxid: r.readLong(),
    time: r.readSafeLong('time'),
    type: r.readInt(),
  };
}

export function encodeTxn(txn: Txn): Buffer {
  const w = new JuteWriter();
  w.writeLong(txn.sessionId).writeInt(txn.cxid).writeLong(txn.zxid).writeLong(BigInt(txn.time));
  w.writeInt(txnTypeOf(txn.body));
  writeTxnRecord(w, txn.body);
  if (txn.body.type === 'request') writeIdList(w, txn.body.authIds);
  return w.toBuffer();
}

export function decodeTxn(buf: Buffer): Txn {
  const r = new JuteReader(buf);
  const { sessionId, cxid, zxid, time, type } = readTxnHeader(r);
  const body = readTxnRecord(type, r, () => readIdList(r));
  r.done();
  return { zxid, time, sessionId, cxid, body };
}
