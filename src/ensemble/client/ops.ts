// Client-facing create modes, ACL lists and multi ops, and their mapping to the wire records
// (flags, op codes, default ACL; created paths in results mapped back through the chroot).
import { createHash } from 'node:crypto';
import { CreateFlags, Perms, type ACL, type CreateReq, type MultiResult, type MultiWriteOp } from '../wire/records.js';
import type { Chroot } from './connect-string.js';

export type CreateMode = 'persistent' | 'ephemeral' | 'persistent_sequential' | 'ephemeral_sequential' | 'container';

export interface CreateOptions {
  mode?: CreateMode;
  acl?: ACL[];
}

export const OPEN_ACL_UNSAFE: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];
export const READ_ACL_UNSAFE: ACL[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];
/** Every authenticated id of the creating session gets all permissions. */
export const CREATOR_ALL_ACL: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }];

/** The digest ACL id for `user:password`: `user:BASE64(SHA1("user:password"))`. */
export function digestId(user: string, password: string): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
}

const FLAGS: Record<CreateMode, number> = {
  persistent: CreateFlags.PERSISTENT,
  ephemeral: CreateFlags.EPHEMERAL,
  persistent_sequential: CreateFlags.PERSISTENT_SEQUENTIAL,
  ephemeral_sequential: CreateFlags.EPHEMERAL_SEQUENTIAL,
  container: CreateFlags.CONTAINER,
};

/** A CreateRequest: op 1 (or 15 when a Stat is wanted), containers always op 19. */
export function createRequest(
  serverPath: string,
  data: Buffer | null,
  options: CreateOptions,
  withStat: boolean,
): CreateReq {
  const mode = options.mode ?? 'persistent';
  const op = mode === 'container' ? 'createContainer' : withStat ? 'create2' : 'create';
  return { op, path: serverPath, data, acl: options.acl ?? OPEN_ACL_UNSAFE, flags: FLAGS[mode] };
}

/** A multi sub-operation; paths are client paths (the chroot is applied when sent). */
export type Op =
  | { op: 'create'; path: string; data: Buffer | null; mode?: CreateMode; acl?: ACL[] }
  | { op: 'delete'; path: string; version?: number }
  | { op: 'setData'; path: string; data: Buffer | null; version?: number }
  | { op: 'check'; path: string; version: number };

/** A multi sub-result; create paths are client paths. */
export type OpResult = MultiResult;

/** The wire record of a multi sub-operation; `path` is the op's path with the chroot applied. */
export function opToWire(op: Op, path: string): MultiWriteOp {
  switch (op.op) {
    case 'create':
      return createRequest(path, op.data, op, false);
    case 'delete':
      return { op: 'delete', path, version: op.version ?? -1 };
    case 'setData':
      return { op: 'setData', path, data: op.data, version: op.version ?? -1 };
    case 'check':
      return { op: 'check', path, version: op.version };
  }
}

export function resultFromWire(result: MultiResult, chroot: Chroot): OpResult {
  if (result.type === 'create' || result.type === 'create2') return { ...result, path: chroot.fromServer(result.path) };
  return result;
}
