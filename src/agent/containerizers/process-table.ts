// Task processes on this host: who a pid is (its /proc start time, ps elsewhere), signalling a task's process
// group, finding every process an agent started by the marker in its environment (/proc/<pid>/environ), and
// what a process group uses (CPU times and resident memory summed over its processes, from /proc).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { execa } from 'execa';

/** A process as launched: `startTime` tells a reused pid apart from it. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** A process carrying the marker: which agent (work dir) and which container started it, and its group. */
export interface MarkedProcess extends ProcessIdentity {
  pgid: number;
  workDir: string;
  containerId: string;
}

/**
 * Set in the environment of every task process after the task's own variables, so a restarted agent (or
 * `down --purge`) recognises the processes it started even when its checkpoint never learnt their pid.
 */
export const MARKER = { workDir: 'MINICLUSTER_AGENT_WORK_DIR', containerId: 'MESOS_CONTAINER_ID' } as const;

export function markerEnvironment(o: { workDir: string; containerId: string }): Record<string, string> {
  return { [MARKER.workDir]: o.workDir, [MARKER.containerId]: o.containerId };
}

interface ProcStat {
  zombie: boolean;
  startTime: string;
}

/** The process's state and start time (null when there is no such process): /proc where there is one, else ps. */
export async function identify(pid: number): Promise<ProcStat | null> {
  return existsSync('/proc/self/stat') ? statFromProc(pid) : statFromPs(pid);
}

/** Linux: state, group and start time (clock ticks after boot) from /proc/<pid>/stat, without starting a process. */
async function statFromProc(pid: number): Promise<(ProcStat & { pgid: number }) | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // Fields after the command name (which may hold spaces and parentheses): state is the 3rd, pgrp the 5th, starttime the 22nd.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { zombie: fields[0] === 'Z', pgid: Number(fields[2]), startTime: `ticks:${fields[19] ?? ''}` };
}

async function statFromPs(pid: number): Promise<ProcStat | null> {
  const result = await execa('ps', ['-o', 'stat=,lstart=', '-p', String(pid)], { reject: false });
  const line = result.stdout.trim();
  if (result.exitCode !== 0 || line === '') return null;
  const space = line.indexOf(' ');
  return { zombie: line.startsWith('Z'), startTime: line.slice(space + 1).trim() };
}

/** Whether the process still runs (not a zombie, and not another process that reuses its pid). */
export async function isRunning(process: ProcessIdentity): Promise<boolean> {
  const found = await identify(process.pid);
  return found !== null && !found.zombie && found.startTime === process.startTime;
}

export function signalGroup(pgid: number, name: NodeJS.Signals): void {
  signal(-pgid, name);
}

/** Signals a process (a group when negative); one that is gone already is no error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** The marker in a NUL-separated environment block, or null when it is not there. */
function markerOf(environ: string): { workDir: string; containerId: string } | null {
  const vars = new Map(
    environ.split('\0').map((entry): [string, string] => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
  const workDir = vars.get(MARKER.workDir);
  const containerId = vars.get(MARKER.containerId);
  return workDir === undefined || containerId === undefined ? null : { workDir, containerId };
}

/**
 * Live processes whose marker names a work dir that `owned` accepts. Linux only: where there is no /proc
 * (or a process's environment cannot be read) nothing is found, and only checkpointed pids are known.
 */
export async function findMarkedProcesses(owned: (workDir: string) => boolean): Promise<MarkedProcess[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const found: MarkedProcess[] = [];
  for (const entry of entries.filter((name) => /^\d+$/.test(name))) {
    const marker = markerOf(await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => ''));
    if (marker === null || !owned(marker.workDir)) continue;
    const pid = Number(entry);
    const stat = await statFromProc(pid);
    if (stat !== null && !stat.zombie) found.push({ pid, pgid: stat.pgid, startTime: stat.startTime, ...marker });
  }
  return found;
}

/**
 * SIGKILLs marked processes that are still who they were: the groups they lead, then each of them (one may
 * have left its group). Resolves to the process groups signalled.
 */
export async function killMarked(processes: readonly MarkedProcess[]): Promise<Set<number>> {
  const groups = new Set<number>();
  for (const p of processes) {
    if (!(await isRunning(p))) continue;
    if (p.pgid === p.pid) signalGroup(p.pgid, 'SIGKILL');
    signal(p.pid, 'SIGKILL');
    groups.add(p.pgid);
  }
  return groups;
}

/** CPU seconds and resident bytes of a process group, summed over its live processes. */
export interface GroupUsage {
  /** User and system time, with that of the group's children that ended and were waited for. */
  userSecs: number;
  systemSecs: number;
  rssBytes: number;
}

interface SystemUnits {
  /** Clock ticks per second of /proc's CPU times. */
  ticksPerSec: number;
  pageBytes: number;
}

let units: Promise<SystemUnits> | null = null;

/** `getconf CLK_TCK` and `PAGESIZE`, asked once (Linux's usual 100 and 4096 when getconf cannot answer). */
function systemUnits(): Promise<SystemUnits> {
  const ask = async (name: string, fallback: number): Promise<number> => {
    const result = await execa('getconf', [name], { reject: false });
    const value = Number(result.stdout.trim());
    return result.exitCode === 0 && value > 0 ? value : fallback;
  };
  units ??= Promise.all([ask('CLK_TCK', 100), ask('PAGESIZE', 4096)]).then(([ticksPerSec, pageBytes]) => ({
    ticksPerSec,
    pageBytes,
  }));
  return units;
}

/**
 * What each of `pgids` uses, read from /proc in one pass (Linux only: elsewhere nothing is found). Fields of
 * /proc/<pid>/stat after the command name: pgrp 5th, utime 14th, stime 15th, cutime 16th, cstime 17th, rss 24th.
 */
export async function processGroupUsage(pgids: ReadonlySet<number>): Promise<Map<number, GroupUsage>> {
  const usage = new Map<number, GroupUsage>();
  if (pgids.size === 0) return usage;
  const { ticksPerSec, pageBytes } = await systemUnits();
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries.filter((name) => /^\d+$/.test(name))) {
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (stat === null) continue;
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const pgid = fields[2] ?? -1;
    if (!pgids.has(pgid)) continue;
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
    const sum = usage.get(pgid) ?? { userSecs: 0, systemSecs: 0, rssBytes: 0 };
    sum.userSecs += (utime + cutime) / ticksPerSec;
    sum.systemSecs += (stime + cstime) / ticksPerSec;
    sum.rssBytes += (fields[21] ?? 0) * pageBytes;
    usage.set(pgid, sum);
  }
  return usage;
}
