// Applies txns to a ReplicatedState with consecutive zxids, for the tree tests.
import type { ACL, Id, WriteRequest } from '../../../src/ensemble/wire/records.js';
import { ReplicatedState, type ApplyResult } from '../../../src/ensemble/core/tree/state.js';
import type { TxnBody } from '../../../src/ensemble/core/txn.js';

export const OPEN_ACL: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
export const SESSION = 0x100n;

export class TreeDriver {
  time = 1_000;

  constructor(readonly state = new ReplicatedState()) {}

  txn(body: TxnBody, sessionId = SESSION): ApplyResult {
    return this.state.apply({ zxid: this.state.lastZxid + 1n, time: this.time++, sessionId, cxid: 1, body });
  }

  openSession(sessionId = SESSION, timeoutMs = 30000): void {
    this.txn({ type: 'createSession', timeoutMs, passwd: Buffer.alloc(16, 7) }, sessionId);
  }

  write(request: WriteRequest, opts: { sessionId?: bigint; authIds?: Id[] } = {}): ApplyResult {
    const authIds = opts.authIds ?? [{ scheme: 'ip', id: '127.0.0.1' }];
    return this.txn({ type: 'request', request, authIds }, opts.sessionId ?? SESSION);
  }

  create(
    path: string,
    opts: { data?: Buffer | null; flags?: number; acl?: ACL[]; sessionId?: bigint; authIds?: Id[] } = {},
  ): ApplyResult {
    const request: WriteRequest = {
      op: 'create',
      path,
      data: opts.data === undefined ? Buffer.from('x') : opts.data,
      acl: opts.acl ?? OPEN_ACL,
      flags: opts.flags ?? 0,
    };
    return this.write(request, opts);
  }

  delete(path: string, version = -1): ApplyResult {
    return this.write({ op: 'delete', path, version });
  }

  stat(path: string): NonNullable<ReturnType<ReplicatedState['exists']>> {
    const s = this.state.exists(path);
    if (s === undefined) throw new Error(`${path} missing`);
    return s;
  }
}
