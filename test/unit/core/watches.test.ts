// Watch rules of reference §12: one-shot and persistent watches, what each change triggers, one
// event per connection, setWatches restoration, check/remove and the 4lw counts.
import { describe, expect, it } from 'vitest';
import { EventType, WatcherType, type SetWatchesReq, type Stat } from '../../../src/ensemble/wire/records.js';
import { WatchManager } from '../../../src/ensemble/core/watches.js';

const fired = (w: WatchManager, path: string, type: number): string[] =>
  w.trigger(path, type).map((n) => `${n.conn}:${n.event.type}:${n.event.path}:${n.event.state}`);

describe('one-shot watches', () => {
  it('fire once for data changes, with state SyncConnected', () => {
    const w = new WatchManager();
    w.addDataWatch('/a', 1);
    expect(fired(w, '/a', EventType.NodeDataChanged)).toEqual(['1:3:/a:3']);
    expect(fired(w, '/a', EventType.NodeDataChanged)).toEqual([]);
  });

  it('let an exist watch on a missing node fire NodeCreated', () => {
    const w = new WatchManager();
    w.addDataWatch('/later', 1);
    expect(fired(w, '/later', EventType.NodeCreated)).toEqual(['1:1:/later:3']);
  });

  it('send NodeChildrenChanged only to child watchers, NodeDataChanged only to data watchers', () => {
    const w = new WatchManager();
    w.addChildWatch('/p', 1);
    w.addDataWatch('/p', 2);
    expect(fired(w, '/p', EventType.NodeDataChanged)).toEqual(['2:3:/p:3']);
    expect(fired(w, '/p', EventType.NodeChildrenChanged)).toEqual(['1:4:/p:3']);
  });

  it('send NodeDeleted to data and child watchers, once per connection', () => {
    const w = new WatchManager();
    w.addDataWatch('/d', 1);
    w.addChildWatch('/d', 1);
    w.addChildWatch('/d', 2);
    expect(fired(w, '/d', EventType.NodeDeleted)).toEqual(['1:2:/d:3', '2:2:/d:3']);
    expect(w.count).toBe(0);
  });
});

describe('persistent watches', () => {
  it('stay after firing and see data and child events of their own path', () => {
    const w = new WatchManager();
    expect(w.addWatch('/p', 1, 0)).toBe(true);
    expect(fired(w, '/p', EventType.NodeDataChanged)).toHaveLength(1);
    expect(fired(w, '/p', EventType.NodeChildrenChanged)).toHaveLength(1);
    expect(fired(w, '/p', EventType.NodeDataChanged)).toHaveLength(1);
    expect(fired(w, '/p/c', EventType.NodeCreated)).toEqual([]);
  });

  it('recursive: created/changed/deleted for the path and every descendant, never NodeChildrenChanged', () => {
    const w = new WatchManager();
    w.addWatch('/b2', 1, 1);
    expect(fired(w, '/b2/p', EventType.NodeCreated)).toEqual(['1:1:/b2/p:3']);
    expect(fired(w, '/b2/p/deep', EventType.NodeDataChanged)).toEqual(['1:3:/b2/p/deep:3']);
    expect(fired(w, '/b2/p/deep', EventType.NodeDeleted)).toEqual(['1:2:/b2/p/deep:3']);
    expect(fired(w, '/b2/p', EventType.NodeChildrenChanged)).toEqual([]);
    expect(fired(w, '/b2', EventType.NodeChildrenChanged)).toEqual([]);
    expect(fired(w, '/other', EventType.NodeCreated)).toEqual([]);
  });

  it('collapse a one-shot and a recursive watch of one connection into one event', () => {
    const w = new WatchManager();
    w.addWatch('/', 1, 1);
    w.addDataWatch('/x', 1);
    expect(fired(w, '/x', EventType.NodeDataChanged)).toEqual(['1:3:/x:3']);
    expect(fired(w, '/x', EventType.NodeDataChanged)).toEqual(['1:3:/x:3']);
  });

  it('refuses an unknown mode', () => {
    expect(new WatchManager().addWatch('/p', 1, 7)).toBe(false);
  });
});

