// Sandbox access for /files/*: sandboxes attached at their path and at Mesos's virtual `runs/latest`;
// longest attached prefix wins, `..` is refused and the resolved path must stay inside the sandbox.
import { lstat, readdir, realpath } from 'node:fs/promises';
import { posix } from 'node:path';
import type { AgentTask } from './core/protocol.js';
import { frameworkIdOf } from './core/state.js';

export type Resolved = { kind: 'found'; path: string } | { kind: 'notFound' } | { kind: 'forbidden'; message: string };

/** Virtual path → sandbox directory, for every task with a sandbox; later tasks win `runs/latest`. */
export function attachedSandboxes(
  tasks: Iterable<AgentTask>,
  o: { workDir: string; agentId: string | null },
): Map<string, string> {
  const attached = new Map<string, string>();
  for (const task of tasks) {
    if (task.sandbox === '') continue;
    const run = `frameworks/${frameworkIdOf(task)}/executors/${task.info.task_id.value}/runs/latest`;
    attached.set(task.sandbox, task.sandbox);
    attached.set(`/${run}`, task.sandbox);
    if (o.agentId !== null) attached.set(posix.join(o.workDir, 'slaves', o.agentId, run), task.sandbox);
  }
  return attached;
}

function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

export async function resolveSandboxPath(virtual: string, attached: ReadonlyMap<string, string>): Promise<Resolved> {
  const tokens = virtual.replace(/\/+$/, '').split('/');
  if (tokens.includes('..')) return { kind: 'forbidden', message: `'${virtual}' is inaccessible: '..' is not allowed` };
  for (let n = tokens.length; n > 0; n--) {
    const root = attached.get(tokens.slice(0, n).join('/') || '/');
    if (root === undefined) continue;
    try {
      const realRoot = await realpath(root);
      const real = await realpath(posix.join(realRoot, ...tokens.slice(n)));
      return isInside(real, realRoot)
        ? { kind: 'found', path: real }
        : { kind: 'forbidden', message: `'${virtual}' is inaccessible` };
    } catch {
      return { kind: 'notFound' };
    }
  }
  return { kind: 'notFound' };
}

const PERMISSIONS = 'rwxrwxrwx';

/** `drwxr-xr-x` style, as `ls -l` and Mesos show it. */
function modeString(mode: number, kind: 'd' | 'l' | '-'): string {
  const bits = [...PERMISSIONS].map((ch, i) => ((mode >> (8 - i)) & 1 ? ch : '-')).join('');
  return kind + bits;
}

export interface FileInfo {
  path: string;
  nlink: number;
  size: number;
  mtime: number;
  mode: string;
  uid: string;
  gid: string;
}

async function fileInfo(real: string, virtual: string): Promise<FileInfo> {
  const st = await lstat(real);
  const kind = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  return {
    path: virtual,
    nlink: st.nlink,
    size: st.size,
    mtime: Math.floor(st.mtimeMs / 1000),
    mode: modeString(st.mode, kind),
    uid: String(st.uid),
    gid: String(st.gid),
  };
}

/** A directory's entries sorted by path (links listed, not followed); a file lists as itself. */
export async function browse(real: string, virtual: string): Promise<FileInfo[]> {
  const st = await lstat(real);
  if (!st.isDirectory()) return [await fileInfo(real, virtual)];
  const names = (await readdir(real)).sort();
  const base = virtual.replace(/\/+$/, '');
  return Promise.all(names.map((name) => fileInfo(posix.join(real, name), `${base}/${name}`)));
}
