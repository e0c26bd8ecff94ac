// The text of the four-letter words a member answers on its client port (ZooKeeper 3.8 formats:
// ruok, srvr, stat, mntr, conf, cons, crst, srst, envi, isro, wchs, wchc, wchp, dirs).

import { hexZxid } from '../txn.js';
import type { ReplicatedState } from '../tree/state.js';
import type { WatchManager } from '../watches.js';
import type { ConnId } from '../effects.js';
import type { ClientConnection } from './connection.js';
import { javaDouble, type ServerStats } from './stats.js';

/** What the four-letter words need to know about the member around this server. */
export interface MemberInfo {
  /** null: not serving (looking, or a learner still syncing). */
  mode: 'leader' | 'follower' | 'observer' | null;
  /** mntr's zk_peer_state, e.g. "leading - broadcast". */
  peerState: string;
  zxid: bigint;
  version: string;
  serverId: number;
  clientPort: number;
  /** conf's text, as the member renders its configuration. */
  config: string;
  syncedFollowers: number;
  learners: number;
  quorumSize: number;
  /** Leader only: bytes of proposals (−1 before the first). */
  proposalSizes?: { last: number; min: number; max: number };
  dataDir: string;
  /** Bytes in the data directory, when the member measured it (dirs). */
  dataDirSize?: number;
  env: Record<string, string>;
}

export interface FourLetterView {
  info: MemberInfo;
  serving: boolean;
  state: ReplicatedState;
  stats: ServerStats;
  connections: readonly ClientConnection[];
  watches: WatchManager;
  sessionOf: (conn: ConnId) => bigint;
  uptimeMs: number;
}

const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests\n';

/** Words answered even when the server is not serving. */
const ALWAYS = new Set(['ruok', 'envi', 'isro']);

/** The answer to `word`, or null for a word this server does not implement. crst/srst reset the counters in `v`. */
export function fourLetterText(word: string, v: FourLetterView): string | null {
  if (!ALWAYS.has(word) && !v.serving && isImplemented(word)) return NOT_SERVING;
  switch (word) {
    case 'ruok':
      return 'imok';
    case 'isro':
      return v.serving ? 'rw' : 'null';
    case 'envi':
      return `Environment:\n${Object.entries(v.info.env)
        .map(([k, val]) => `${k}=${val}\n`)
        .join('')}`;
    case 'srvr':
      return summary(v, false);
    case 'stat':
      return summary(v, true);
    case 'mntr':
      return mntr(v)
        .map(([k, val]) => `${k}\t${val}\n`)
        .join('');
    case 'conf':
      return v.info.config;
    case 'cons':
      return `${v.connections.map((c) => `${connectionLine(c, false)}\n`).join('')}\n`;
    case 'crst':
      for (const c of v.connections) c.resetStats();
      return 'Connection stats reset.\n';
    case 'srst':
      v.stats.reset();
      return 'Server stats reset.\n';
    case 'wchs':
      return watchSummary(v.watches);
    case 'wchc':
      return watchesByConnection(v);
    case 'wchp':
      return watchesByPath(v);
    case 'dirs': {
      const size = v.info.dataDirSize ?? 0;
      return `datadir_size: ${size}\nlogdir_size: ${size}\n`;
    }
    default:
      return null;
  }
}

const IMPLEMENTED = new Set([
  'ruok',
  'isro',
  'envi',
  'srvr',
  'stat',
  'mntr',
  'conf',
  'cons',
  'crst',
  'srst',
  'wchs',
  'wchc',
  'wchp',
  'dirs',
]);
const isImplemented = (word: string): boolean => IMPLEMENTED.has(word);

/** Long.toHexString: two's complement for negative values. */
const hex64 = (x: bigint): string => BigInt.asUintN(64, x).toString(16);

function modeOf(v: FourLetterView): string {
  return v.info.mode ?? 'standalone';
}

function summary(v: FourLetterView, withClients: boolean): string {
  const { stats, info } = v;
  const lines = [`Zookeeper version: ${info.version}`];
  if (withClients) lines.push('Clients:', ...v.connections.map((c) => connectionLine(c, true)), '');
  lines.push(
    `Latency min/avg/max: ${stats.latency.min}/${javaDouble(stats.latency.avg)}/${stats.latency.max}`,
    `Received: ${stats.packetsReceived}`,
    `Sent: ${stats.packetsSent}`,
    `Connections: ${v.connections.length}`,
    `Outstanding: ${outstanding(v)}`,
    `Zxid: ${hexZxid(info.zxid)}`,
    `Mode: ${modeOf(v)}`,
    `Node count: ${v.state.nodeCount}`,
  );
  if (info.mode === 'leader') {
    const p = info.proposalSizes ?? { last: -1, min: -1, max: -1 };
    lines.push(`Proposal sizes last/min/max: ${p.last}/${p.min}/${p.max}`);
  }
  return `${lines.join('\n')}\n`;
}

