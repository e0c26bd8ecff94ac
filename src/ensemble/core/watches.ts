// One member's watches, keyed by client connection: one-shot data/exist/child watches and
// persistent / persistent-recursive ones, how committed changes trigger them, and their restoration
// after a reconnect (setWatches/setWatches2), following ZooKeeper's WatchManager.

import {
  AddWatchMode,
  EventType,
  KeeperState,
  WatcherType,
  type SetWatchesReq,
  type Stat,
  type WatcherEvent,
} from '../wire/records.js';
import type { ConnId } from './effects.js';
import { selfAndAncestors } from './paths.js';

/** Watch modes a connection can hold on one path, as bits. */
const STANDARD = 1;
const PERSISTENT = 2;
const PERSISTENT_RECURSIVE = 4;

/** ZooKeeper keeps data/exist watches and child watches in two tables of this shape. */
class WatchTable {
  private readonly byPath = new Map<string, Set<ConnId>>();
  private readonly byConn = new Map<ConnId, Map<string, number>>();
  private recursive = 0;

  add(path: string, conn: ConnId, mode: number): void {
    const conns = this.byPath.get(path) ?? new Set<ConnId>();
    conns.add(conn);
    this.byPath.set(path, conns);
    const paths = this.byConn.get(conn) ?? new Map<string, number>();
    const modes = paths.get(path) ?? 0;
    if ((modes & PERSISTENT_RECURSIVE) === 0 && (mode & PERSISTENT_RECURSIVE) !== 0) this.recursive++;
    paths.set(path, modes | mode);
    this.byConn.set(conn, paths);
  }

  /**
   * The connections a change at `path` notifies: every watch on the path itself (one-shot ones are
   * used up) and, when recursive watches exist, recursive watches on its ancestors.
   */
  trigger(path: string): Set<ConnId> {
    const fired = new Set<ConnId>();
    const candidates = this.recursive > 0 ? [...selfAndAncestors(path)] : [path];
    for (const [i, p] of candidates.entries()) {
      const conns = this.byPath.get(p);
      if (conns === undefined) continue;
      for (const conn of [...conns]) {
        const paths = this.byConn.get(conn);
        const modes = paths?.get(p);
        if (paths === undefined || modes === undefined) continue;
        if (i > 0) {
          if ((modes & PERSISTENT_RECURSIVE) !== 0) fired.add(conn);
          continue;
        }
        fired.add(conn);
        const left = modes & ~STANDARD;
        if (left !== 0) paths.set(p, left);
        else this.drop(p, conn, paths, conns);
      }
    }
    return fired;
  }

  contains(path: string, conn: ConnId): boolean {
    return this.byConn.get(conn)?.has(path) ?? false;
  }

  /** Removes every mode `conn` holds on `path`; false when it held none. */
  remove(path: string, conn: ConnId): boolean {
    const paths = this.byConn.get(conn);
    const conns = this.byPath.get(path);
    if (paths === undefined || conns === undefined || !conns.has(conn)) return false;
    this.drop(path, conn, paths, conns);
    return true;
  }

  removeConnection(conn: ConnId): void {
    const paths = this.byConn.get(conn);
    if (paths === undefined) return;
    for (const path of [...paths.keys()]) {
      const conns = this.byPath.get(path);
      if (conns !== undefined) this.drop(path, conn, paths, conns);
    }
    this.byConn.delete(conn);
  }

  /** Path-watch pairs. */
  get size(): number {
    let n = 0;
    for (const paths of this.byConn.values()) n += paths.size;
    return n;
  }

  /** Connections that ever watched here (ZooKeeper keeps a connection listed until it closes). */
  byConnection(): [ConnId, string[]][] {
    return [...this.byConn].map(([conn, paths]) => [conn, [...paths.keys()]]);
  }

  byPathList(): [string, ConnId[]][] {
    return [...this.byPath].map(([path, conns]) => [path, [...conns]]);
  }

  private drop(path: string, conn: ConnId, paths: Map<string, number>, conns: Set<ConnId>): void {
    if (((paths.get(path) ?? 0) & PERSISTENT_RECURSIVE) !== 0) this.recursive--;
    paths.delete(path);
    conns.delete(conn);
    if (conns.size === 0) this.byPath.delete(path);
  }
}

export interface Notification {
  conn: ConnId;
  event: WatcherEvent;
}

const event = (type: number, path: string): WatcherEvent => ({ type, state: KeeperState.SyncConnected, path });

