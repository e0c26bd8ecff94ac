// The znode map with its indexes (ephemerals by session, containers, TTL nodes) and the four
// mutations a txn makes; each mutation reports its watch triggers and can be undone (multi rollback).

import { EventType, type ACL } from '../../wire/records.js';
import { childNameOf, parentOf } from '../paths.js';
import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE, sharedACL } from '../acl.js';
import { ephemeralKind, packData, type ZNode } from './node.js';

/** A watch trigger caused by a committed change, in the order ZooKeeper fires them. */
export interface TreeEvent {
  path: string;
  type: number;
}

/** Undo steps of the mutations made so far, replayed in reverse to roll a multi back. */
export type UndoLog = (() => void)[];

/** Where one mutation reports to. */
export interface MutationLog {
  undo: UndoLog;
  events: TreeEvent[];
}

export interface NewNode {
  path: string;
  data: Buffer | null;
  acl: ACL[];
  ephemeralOwner: bigint;
  zxid: bigint;
  time: number;
}

export const ZOOKEEPER_PATH = '/zookeeper';
export const QUOTA_PATH = '/zookeeper/quota';
export const CONFIG_PATH = '/zookeeper/config';
const SPECIAL_PATHS: ReadonlySet<string> = new Set(['/', ZOOKEEPER_PATH, QUOTA_PATH, CONFIG_PATH]);

/** Nodes that exist from the start and can never be deleted. */
export const isSpecialPath = (path: string): boolean => SPECIAL_PATHS.has(path);

function emptyNode(acl: readonly ACL[]): ZNode {
  return {
    data: '',
    acl: sharedACL(acl),
    czxid: 0n,
    mzxid: 0n,
    pzxid: 0n,
    ctime: 0,
    mtime: 0,
    version: 0,
    aversion: 0,
    ephemeralOwner: 0n,
    creates: 0,
    children: null,
  };
}

export class DataTree {
  private readonly nodes = new Map<string, ZNode>();
  private readonly ephemerals = new Map<bigint, Set<string>>();
  private readonly containers = new Set<string>();
  private readonly ttls = new Set<string>();

  /** The tree every ZooKeeper starts with: `/`, `/zookeeper`, `/zookeeper/quota`, `/zookeeper/config`. */
  static initial(): DataTree {
    const tree = new DataTree();
    tree.insert('/', emptyNode(OPEN_ACL_UNSAFE));
    tree.insert(ZOOKEEPER_PATH, emptyNode(OPEN_ACL_UNSAFE));
    tree.insert(QUOTA_PATH, emptyNode(OPEN_ACL_UNSAFE));
    tree.insert(CONFIG_PATH, { ...emptyNode(READ_ACL_UNSAFE), aversion: -1 });
    return tree;
  }

  /** Adds a node as is (building a tree, or restoring one); its parent must be there already. */
  insert(path: string, node: ZNode): void {
    this.nodes.set(path, node);
    if (path !== '/') {
      const parent = this.parentNode(path);
      parent.children ??= new Set();
      parent.children.add(childNameOf(path));
    }
    this.index(path, node.ephemeralOwner, true);
  }

  get(path: string): ZNode | undefined {
    return this.nodes.get(path);
  }

  get size(): number {
    return this.nodes.size;
  }

  entries(): IterableIterator<[string, ZNode]> {
    return this.nodes.entries();
  }

  /** A session's ephemeral nodes, sorted. */
  ephemeralsOf(sessionId: bigint): string[] {
    return [...(this.ephemerals.get(sessionId) ?? [])].sort();
  }

  get ephemeralCount(): number {
    let n = 0;
    for (const set of this.ephemerals.values()) n += set.size;
    return n;
  }

  containerPaths(): string[] {
    return [...this.containers].sort();
  }

  ttlPaths(): string[] {
    return [...this.ttls].sort();
  }