const outstanding = (v: FourLetterView): number => v.connections.reduce((n, c) => n + c.queue.length, 0);

/** One cons/stat line; `brief` (stat) leaves out the session details. */
function connectionLine(c: ClientConnection, brief: boolean): string {
  const interest = c.phase === 'established' ? 1 : 0;
  let line = ` /${c.ip}:${c.port}[${interest}](queued=${c.queue.length},recved=${c.packetsReceived},sent=${c.packetsSent}`;
  if (!brief && c.sessionId !== 0n) {
    line += `,sid=0x${hex64(c.sessionId)},lop=${c.lastOp},est=${c.establishedAt},to=${c.timeoutMs}`;
    if (c.lastCxid >= 0) line += `,lcxid=0x${c.lastCxid.toString(16)}`;
    line += `,lzxid=0x${hex64(c.lastZxid)},lresp=${c.lastResponseTime},llat=${c.latency.last}`;
    line += `,minlat=${c.latency.min},avglat=${c.latency.avgWhole},maxlat=${c.latency.max}`;
  }
  return `${line})`;
}

function mntr(v: FourLetterView): [string, string | number][] {
  const { stats, info, state } = v;
  const leader = info.mode === 'leader';
  const p = info.proposalSizes ?? { last: -1, min: -1, max: -1 };
  const rows: [string, string | number, boolean][] = [
    ['zk_version', info.version, true],
    ['zk_server_state', modeOf(v), true],
    ['zk_peer_state', info.peerState, true],
    ['zk_ephemerals_count', state.ephemeralCount, true],
    ['zk_num_alive_connections', v.connections.length, true],
    ['zk_avg_latency', javaDouble(stats.latency.avg), true],
    ['zk_min_proposal_size', p.min, leader],
    ['zk_outstanding_requests', outstanding(v), true],
    ['zk_znode_count', state.nodeCount, true],
    ['zk_global_sessions', state.sessions.size, true],
    ['zk_non_mtls_remote_conn_count', 0, true],
    ['zk_last_client_response_size', -1, true],
    ['zk_packets_sent', stats.packetsSent, true],
    ['zk_packets_received', stats.packetsReceived, true],
    ['zk_max_proposal_size', p.max, leader],
    ['zk_max_client_response_size', -1, true],
    ['zk_synced_followers', info.syncedFollowers, leader],
    ['zk_connection_drop_probability', '0.0', true],
    ['zk_watch_count', v.watches.count, true],
    ['zk_auth_failed_count', stats.authFailed, true],
    ['zk_min_latency', stats.latency.min, true],
    ['zk_approximate_data_size', state.approximateDataSize, true],
    ['zk_last_proposal_size', p.last, leader],
    ['zk_local_sessions', 0, true],
    ['zk_uptime', v.uptimeMs, true],
    ['zk_max_latency', stats.latency.max, true],
    ['zk_outstanding_tls_handshake', 0, true],
    ['zk_learners', info.learners, leader],
    ['zk_min_client_response_size', -1, true],
    ['zk_non_mtls_local_conn_count', 0, true],
    ['zk_quorum_size', info.quorumSize, true],
    ['zk_throttled_ops', 0, true],
    ['zk_stale_requests_dropped', 0, true],
    ['zk_large_requests_rejected', 0, true],
    ['zk_connection_rejected', 0, true],
    ['zk_stale_requests', 0, true],
    ['zk_unsuccessful_handshake', stats.unsuccessfulHandshakes, true],
  ];
  return rows.filter(([, , shown]) => shown).map(([k, val]) => [k, val]);
}

function watchSummary(w: WatchManager): string {
  const byConn = w.dataWatchesByConnection();
  const total = byConn.reduce((n, [, paths]) => n + paths.length, 0);
  return `${byConn.length} connections watching ${w.dataWatchesByPath().length} paths\nTotal watches:${total}\n`;
}

function watchesByConnection(v: FourLetterView): string {
  const blocks = v.watches
    .dataWatchesByConnection()
    .map(([conn, paths]) => `0x${hex64(v.sessionOf(conn))}\n${paths.map((p) => `\t${p}\n`).join('')}`);
  return `${blocks.join('')}\n`;
}

function watchesByPath(v: FourLetterView): string {
  const blocks = v.watches
    .dataWatchesByPath()
    .map(([path, conns]) => `${path}\n${conns.map((c) => `\t0x${hex64(v.sessionOf(c))}\n`).join('')}`);
  return `${blocks.join('')}\n`;
}
