// Process facts from Linux /proc: which process listens on a TCP port, and its resident set size.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const LISTEN = '0A';

/** Socket inodes of TCP listeners (IPv4 or IPv6) on `port`. */
function listenerInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (local === undefined || fields[3] !== LISTEN) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9] !== undefined)
        inodes.add(fields[9]);
    }
  }
  return inodes;
}

function holdsSocket(pid: string, inodes: Set<string>): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => inodes.has(socketInode(`/proc/${pid}/fd/${fd}`) ?? ''));
  } catch {
    return false;
  }
}

function socketInode(fdLink: string): string | null {
  try {
    return /^socket:\[(\d+)\]$/.exec(readlinkSync(fdLink))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The process listening on TCP `port`, or null when none of this user's processes does. */
export function listenerPid(port: number): number | null {
  const inodes = listenerInodes(port);
  if (inodes.size === 0) return null;
  const pid = readdirSync('/proc').find((entry) => /^\d+$/.test(entry) && holdsSocket(entry, inodes));
  return pid === undefined ? null : Number(pid);
}

/** VmRSS of `pid` in KiB. */
export function residentKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** The JVM options (-X…) on a process's command line. */
export function jvmOptions(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((arg) => arg.startsWith('-X'));
}
