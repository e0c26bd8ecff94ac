// The watch registry: which watchers each event reaches, one-shot disarming, recursive ancestors,
// removal by kind; and connect-string parsing with its chroot mapping.
import { describe, expect, it } from 'vitest';
import { Chroot, parseConnectString } from '../../../src/ensemble/client/connect-string.js';
import { WatchRegistry, type Watcher } from '../../../src/ensemble/client/watches.js';

const named =
  (name: string, calls: string[]): Watcher =>
  () =>
    calls.push(name);

describe('WatchRegistry', () => {
  it('disarms one-shot watches as they fire and calls each watcher once per event', () => {
    const calls: string[] = [];
    const w = new WatchRegistry();
    const data = named('data', calls);
    w.add('data', '/a', data);
    w.add('exist', '/a', data);
    w.add('child', '/a', named('child', calls));
    for (const f of w.trigger({ type: 'NodeDataChanged', path: '/a' })) f({ type: 'NodeDataChanged', path: '/a' });
    expect(calls).toEqual(['data']);
    expect(w.trigger({ type: 'NodeDataChanged', path: '/a' })).toEqual([]);
    expect(w.trigger({ type: 'NodeDeleted', path: '/a' })).toHaveLength(1);
    expect(w.empty).toBe(true);
  });

  it('reaches persistent watchers of the path and recursive watchers of every ancestor', () => {
    const calls: string[] = [];
    const w = new WatchRegistry();
    w.add('persistentRecursive', '/', named('root', calls));
    w.add('persistentRecursive', '/a', named('a', calls));
    w.add('persistent', '/a/b', named('b', calls));
    w.add('persistentRecursive', '/x', named('x', calls));
    for (const f of w.trigger({ type: 'NodeCreated', path: '/a/b' })) f({ type: 'NodeCreated', path: '/a/b' });
    expect(calls.sort()).toEqual(['a', 'b', 'root']);
    expect(w.trigger({ type: 'NodeChildrenChanged', path: '/a/b' })).toHaveLength(1);
    expect(w.paths('persistentRecursive').sort()).toEqual(['/', '/a', '/x']);
  });

  it('removes watches by kind', () => {
    const w = new WatchRegistry();
    const f: Watcher = () => undefined;
    w.add('data', '/a', f);
    w.add('child', '/a', f);
    w.add('persistent', '/a', f);
    expect(w.remove('/a', 'data')).toBe(true);
    expect(w.paths('data')).toEqual([]);
    expect(w.paths('child')).toEqual(['/a']);
    expect(w.remove('/a', 'any')).toBe(true);
    expect(w.remove('/a', 'any')).toBe(false);
  });
});

describe('connect strings', () => {
  it('parses hosts, default ports, zk:// and the chroot', () => {
    expect(parseConnectString('zk://127.0.0.1:2181,h2,[::1]:2182/mesos')).toEqual({
      hosts: [
        { host: '127.0.0.1', port: 2181 },
        { host: 'h2', port: 2181 },
        { host: '::1', port: 2182 },
      ],
      chroot: '/mesos',
    });
    expect(parseConnectString('a:1/').chroot).toBe('');
    expect(() => parseConnectString('/x')).toThrow(/names no server/);
    expect(() => parseConnectString('a:1/x/')).toThrow(/bad chroot/);
  });

  it('maps paths to and from the server', () => {
    const chroot = new Chroot('/app');
    expect(chroot.toServer('/')).toBe('/app');
    expect(chroot.toServer('/x')).toBe('/app/x');
    expect(chroot.fromServer('/app')).toBe('/');
    expect(chroot.fromServer('/app/x')).toBe('/x');
    expect(chroot.fromServer('/apple')).toBe('/apple');
    expect(new Chroot('').toServer('/x')).toBe('/x');
  });
});
