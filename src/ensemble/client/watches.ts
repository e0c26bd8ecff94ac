// The client's armed watches by kind and client path: which watchers a server notification
// reaches (one-shot ones are disarmed as they fire) and what to re-arm with setWatches.
import { EventType } from '../wire/records.js';

export type WatchEventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';

export interface WatchedEvent {
  type: WatchEventType;
  path: string;
}

export type Watcher = (event: WatchedEvent) => void;

/** data: getData/exists on a present node; exist: exists on a missing node; child: getChildren. */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

/** What removeWatches takes away: data (and exist) watches, child watches, or every kind. */
export type WatcherKind = 'data' | 'children' | 'any';

const KINDS: readonly WatchKind[] = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'];
const REMOVED_BY: Record<WatcherKind, readonly WatchKind[]> = {
  data: ['data', 'exist'],
  children: ['child'],
  any: KINDS,
};

const EVENT_NAMES = new Map<number, WatchEventType>([
  [EventType.NodeCreated, 'NodeCreated'],
  [EventType.NodeDeleted, 'NodeDeleted'],
  [EventType.NodeDataChanged, 'NodeDataChanged'],
  [EventType.NodeChildrenChanged, 'NodeChildrenChanged'],
]);

/** One-shot kinds each event type disarms, and whether persistent (recursive) watchers hear it. */
const DISARMS: Record<WatchEventType, { oneShot: readonly WatchKind[]; recursive: boolean }> = {
  NodeCreated: { oneShot: ['data', 'exist'], recursive: true },
  NodeDataChanged: { oneShot: ['data', 'exist'], recursive: true },
  NodeDeleted: { oneShot: ['data', 'exist', 'child'], recursive: true },
  NodeChildrenChanged: { oneShot: ['child'], recursive: false },
};

export function eventTypeName(code: number): WatchEventType | undefined {
  return EVENT_NAMES.get(code);
}

export class WatchRegistry {
  private readonly byKind: Record<WatchKind, Map<string, Set<Watcher>>> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };

  add(kind: WatchKind, path: string, watcher: Watcher): void {
    const paths = this.table(kind);
    const watchers = paths.get(path) ?? new Set<Watcher>();
    watchers.add(watcher);
    paths.set(path, watchers);
  }

  /** The watchers a notification reaches, each once; one-shot ones are disarmed. */
  trigger(event: WatchedEvent): Watcher[] {
    const rule = DISARMS[event.type];
    const hit = new Set<Watcher>();
    for (const kind of rule.oneShot) this.take(kind, event.path, hit, true);
    this.take('persistent', event.path, hit, false);
    if (rule.recursive) {
      for (const path of selfAndAncestors(event.path)) this.take('persistentRecursive', path, hit, false);
    }
    return [...hit];
  }

  /** Disarms the watches of a kind at a path; true if there were any. */
  remove(path: string, kind: WatcherKind): boolean {
    let removed = false;
    for (const k of REMOVED_BY[kind]) removed = this.table(k).delete(path) || removed;
    return removed;
  }

  /** Armed paths per kind. */
  paths(kind: WatchKind): string[] {
    return [...this.table(kind).keys()];
  }

  get empty(): boolean {
    return KINDS.every((k) => this.table(k).size === 0);
  }

  clear(): void {
    for (const k of KINDS) this.table(k).clear();
  }

  private take(kind: WatchKind, path: string, into: Set<Watcher>, disarm: boolean): void {
    const paths = this.table(kind);
    const watchers = paths.get(path);
    if (watchers === undefined) return;
    for (const w of watchers) into.add(w);
    if (disarm) paths.delete(path);
  }

  private table(kind: WatchKind): Map<string, Set<Watcher>> {
    return this.byKind[kind];
  }
}

function* selfAndAncestors(path: string): Generator<string> {
  let p = path;
  for (;;) {
    yield p;
    if (p === '/') return;
    const cut = p.lastIndexOf('/');
    p = cut <= 0 ? '/' : p.slice(0, cut);
  }
}
