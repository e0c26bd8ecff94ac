// ReplicatedState: everything a txn changes — the data tree and the table of live sessions — with
// deterministic txn application, the reads a server answers locally, snapshots and a digest.

import { createHash } from 'node:crypto';
import { Err, Perms, type ACL, type ClientResponse, type Id, type Stat } from '../../wire/records.js';
import type { SnapshotData, SnapshotNode } from '../../wire/snapshot.js';
import { checkACL, redactDigests, sharedACL } from '../acl.js';
import type { Txn, TxnBody } from '../txn.js';
import { CONFIG_PATH, DataTree, type TreeEvent } from './data-tree.js';
import { childCount, packData, statOf, ttlOf, unpackData, type ZNode } from './node.js';
import { applyDeleteContainer, applyWrite, type WriteContext } from './write.js';

export type { TreeEvent } from './data-tree.js';

export interface SessionInfo {
  timeoutMs: number;
  passwd: Buffer;
}

export interface ApplyResult {
  /** The reply header's err (0 for every multi, even a failed one). */
  err: number;
  response: ClientResponse;
  /** Watch triggers, in order. */
  events: TreeEvent[];
  closedSession?: bigint;
  createdSession?: bigint;
}

/** A read's answer: the value, or the error code the reply header carries. */
export type Lookup<T> = { ok: true; value: T } | { ok: false; err: number };

const found = <T>(value: T): Lookup<T> => ({ ok: true, value });
const refused = <T>(err: number): Lookup<T> => ({ ok: false, err });

export class ReplicatedState {
  private readonly tree: DataTree;
  private readonly sessionTable = new Map<bigint, SessionInfo>();
  private zxid = 0n;

  /**
   * Without a snapshot: a fresh ZooKeeper's state (`/`, `/zookeeper`, `/zookeeper/quota`,
   * `/zookeeper/config`). A snapshot lists every parent before its children, as toSnapshot does.
   */
  constructor(snapshot?: SnapshotData) {
    if (snapshot === undefined) {
      this.tree = DataTree.initial();
      return;
    }
    this.tree = new DataTree();
    for (const n of snapshot.nodes) this.tree.insert(n.path, nodeFromSnapshot(n));
    for (const x of snapshot.sessions)
      this.sessionTable.set(x.sessionId, { timeoutMs: x.timeoutMs, passwd: Buffer.from(x.passwd) });
    this.zxid = snapshot.lastZxid;
  }

  static fromSnapshot(s: SnapshotData): ReplicatedState {
    return new ReplicatedState(s);
  }

  /** zxid of the last applied txn (or the new epoch's zxid a leader started with). */
  get lastZxid(): bigint {
    return this.zxid;
  }

  /** Node count as srvr/mntr report it (ZooKeeper's map holds the root under two keys). */
  get nodeCount(): number {
    return this.tree.size + 1;
  }

  get sessions(): ReadonlyMap<bigint, SessionInfo> {
    return this.sessionTable;
  }

  get ephemeralCount(): number {
    return this.tree.ephemeralCount;
  }

  get approximateDataSize(): number {
    return this.tree.approximateDataSize();
  }

  /** A new leader moves its zxid to `epoch << 32` before the epoch's first txn. */
  advanceLastZxid(zxid: bigint): void {
    if (zxid > this.zxid) this.zxid = zxid;
  }

  /**
   * Puts the ensemble's membership text into `/zookeeper/config` (as a quorum member does at start;
   * version −1 as ZooKeeper leaves it, mzxid the config version).
   */
  setConfig(text: string, configVersion: bigint): void {
    const node = this.tree.get(CONFIG_PATH);
    if (node === undefined) throw new Error(`${CONFIG_PATH} is missing`);
    Object.assign(node, { data: packData(Buffer.from(text, 'utf8')), version: -1, mzxid: configVersion });
  }

