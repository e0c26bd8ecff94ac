// Connect strings (`h1:p1,h2:p2/chroot`, optionally `zk://`-prefixed) and the chroot that is applied
// to every path a client sends and stripped from every path it receives.

export const DEFAULT_CLIENT_PORT = 2181;

export interface HostPort {
  host: string;
  port: number;
}

export interface ConnectString {
  hosts: HostPort[];
  /** '' when there is no chroot. */
  chroot: string;
}

export function parseConnectString(text: string): ConnectString {
  const body = text.startsWith('zk://') ? text.slice('zk://'.length) : text;
  const slash = body.indexOf('/');
  const hostList = slash < 0 ? body : body.slice(0, slash);
  const chroot = slash < 0 ? '' : normaliseChroot(body.slice(slash));
  const hosts = hostList
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h.length > 0)
    .map(parseHostPort);
  if (hosts.length === 0) throw new Error(`connect string "${text}" names no server`);
  return { hosts, chroot };
}

function parseHostPort(text: string): HostPort {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) return { host: bracketed[1] ?? '', port: portOf(bracketed[2], text) };
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: text, port: DEFAULT_CLIENT_PORT };
  return { host: text.slice(0, colon), port: portOf(text.slice(colon + 1), text) };
}

function portOf(digits: string | undefined, text: string): number {
  if (digits === undefined) return DEFAULT_CLIENT_PORT;
  const port = Number(digits);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad port in "${text}"`);
  return port;
}

function normaliseChroot(path: string): string {
  if (path === '/') return '';
  if (path.endsWith('/') || path.includes('//')) throw new Error(`bad chroot "${path}"`);
  return path;
}

/** Maps client paths to server paths and back. */
export class Chroot {
  constructor(readonly prefix: string) {}

  toServer(path: string): string {
    if (this.prefix === '') return path;
    return path === '/' ? this.prefix : this.prefix + path;
  }

  fromServer(path: string): string {
    if (this.prefix === '') return path;
    if (path === this.prefix) return '/';
    return path.startsWith(`${this.prefix}/`) ? path.slice(this.prefix.length) : path;
  }
}
