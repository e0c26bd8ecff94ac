// MasterInfo as Mesos writes it into its `json.info_` znodes and SUBSCRIBED events, the version this
// master claims, and reading a leader's MasterInfo back from znode data.
import { MESOS_VERSION } from '../common/build-info.js';
import type { MasterInfo } from './core/v1.js';

/** What a Mesos 1.11 master advertises. */
export const MASTER_CAPABILITIES = ['AGENT_UPDATE', 'AGENT_DRAINING', 'QUOTA_V2'] as const;

/** IPv4 in network byte order read as a little-endian integer, as Mesos stores it (127.0.0.1 → 16777343). */
export function ipToMesosInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: '${ip}'`);
  const [a = 0, b = 0, c = 0, d = 0] = parts;
  return (a | (b << 8) | (c << 16) | (d << 24)) >>> 0;
}

export interface MasterInfoOptions {
  id: string;
  ip: string;
  port: number;
  hostname: string;
}

export function masterInfo(o: MasterInfoOptions): MasterInfo {
  return {
    id: o.id,
    ip: ipToMesosInt(o.ip),
    port: o.port,
    pid: `master@${o.ip}:${o.port}`,
    hostname: o.hostname,
    version: MESOS_VERSION,
    address: { hostname: o.hostname, ip: o.ip, port: o.port },
    capabilities: MASTER_CAPABILITIES.map((type) => ({ type })),
  };
}

/** `http://host:port` of a master, from its address (falling back to hostname). */
export function masterUrl(info: MasterInfo): string {
  const host = info.address?.ip ?? info.address?.hostname ?? info.hostname ?? '127.0.0.1';
  return `http://${host}:${info.address?.port ?? info.port}`;
}

/** The MasterInfo JSON of a `json.info_` znode, or null when it is not one. */
export function parseMasterInfo(data: Buffer | null): MasterInfo | null {
  if (data === null) return null;
  try {
    const value = JSON.parse(data.toString('utf8')) as Partial<MasterInfo> | null;
    if (typeof value?.id !== 'string' || typeof value.port !== 'number' || typeof value.ip !== 'number') return null;
    return value as MasterInfo;
  } catch {
    return null;
  }
}
