// Processes as /proc shows them (Linux), for tests that check what an agent left running: the live
// process groups working under a directory, found by working directory alone (not by any marker of ours).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Live (not zombie) processes working under `dir`, by process group, each with one member's working directory. */
export function processGroupsUnder(dir: string): Map<number, string> {
  const groups = new Map<number, string>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (!cwd.startsWith(`${dir}/`)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') groups.set(Number(pgrp), cwd);
    } catch {
      // Gone meanwhile, or another user's.
    }
  }
  return groups;
}
