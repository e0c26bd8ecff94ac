// One znode as the replicated tree stores it (compactly: no child set while childless, data packed
// in a string), the Stat clients see of it, and the ephemeralOwner encodings of ZooKeeper's EphemeralType.

import type { ACL, Stat } from '../../wire/records.js';

/**
 * A znode's data as the tree keeps it: one latin1 char per byte, so a V8 one-byte string holding
 * exactly those bytes (about a third of the memory of a Buffer of its own, and immutable). The
 * bytes go in through packData and out through unpackData at the tree's edge; null stays null.
 */
export type PackedData = string | null;

export const packData = (bytes: Buffer | null): PackedData => (bytes === null ? null : bytes.toString('latin1'));
export const unpackData = (data: PackedData): Buffer | null => (data === null ? null : Buffer.from(data, 'latin1'));

export interface ZNode {
  data: PackedData;
  /** Never modified in place either; equal lists are often one shared list. */
  acl: readonly ACL[];
  czxid: bigint;
  mzxid: bigint;
  /** zxid of the last create/delete of a direct child. */
  pzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  aversion: number;
  /** As stored: a session id, 0, or a container/TTL marker. */
  ephemeralOwner: bigint;
  /** ZooKeeper's stored cversion: successful child creations only (drives sequential suffixes). */
  creates: number;
  /** Child names; null while there are none (most nodes are leaves). */
  children: Set<string> | null;
}

export const childCount = (node: ZNode): number => node.children?.size ?? 0;

/** Stored owner of a container (0x8000000000000000 as a signed long). */
export const CONTAINER_OWNER = BigInt.asIntN(64, 0x8000000000000000n);
const EXTENDED_MASK = 0xff00000000000000n;
const TTL_VALUE_MASK = 0x000000ffffffffffn;

export type EphemeralKind = 'none' | 'session' | 'container' | 'ttl';

export function ephemeralKind(owner: bigint): EphemeralKind {
  if (owner === 0n) return 'none';
  if (owner === CONTAINER_OWNER) return 'container';
  return (BigInt.asUintN(64, owner) & EXTENDED_MASK) === EXTENDED_MASK ? 'ttl' : 'session';
}

/** The TTL (ms) a TTL node's stored owner carries. */
export const ttlOf = (owner: bigint): bigint => BigInt.asUintN(64, owner) & TTL_VALUE_MASK;

/** What clients are shown as ephemeralOwner: containers and TTL nodes show 0. */
export const visibleOwner = (owner: bigint): bigint => (ephemeralKind(owner) === 'session' ? owner : 0n);

/** The Stat a client sees: cversion is derived as 2 × creates − numChildren (ZooKeeper's v3 semantics). */
export function statOf(node: ZNode): Stat {
  const numChildren = childCount(node);
  return {
    czxid: node.czxid,
    mzxid: node.mzxid,
    ctime: node.ctime,
    mtime: node.mtime,
    version: node.version,
    cversion: (node.creates * 2 - numChildren) | 0,
    aversion: node.aversion,
    ephemeralOwner: visibleOwner(node.ephemeralOwner),
    dataLength: node.data?.length ?? 0,
    numChildren,
    pzxid: node.pzxid,
  };
}
