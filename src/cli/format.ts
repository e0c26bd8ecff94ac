// Text output of the CLI: the status tables, timeline lines, progress lines, zkCli-style stat, task
// status updates and component log lines.
import { clockTime } from '../common/log-text.js';
import { describeEvent, seconds, type TimelineEvent } from '../cluster/core/timeline.js';
import type { ClusterStatus, KillResult, StartResult } from '../cluster/status.js';
import type { TaskStatus } from '../master/core/v1.js';
import type { UnservedPort } from '../scheduler/io/load-balancer.js';

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatStatus(status: ClusterStatus): string {
  const dash = (v: string | number | null): string => (v === null ? '-' : String(v));
  const ensemble = status.ensemble.map((m) => [
    m.name,
    dash(m.role),
    m.state,
    dash(m.pid),
    String(m.clientPort),
    String(m.quorumPort),
    String(m.electionPort),
    dash(m.zxid),
  ]);
  const masters = status.masters.map((m) => [m.name, dash(m.role), m.state, dash(m.pid), m.url]);
  const schedulers = status.schedulers.map((s) => [
    s.name,
    dash(s.role),
    s.state,
    s.subscribed ? `subscribed as ${s.frameworkId ?? '?'}` : 'not subscribed',
    s.url,
  ]);
  const chronos = (status.chronosInstances ?? []).map((c) => [
    c.name,
    dash(c.role),
    c.state,
    c.subscribed ? `subscribed as ${c.frameworkId ?? '?'}` : 'not subscribed',
    c.url,
  ]);
  // Narrow enough for 120 columns with Mesos's full agent ids: the address without its scheme, resources apart.
  const agents = status.agents.map((a) => [
    a.name,
    a.state,
    a.registered ? (a.master ?? '?') : '-',
    a.url.replace(/^https?:\/\//, ''),
    dash(a.id),
    dash(a.resources?.cpus ?? null),
    dash(a.resources?.mem ?? null),
    a.resources === null ? '-' : a.resources.ports.replace(/^\[|\]$/g, ''),
    dash(a.tasks),
  ]);
  return [
    `cluster ${status.name} (profile ${status.profile}, ${status.phase}, supervisor pid ${status.supervisorPid})`,
    ...(status.waiting === null ? [] : [`waiting: ${status.waiting}`]),
    `zk: ${status.zk}`,
    ...(status.marathon === null ? [] : [`marathon: ${status.marathon}`]),
    ...(status.chronos === null || status.chronos === undefined ? [] : [`chronos: ${status.chronos}`]),
    ...(status.dashboard === null ? [] : [`dashboard: ${status.dashboard}`]),
    ...(ensemble.length === 0
      ? []
      : ['', table(['NAME', 'ROLE', 'STATE', 'PID', 'CLIENT', 'QUORUM', 'ELECTION', 'ZXID'], ensemble)]),
    ...(masters.length === 0 ? [] : ['', table(['MASTER', 'ROLE', 'STATE', 'PID', 'URL'], masters)]),
    ...(agents.length === 0
      ? []
      : ['', table(['AGENT', 'STATE', 'MASTER', 'ADDRESS', 'ID', 'CPUS', 'MEM', 'PORTS', 'TASKS'], agents)]),
    ...(schedulers.length === 0 ? [] : ['', table(['SCHEDULER', 'ROLE', 'STATE', 'FRAMEWORK', 'URL'], schedulers)]),
    ...unservedLines(status.schedulers.flatMap((s) => s.unservedPorts)),
    ...(chronos.length === 0 ? [] : ['', table(['CHRONOS', 'ROLE', 'STATE', 'FRAMEWORK', 'URL'], chronos)]),
  ].join('\n');
}

/** One line per service port the load balancer cannot listen on, saying why (nothing when all are served). */
export function unservedLines(unserved: readonly UnservedPort[]): string[] {
  const lines = unserved.map((u) => `service port ${u.servicePort} of ${u.appId} is not served: ${u.reason}`);
  return lines.length === 0 ? [] : ['', ...lines];
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

export { clockTime, formatLogRecord } from '../common/log-text.js';

export function formatEvent(event: TimelineEvent): string {
  return `${clockTime(event.at)}  ${describeEvent(event)}`;
}

/** What a long wait is at: `starting cluster default: no master is leading yet  [1.2 s]` (no `what`: only the title and the time). */
export function progressText(title: string, what: string | null, elapsedMs: number): string {
  return `${title}${what === null ? '' : `: ${what}`}  [${seconds(elapsedMs)}]`;
}

/** A line that stays, with the time since the wait began: `step 1/2: StartApplication /web  [0.3 s]`. */
export function noteText(line: string, elapsedMs: number): string {
  return `${line}  [${seconds(elapsedMs)}]`;
}

/** The fields of a znode's Stat that `zk stat` prints. */
export interface StatFields {
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ephemeralOwner: bigint;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  dataLength: number;
  numChildren: number;
}

/** Like zkCli's `stat` (times in UTC). */
export function formatStat(stat: StatFields): string {
  const hex = (n: bigint): string => `0x${n.toString(16)}`;
  return [
    `cZxid = ${hex(stat.czxid)}`,
    `ctime = ${javaDate(stat.ctime)}`,
    `mZxid = ${hex(stat.mzxid)}`,
    `mtime = ${javaDate(stat.mtime)}`,
    `pZxid = ${hex(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = ${hex(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ].join('\n');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date#toString in UTC: `Thu Jan 01 00:00:00 UTC 1970`. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`;
}

/** One status update of a task, as `run` reports it (mesos-execute's words). */
export function formatTaskStatus(name: string, status: TaskStatus, agent: string): string {
  const why = [status.message, status.reason].filter((v) => v !== undefined && v !== '').join(', ');
  return `Received status update ${status.state} for task '${name}' on ${agent}${why === '' ? '' : ` (${why})`}`;
}

/** `killed master-2 (leading, thread of supervisor 2402) at 14:03:07.412`. */
export function formatKilled(killed: KillResult): string {
  const role = killed.role === null ? '' : `${killed.role}, `;
  return `killed ${killed.name} (${role}${whose(killed)}) at ${clockTime(killed.at)}`;
}

/** `started master-2, which was the leading master (thread of supervisor 2402)`. */
export function formatStarted(started: StartResult): string {
  return `started ${started.name}${started.was === null ? '' : `, which was ${started.was}`} (${whose(started)})`;
}

/** A process by its pid; a worker thread has none of its own, so its supervisor's is named as such. */
function whose(c: { pid: number; thread: boolean }): string {
  return c.thread ? `thread of supervisor ${c.pid}` : `pid ${c.pid}`;
}
