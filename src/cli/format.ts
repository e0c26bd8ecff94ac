// Text output of the CLI: the status table, timeline lines and zkCli-style stat.
import { describeEvent, type TimelineEvent } from '../cluster/core/timeline.js';
import type { ClusterStatus } from '../cluster/status.js';

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
  const rows = status.ensemble.map((m) => [
    m.name,
    m.role ?? '-',
    m.state,
    m.pid === null ? '-' : String(m.pid),
    String(m.clientPort),
    String(m.quorumPort),
    String(m.electionPort),
    m.zxid ?? '-',
  ]);
  return [
    `cluster ${status.name} (profile ${status.profile}, ${status.phase}, supervisor pid ${status.supervisorPid})`,
    `zk: ${status.zk}`,
    '',
    table(['NAME', 'ROLE', 'STATE', 'PID', 'CLIENT', 'QUORUM', 'ELECTION', 'ZXID'], rows),
  ].join('\n');
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local wall-clock time with milliseconds, e.g. 14:03:07.412. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function formatEvent(event: TimelineEvent): string {
  return `${clockTime(event.at)}  ${describeEvent(event)}`;
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
