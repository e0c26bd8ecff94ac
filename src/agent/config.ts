// What one agent is started with (also the workerData of its worker thread), the timing numbers of
// the two profiles, the size of each agent's slice of host ports, and resource detection (Mesos's rules).
import { statfsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { ProfileName } from '../cluster/spec.js';
import { parseResourceText } from '../master/core/resources.js';
import type { Resource } from '../master/core/v1.js';
import type { ContainerizerType } from './core/protocol.js';

export interface AgentTiming {
  /** Period of the core's clock; every other number here is rounded up to whole ticks. */
  tickMs: number;
  /** First wait before an unacknowledged status update is sent again (Mesos: 10 s), doubling … */
  statusUpdateRetryMinMs: number;
  /** … up to this (Mesos: 10 min). */
  statusUpdateRetryMaxMs: number;
  /** Mesos --registration_backoff_factor: first wait before (re)registering again, doubling … */
  registrationBackoffMs: number;
  /** … up to this (Mesos: 1 min). */
  registrationBackoffMaxMs: number;
  /** Without a ping from the master for this long the agent detects the leader again (Mesos: 15 s × 5). */
  masterPingTimeoutMs: number;
  /** Mesos --zk_session_timeout. */
  zkSessionTimeoutMs: number;
  /** How often processes recovered after a restart are checked for having ended. */
  processPollMs: number;
}

/**
 * `demo`: a new leading master is registered with within a few hundred milliseconds and lost
 * updates are resent after a second. `realistic`: Mesos's own defaults. `teach`: demo with the slower
 * ZooKeeper session and master pings of the teach profile.
 */
export const AGENT_TIMING: Record<ProfileName, AgentTiming> = {
  demo: {
    tickMs: 50,
    statusUpdateRetryMinMs: 1_000,
    statusUpdateRetryMaxMs: 10_000,
    registrationBackoffMs: 100,
    registrationBackoffMaxMs: 2_000,
    masterPingTimeoutMs: 1_000,
    zkSessionTimeoutMs: 1_000,
    processPollMs: 200,
  },
  realistic: {
    tickMs: 250,
    statusUpdateRetryMinMs: 10_000,
    statusUpdateRetryMaxMs: 600_000,
    registrationBackoffMs: 1_000,
    registrationBackoffMaxMs: 60_000,
    masterPingTimeoutMs: 75_000,
    zkSessionTimeoutMs: 10_000,
    processPollMs: 1_000,
  },
  teach: {
    tickMs: 50,
    statusUpdateRetryMinMs: 1_000,
    statusUpdateRetryMaxMs: 10_000,
    registrationBackoffMs: 100,
    registrationBackoffMaxMs: 2_000,
    masterPingTimeoutMs: 2_500,
    zkSessionTimeoutMs: 4_000,
    processPollMs: 200,
  },
};

/** Mesos --containerizers=docker,mesos: DOCKER tasks in Docker, every other task as a process. */
export const DEFAULT_CONTAINERIZERS: readonly ContainerizerType[] = ['docker', 'mesos'];

/** Kill grace periods when neither the kill nor the task names one (Mesos: command executor 3 s, docker executor 5 s). */
export const DEFAULT_KILL_GRACE_MS: Readonly<Record<ContainerizerType, number>> = { mesos: 3_000, docker: 5_000 };

export interface AgentWorkerConfig {
  /** Component name, e.g. `agent-1`. */
  name: string;
  /** HTTP port (`/slave(1)/state`, `/files/*`); a concrete port, since it is advertised to the master. */
  port: number;
  /** Address to bind and to publish container ports on; default 127.0.0.1. */
  host?: string;
  /** Name advertised to the master; default the bind address. */
  hostname?: string;
  /** Ports of the cluster's web servers, whose pages may drive this one (see common/request-guard.ts). */
  sitePorts?: number[];
  /** `zk://host:port,…/mesos`: where the leading master is detected. */
  zk: string;
  /** Mesos --work_dir: sandboxes under `slaves/`, the checkpoint under `meta/`. Must differ per agent. */
  workDir: string;
  /** Mesos --resources text, e.g. `cpus:2;mem:1024;disk:10000;ports:[31000-31499]`; missing cpus/mem/disk/ports are detected. */
  resources?: string;
  /** Mesos --attributes text, e.g. `rack:r1;zone:west`. */
  attributes?: string;
  timing: AgentTiming;
  /** Default DEFAULT_CONTAINERIZERS. */
  containerizers?: ContainerizerType[];
  /** JSON log file of this agent. */
  logFile: string;
}

/** Host ports of the Mesos default range start here; each agent gets its own slice of PORTS_PER_AGENT (agent-1 31000–31499, …). */
export const AGENT_PORT_BASE = 31_000;
export const PORTS_PER_AGENT = 500;

const MB = 1024 * 1024;
const GB_IN_MB = 1024;

/** Mesos: total − 1 GB when there are at least 2 GB, else half. */
function detectedMemMb(): number {
  const total = Math.floor(totalmem() / MB);
  return total >= 2 * GB_IN_MB ? total - GB_IN_MB : Math.floor(total / 2);
}

/** Mesos: size of the work dir's filesystem − 5 GB when it has at least 10 GB, else half (10 GB when unknown). */
function detectedDiskMb(workDir: string): number {
  try {
    const fs = statfsSync(workDir);
    const total = Math.floor((fs.blocks * fs.bsize) / MB);
    return total >= 10 * GB_IN_MB ? total - 5 * GB_IN_MB : Math.floor(total / 2);
  } catch {
    return 10 * GB_IN_MB;
  }
}

/** The --resources text as v1 resources, with cpus, mem, disk and ports detected when the text leaves them out. */
export function agentResources(options: { text?: string; workDir: string }): Resource[] {
  const given = parseResourceText(options.text ?? '');
  const named = new Set(given.map((r) => r.name));
  const detected: [string, () => string][] = [
    ['cpus', () => String(Math.max(1, cpus().length))],
    ['mem', () => String(detectedMemMb())],
    ['disk', () => String(detectedDiskMb(options.workDir))],
    ['ports', () => `[${AGENT_PORT_BASE}-32000]`],
  ];
  const missing = detected.filter(([name]) => !named.has(name)).map(([name, value]) => `${name}:${value()}`);
  return [...given, ...parseResourceText(missing.join(';'))];
}