export class WatchManager {
  /** Data and exist watches (and persistent ones, recursive included). */
  private readonly data = new WatchTable();
  /** Child watches (and non-recursive persistent ones). */
  private readonly child = new WatchTable();

  /** getData/exists with watch=true (an exist watch on a missing node is registered too). */
  addDataWatch(path: string, conn: ConnId): void {
    this.data.add(path, conn, STANDARD);
  }

  /** getChildren/getChildren2 with watch=true. */
  addChildWatch(path: string, conn: ConnId): void {
    this.child.add(path, conn, STANDARD);
  }

  /** addWatch; false for an unknown mode. */
  addWatch(path: string, conn: ConnId, mode: number): boolean {
    switch (mode) {
      case AddWatchMode.PERSISTENT:
        this.data.add(path, conn, PERSISTENT);
        this.child.add(path, conn, PERSISTENT);
        return true;
      case AddWatchMode.PERSISTENT_RECURSIVE:
        this.data.add(path, conn, PERSISTENT_RECURSIVE);
        return true;
      default:
        return false;
    }
  }

  /** The notifications one committed change sends: at most one per connection. */
  trigger(path: string, type: number): Notification[] {
    let fired: Set<ConnId>;
    switch (type) {
      case EventType.NodeCreated:
      case EventType.NodeDataChanged:
        fired = this.data.trigger(path);
        break;
      case EventType.NodeChildrenChanged:
        fired = this.child.trigger(path);
        break;
      case EventType.NodeDeleted:
        fired = new Set([...this.data.trigger(path), ...this.child.trigger(path)]);
        break;
      default:
        return [];
    }
    return [...fired].map((conn) => ({ conn, event: event(type, path) }));
  }

  /**
   * Re-arms a reconnected client's watches; a change it missed since `relativeZxid` is reported at
   * once instead (data: deleted/changed, exist: created, child: deleted/children changed).
   */
  setWatches(conn: ConnId, req: SetWatchesReq, stat: (path: string) => Stat | undefined): WatcherEvent[] {
    const missed: WatcherEvent[] = [];
    for (const path of req.dataWatches) {
      const s = stat(path);
      if (s === undefined) missed.push(event(EventType.NodeDeleted, path));
      else if (s.mzxid > req.relativeZxid) missed.push(event(EventType.NodeDataChanged, path));
      else this.data.add(path, conn, STANDARD);
    }
    for (const path of req.existWatches) {
      if (stat(path) !== undefined) missed.push(event(EventType.NodeCreated, path));
      else this.data.add(path, conn, STANDARD);
    }
    for (const path of req.childWatches) {
      const s = stat(path);
      if (s === undefined) missed.push(event(EventType.NodeDeleted, path));
      else if (s.pzxid > req.relativeZxid) missed.push(event(EventType.NodeChildrenChanged, path));
      else this.child.add(path, conn, STANDARD);
    }
    for (const path of req.persistentWatches) this.addWatch(path, conn, AddWatchMode.PERSISTENT);
    for (const path of req.persistentRecursiveWatches) this.addWatch(path, conn, AddWatchMode.PERSISTENT_RECURSIVE);
    return missed;
  }

  /** checkWatches; undefined for an unknown watcher type. */
  contains(path: string, watcherType: number, conn: ConnId): boolean | undefined {
    return this.inTables(watcherType, (t) => t.contains(path, conn));
  }

  /** removeWatches (no event is sent); undefined for an unknown watcher type. */
  remove(path: string, watcherType: number, conn: ConnId): boolean | undefined {
    return this.inTables(watcherType, (t) => t.remove(path, conn));
  }

  private inTables(watcherType: number, f: (t: WatchTable) => boolean): boolean | undefined {
    switch (watcherType) {
      case WatcherType.Children:
        return f(this.child);
      case WatcherType.Data:
        return f(this.data);
      case WatcherType.Any: {
        const inChild = f(this.child);
        const inData = f(this.data);
        return inChild || inData;
      }
      default:
        return undefined;
    }
  }

  removeConnection(conn: ConnId): void {
    this.data.removeConnection(conn);
    this.child.removeConnection(conn);
  }

  /** All watches (mntr's zk_watch_count). */
  get count(): number {
    return this.data.size + this.child.size;
  }

  /** Data watches by connection, as wchs/wchc show them (child watches are not shown). */
  dataWatchesByConnection(): [ConnId, string[]][] {
    return this.data.byConnection();
  }

  /** Data watches by path, as wchs/wchp show them. */
  dataWatchesByPath(): [string, ConnId[]][] {
    return this.data.byPathList();
  }
}