  create(n: NewNode, log: MutationLog): ZNode {
    const parentPath = parentOf(n.path) ?? '/';
    const parent = this.parentNode(n.path);
    const saved = { creates: parent.creates, pzxid: parent.pzxid };
    const node: ZNode = {
      ...emptyNode(n.acl),
      data: packData(n.data),
      czxid: n.zxid,
      mzxid: n.zxid,
      pzxid: n.zxid,
      ctime: n.time,
      mtime: n.time,
      ephemeralOwner: n.ephemeralOwner,
    };
    this.insert(n.path, node);
    parent.creates = (parent.creates + 1) | 0;
    parent.pzxid = n.zxid;
    log.undo.push(() => {
      this.remove(n.path, node);
      parent.creates = saved.creates;
      parent.pzxid = saved.pzxid;
    });
    log.events.push(
      { path: n.path, type: EventType.NodeCreated },
      { path: parentPath, type: EventType.NodeChildrenChanged },
    );
    return node;
  }

  delete(path: string, zxid: bigint, log: MutationLog): void {
    const node = this.nodes.get(path);
    if (node === undefined) throw new Error(`delete of missing node ${path}`);
    const parentPath = parentOf(path) ?? '/';
    const parent = this.parentNode(path);
    const savedPzxid = parent.pzxid;
    this.remove(path, node);
    if (zxid > parent.pzxid) parent.pzxid = zxid;
    log.undo.push(() => {
      this.insert(path, node);
      parent.pzxid = savedPzxid;
    });
    log.events.push({ path, type: EventType.NodeDeleted }, { path: parentPath, type: EventType.NodeChildrenChanged });
  }

  setData(
    node: ZNode,
    change: { path: string; data: Buffer | null; version: number; zxid: bigint; time: number },
    log: MutationLog,
  ): void {
    const saved = { data: node.data, version: node.version, mzxid: node.mzxid, mtime: node.mtime };
    node.data = packData(change.data);
    node.version = change.version;
    node.mzxid = change.zxid;
    node.mtime = change.time;
    log.undo.push(() => Object.assign(node, saved));
    log.events.push({ path: change.path, type: EventType.NodeDataChanged });
  }

  setACL(node: ZNode, acl: readonly ACL[], aversion: number, log: MutationLog): void {
    const saved = { acl: node.acl, aversion: node.aversion };
    node.acl = sharedACL(acl);
    node.aversion = aversion;
    log.undo.push(() => Object.assign(node, saved));
  }

  /** Sum of path lengths and data lengths (mntr's zk_approximate_data_size). */
  approximateDataSize(): number {
    let size = 0;
    for (const [path, node] of this.nodes) size += path.length + (node.data?.length ?? 0);
    return size;
  }

  private parentNode(path: string): ZNode {
    const parent = this.nodes.get(parentOf(path) ?? '/');
    if (parent === undefined) throw new Error(`parent of ${path} is missing`);
    return parent;
  }

  private remove(path: string, node: ZNode): void {
    this.nodes.delete(path);
    const parent = this.parentNode(path);
    parent.children?.delete(childNameOf(path));
    if (parent.children?.size === 0) parent.children = null;
    this.index(path, node.ephemeralOwner, false);
  }

  private index(path: string, owner: bigint, add: boolean): void {
    const kind = ephemeralKind(owner);
    switch (kind) {
      case 'none':
        return;
      case 'container':
        this.toggle(this.containers, path, add);
        return;
      case 'ttl':
        this.toggle(this.ttls, path, add);
        return;
      case 'session': {
        const set = this.ephemerals.get(owner) ?? new Set<string>();
        this.toggle(set, path, add);
        if (set.size === 0) this.ephemerals.delete(owner);
        else this.ephemerals.set(owner, set);
        return;
      }
      default: {
        const never: never = kind;
        return never;
      }
    }
  }

  private toggle(set: Set<string>, path: string, add: boolean): void {
    if (add) set.add(path);
    else set.delete(path);
  }
}