  apply(txn: Txn): ApplyResult {
    if (txn.zxid <= this.zxid)
      throw new Error(`txn 0x${txn.zxid.toString(16)} is not after 0x${this.zxid.toString(16)}`);
    this.zxid = txn.zxid;
    return this.applyBody(txn, txn.body);
  }

  private applyBody(txn: Txn, body: TxnBody): ApplyResult {
    switch (body.type) {
      case 'createSession':
        this.sessionTable.set(txn.sessionId, { timeoutMs: body.timeoutMs, passwd: Buffer.from(body.passwd) });
        return { err: Err.Ok, response: { kind: 'empty' }, events: [], createdSession: txn.sessionId };
      case 'closeSession':
        return this.closeSession(txn);
      case 'request':
        return applyWrite(body.request, this.writeContext(txn, body.authIds));
      case 'deleteContainer':
        return applyDeleteContainer(body.path, this.writeContext(txn, []));
      case 'error':
        return { err: body.err, response: { kind: 'empty' }, events: [] };
      default: {
        const never: never = body;
        return never;
      }
    }
  }

  /** Ends a session: its ephemerals go in this same txn (their delete watches fire). */
  private closeSession(txn: Txn): ApplyResult {
    if (!this.sessionTable.delete(txn.sessionId)) return { err: Err.Ok, response: { kind: 'empty' }, events: [] };
    const log = { undo: [], events: [] as TreeEvent[] };
    for (const path of this.tree.ephemeralsOf(txn.sessionId)) this.tree.delete(path, txn.zxid, log);
    return { err: Err.Ok, response: { kind: 'empty' }, events: log.events, closedSession: txn.sessionId };
  }

  private writeContext(txn: Txn, authIds: readonly Id[]): WriteContext {
    const sessionAlive = this.sessionTable.has(txn.sessionId);
    return { tree: this.tree, sessionId: txn.sessionId, sessionAlive, authIds, zxid: txn.zxid, time: txn.time };
  }

  // ---- reads (answered from this replica) ----

  /** exists: no ACL check. */
  exists(path: string): Stat | undefined {
    const node = this.readNode(path);
    return node === undefined ? undefined : statOf(node);
  }

  getData(path: string, authIds: readonly Id[]): Lookup<{ data: Buffer | null; stat: Stat }> {
    return this.readable(path, Perms.READ, authIds, (n) => ({ data: unpackData(n.data), stat: statOf(n) }));
  }

  /** Child names, sorted. */
  getChildren(path: string, authIds: readonly Id[]): Lookup<{ children: string[]; stat: Stat }> {
    return this.readable(path, Perms.READ, authIds, (n) => ({
      children: [...(n.children ?? [])].sort(),
      stat: statOf(n),
    }));
  }

  /** Needs READ or ADMIN; without ADMIN digest hashes show as `user:x`. */
  getACL(path: string, authIds: readonly Id[]): Lookup<{ acl: ACL[]; stat: Stat }> {
    return this.readable(path, Perms.READ | Perms.ADMIN, authIds, (n) => ({
      acl: checkACL(n.acl, Perms.ADMIN, authIds)
        ? n.acl.map((a) => ({ perms: a.perms, id: { ...a.id } }))
        : redactDigests(n.acl),
      stat: statOf(n),
    }));
  }

  /** Number of all descendants of `path`. */
  getAllChildrenNumber(path: string, authIds: readonly Id[]): Lookup<number> {
    return this.readable(path, Perms.READ, authIds, () => this.descendantCount(path));
  }

  /** The session's ephemeral paths starting with `prefix` (all of them for an empty or `/` prefix). */
  getEphemerals(sessionId: bigint, prefix: string): string[] {
    const all = this.tree.ephemeralsOf(sessionId);
    const p = prefix.trim();
    return p === '' || p === '/' ? all : all.filter((path) => path.startsWith(prefix));
  }

