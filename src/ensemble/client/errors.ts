// ZkError: a ZooKeeper error code (KeeperException.Code) raised by a client call, with the path
// it concerned and, for a failed multi, every sub-result.
import { errName } from '../wire/records.js';
import type { OpResult } from './ops.js';

export class ZkError extends Error {
  override readonly name = 'ZkError';
  readonly codeName: string;

  constructor(
    readonly code: number,
    readonly path?: string,
    /** multi only: the per-op results (0 before the failing op, its code, −2 after). */
    readonly results?: OpResult[],
  ) {
    super(`KeeperErrorCode = ${errName(code)}${path === undefined ? '' : ` for ${path}`}`);
    this.codeName = errName(code);
  }
}

/** True when `err` is a ZkError with the given code. */
export function isZkError(err: unknown, code: number): err is ZkError {
  return err instanceof ZkError && err.code === code;
}