describe('checkWatches / removeWatches', () => {
  it('find and remove by watcher type; NoWatcher is false; a bad type is undefined', () => {
    const w = new WatchManager();
    w.addWatch('/b2', 1, 1);
    expect(w.contains('/b2', WatcherType.Any, 1)).toBe(true);
    expect(w.contains('/b2', WatcherType.Children, 1)).toBe(false);
    expect(w.contains('/nowatch', WatcherType.Any, 1)).toBe(false);
    expect(w.remove('/b2', WatcherType.Any, 1)).toBe(true);
    expect(fired(w, '/b2/x', EventType.NodeCreated)).toEqual([]);
    w.addDataWatch('/b2', 1);
    expect(w.remove('/b2', WatcherType.Children, 1)).toBe(false);
    expect(w.remove('/b2', WatcherType.Data, 1)).toBe(true);
    expect(w.contains('/b2', 9, 1)).toBeUndefined();
  });

  it('drop everything of a closed connection', () => {
    const w = new WatchManager();
    w.addDataWatch('/a', 1);
    w.addChildWatch('/a', 1);
    w.addDataWatch('/a', 2);
    w.removeConnection(1);
    expect(fired(w, '/a', EventType.NodeDeleted)).toEqual(['2:2:/a:3']);
  });
});

describe('setWatches', () => {
  const stats = new Map<string, Pick<Stat, 'mzxid' | 'pzxid'>>([
    ['/same', { mzxid: 5n, pzxid: 5n }],
    ['/changed', { mzxid: 9n, pzxid: 9n }],
  ]);
  const stat = (p: string): Stat | undefined => {
    const s = stats.get(p);
    return s === undefined ? undefined : ({ ...s } as Stat);
  };
  const req = (over: Partial<SetWatchesReq>): SetWatchesReq => ({
    op: 'setWatches2',
    relativeZxid: 6n,
    dataWatches: [],
    existWatches: [],
    childWatches: [],
    persistentWatches: [],
    persistentRecursiveWatches: [],
    ...over,
  });

  it('reports what was missed since relativeZxid and re-arms the rest', () => {
    const w = new WatchManager();
    const missed = w.setWatches(
      1,
      req({
        dataWatches: ['/same', '/changed', '/gone'],
        existWatches: ['/same', '/gone'],
        childWatches: ['/same', '/changed', '/gone'],
        persistentRecursiveWatches: ['/r'],
      }),
      stat,
    );
    expect(missed.map((e) => `${e.type}:${e.path}`)).toEqual([
      '3:/changed',
      '2:/gone',
      '1:/same',
      '4:/changed',
      '2:/gone',
    ]);
    expect(fired(w, '/same', EventType.NodeDataChanged)).toEqual(['1:3:/same:3']);
    expect(fired(w, '/gone', EventType.NodeCreated)).toEqual(['1:1:/gone:3']);
    expect(fired(w, '/same', EventType.NodeChildrenChanged)).toEqual(['1:4:/same:3']);
    expect(fired(w, '/r/x', EventType.NodeCreated)).toEqual(['1:1:/r/x:3']);
  });
});

describe('counts for wchs/wchc/wchp and mntr', () => {
  it('count data watches by connection and path; keep a connection listed after its watch fired', () => {
    const w = new WatchManager();
    w.addDataWatch('/q', 1);
    w.addDataWatch('/q', 2);
    w.addDataWatch('/r', 2);
    w.addChildWatch('/q', 1);
    expect(w.count).toBe(4);
    expect(w.dataWatchesByConnection()).toEqual([
      [1, ['/q']],
      [2, ['/q', '/r']],
    ]);
    expect(w.dataWatchesByPath()).toEqual([
      ['/q', [1, 2]],
      ['/r', [2]],
    ]);
    w.trigger('/q', EventType.NodeDataChanged);
    expect(w.dataWatchesByConnection()).toEqual([
      [1, []],
      [2, ['/r']],
    ]);
    expect(w.dataWatchesByPath()).toEqual([['/r', [2]]]);
  });
});