  /** For "" every node counts, the root too (ZooKeeper counts the keys below "", the root's "/" among them). */
  private descendantCount(path: string): number {
    if (path === '/') return this.tree.size - 1;
    let n = 0;
    for (const [p] of this.tree.entries()) if (p.startsWith(`${path}/`)) n++;
    return n;
  }

  /** The node a read of `path` finds: ZooKeeper's tree holds the root under "" too, so a read of "" is the root's. */
  private readNode(path: string): ZNode | undefined {
    return this.tree.get(path === '' ? '/' : path);
  }

  private readable<T>(path: string, perm: number, authIds: readonly Id[], read: (n: ZNode) => T): Lookup<T> {
    const node = this.readNode(path);
    if (node === undefined) return refused(Err.NoNode);
    return checkACL(node.acl, perm, authIds) ? found(read(node)) : refused(Err.NoAuth);
  }

  // ---- housekeeping ----

  /** Empty containers that once had a child, and childless TTL nodes whose TTL passed since mtime. */
  containersToDelete(now: number): string[] {
    const containers = this.tree.containerPaths().filter((p) => {
      const n = this.tree.get(p);
      return n !== undefined && childCount(n) === 0 && n.creates > 0;
    });
    const ttls = this.tree.ttlPaths().filter((p) => {
      const n = this.tree.get(p);
      if (n === undefined || childCount(n) > 0) return false;
      const ttl = ttlOf(n.ephemeralOwner);
      return ttl !== 0n && BigInt(now - n.mtime) > ttl;
    });
    return [...containers, ...ttls];
  }

  // ---- snapshots and comparison ----

  /**
   * The state at this zxid, nodes in the tree's order (every parent before its children). Cheap
   * enough to take between two txns: it shares the nodes' packed data and ACL lists, which the tree
   * replaces on change and never modifies in place.
   */
  toSnapshot(): SnapshotData {
    const nodes: SnapshotNode[] = [];
    for (const [path, n] of this.tree.entries()) {
      const stat = statOf(n);
      stat.ephemeralOwner = n.ephemeralOwner;
      nodes.push({ path, data: n.data, acl: n.acl, stat, storedCversion: n.creates });
    }
    const sessions = [...this.sessionTable.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([sessionId, s]) => ({ sessionId, timeoutMs: s.timeoutMs, passwd: Buffer.from(s.passwd) }));
    return { lastZxid: this.zxid, nodes, sessions };
  }

  /** A stable hash of the whole state (nodes, sessions, last zxid): equal on members that applied the same txns. */
  digest(): string {
    const hash = createHash('sha256');
    const s = this.toSnapshot();
    hash.update(`zxid ${s.lastZxid}\n`);
    for (const n of s.nodes.sort(byPath)) {
      const st = n.stat;
      const acl = n.acl.map((a) => `${a.perms}:${a.id.scheme}:${a.id.id}`).join(',');
      hash.update(
        `${n.path}\0${n.data === null ? '-' : Buffer.from(n.data, 'latin1').toString('hex')}\0${acl}\0` +
          `${st.czxid} ${st.mzxid} ${st.pzxid} ${st.ctime} ${st.mtime} ${st.version} ${st.aversion} ` +
          `${st.ephemeralOwner} ${n.storedCversion}\n`,
      );
    }
    for (const x of s.sessions) hash.update(`session ${x.sessionId} ${x.timeoutMs} ${x.passwd.toString('hex')}\n`);
    return hash.digest('hex');
  }
}

function nodeFromSnapshot(n: SnapshotNode): ZNode {
  return {
    data: n.data,
    acl: sharedACL(n.acl),
    czxid: n.stat.czxid,
    mzxid: n.stat.mzxid,
    pzxid: n.stat.pzxid,
    ctime: n.stat.ctime,
    mtime: n.stat.mtime,
    version: n.stat.version,
    aversion: n.stat.aversion,
    ephemeralOwner: n.stat.ephemeralOwner,
    creates: n.storedCversion,
    children: null,
  };
}

/** A stable order for digests. */
const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
