// Mesos's ZooKeeper URL, `zk://[user:pass@]host1:port1,host2:port2/path`: the servers to connect to,
// the group path masters contend under (not a chroot) and optional digest credentials.
import { parseConnectString } from '../ensemble/client/index.js';

export interface ZkUrl {
  /** `host1:port1,host2:port2`, as the ZooKeeper client takes it. */
  servers: string;
  /** The group path, e.g. `/mesos`. */
  path: string;
  /** `user:pass` for the digest scheme, null without credentials. */
  digest: string | null;
}

const SCHEME = 'zk://';

export function parseZkUrl(url: string): ZkUrl {
  if (!url.startsWith(SCHEME)) throw new Error(`expected a zk:// URL, got '${url}'`);
  const body = url.slice(SCHEME.length);
  const slash = body.indexOf('/');
  if (slash < 0) throw new Error(`the zk:// URL '${url}' names no path (e.g. zk://127.0.0.1:2181/mesos)`);
  const authority = body.slice(0, slash);
  const path = body.slice(slash).replace(/\/+$/, '');
  if (path === '' || path.includes('//')) throw new Error(`bad path in the zk:// URL '${url}'`);
  const at = authority.lastIndexOf('@');
  const servers = at < 0 ? authority : authority.slice(at + 1);
  parseConnectString(servers);
  return { servers, path, digest: at < 0 ? null : authority.slice(0, at) };
}
