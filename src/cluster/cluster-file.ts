// The cluster file (cluster.json): the layout of the ensemble, masters and agents, and how to reach
// the running supervisor (pid, control API URL and token). Written atomically, readable only by its owner.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';
import { parseZkUrl } from '../master/zk-url.js';
import type { PortRange } from './core/layout.js';
import type { MemberRole } from './member-config.js';
import { makeClusterDir, nameFlag, type ClusterPaths } from './paths.js';
import { PRIVATE_FILE_MODE } from '../common/file-modes.js';
import type { ProfileName } from './spec.js';

export interface MemberLayout {
  name: string;
  sid: number;
  role: MemberRole;
  host: string;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
}

export interface MasterLayout {
  name: string;
  /** HTTP and agent link port. */
  port: number;
}

export interface AgentLayout {
  name: string;
  /** HTTP port (`/slave(1)/state`, `/files/*`). */
  port: number;
  /** Mesos --work_dir: sandboxes and the checkpoint. */
  workDir: string;
  /** Mesos --resources text, its own slice of the host port range included. */
  resources: string;
  /** The agent's slice of host ports (inclusive). */
  portRange: PortRange;
}

export interface SchedulerLayout {
  name: string;
  /** HTTP port of the Marathon v2 API (of the Chronos REST API, for a Chronos). */
  port: number;
}

export type SupervisorPhase = 'starting' | 'ready' | 'stopping' | 'failed' | 'stopped';

export interface SupervisorInfo {
  pid: number;
  controlUrl: string;
  token: string;
  phase: SupervisorPhase;
  /** Why the start failed, when phase is 'failed'. */
  error?: string;
  startedAt: number;
}

export interface ClusterFile {
  name: string;
  profile: ProfileName;
  /** `zk://…/mesos`: the cluster's own ensemble or the ZooKeeper given to `up --zk`. */
  zk: string;
  /** Ensemble members (none when the cluster uses a ZooKeeper that runs elsewhere). */
  members: MemberLayout[];
  masters: MasterLayout[];
  agents: AgentLayout[];
  /** Absent in files written before the scheduler was part of the cluster. */
  schedulers?: SchedulerLayout[];
  /** Absent in files written before Chronos was part of the cluster. */
  chronos?: SchedulerLayout[];
  /** The schedulers' service port range (Marathon's --local_port_min/max); absent in files written before it. */
  servicePorts?: PortRange;
  /** The supervisor's dashboard (absent in files written before it existed). */
  dashboard?: { port: number };
  /** The cluster's one Marathon address, which forwards to the leading scheduler (absent in older files). */
  marathonAddress?: { port: number };
  supervisor: SupervisorInfo;
}

export function readClusterFile(paths: ClusterPaths): ClusterFile | null {
  if (!existsSync(paths.clusterFile)) return null;
  try {
    return JSON.parse(readFileSync(paths.clusterFile, 'utf8')) as ClusterFile;
  } catch (err) {
    throw new UserError(`cannot read ${paths.clusterFile}: ${(err as Error).message}`);
  }
}

export function writeClusterFile(paths: ClusterPaths, file: ClusterFile): void {
  makeClusterDir(paths);
  const tmp = `${paths.clusterFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  renameSync(tmp, paths.clusterFile);
}

/** True while the process runs; an exited process its parent has not reaped yet (a zombie) is not alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; comm may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** The cluster file when its supervisor process is alive and starting or ready. */
export function runningCluster(paths: ClusterPaths): ClusterFile | null {
  const file = readClusterFile(paths);
  const phase = file?.supervisor.phase;
  if (file === null || phase === 'stopped' || phase === 'failed' || !isAlive(file.supervisor.pid)) return null;
  return file;
}

/** Like runningCluster, but a stopped cluster is a UserError naming the command that starts it. */
export function requireRunning(paths: ClusterPaths): ClusterFile {
  const file = runningCluster(paths);
  if (file === null) {
    throw new UserError(`cluster ${paths.name} is not running (start it with: minicluster up${nameFlag(paths.name)})`);
  }
  return file;
}

/** ZooKeeper connect string of the members, e.g. `127.0.0.1:2181,127.0.0.1:2182/mesos`. */
export function connectString(members: readonly MemberLayout[], chroot = ''): string {
  return members.map((m) => `${m.host}:${m.clientPort}`).join(',') + chroot;
}

/** The servers of a `zk://servers/path` URL, as a ZooKeeper client takes them. */
export function zkServers(file: ClusterFile): string {
  return parseZkUrl(file.zk).servers;
}

/** What the other clusters in the same home have recorded (a stopped one keeps its claim). */
export interface OtherClusters {
  /** Ports they listen on (their followers do not bind all of them). */
  ports: number[];
  /** Their agents' slices of the host port range. */
  portRanges: PortRange[];
  /** Their schedulers' service port ranges. */
  servicePortRanges: PortRange[];
}

export function otherClusters(paths: ClusterPaths): OtherClusters {
  const files = existsSync(paths.home)
    ? readdirSync(paths.home, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name !== paths.name)
        .flatMap((entry) => readOther(join(paths.home, entry.name, 'cluster.json')))
    : [];
  return {
    ports: files.flatMap((f) => [
      ...(f.members ?? []).flatMap((m) => [m.clientPort, m.quorumPort, m.electionPort]),
      ...(f.masters ?? []).map((m) => m.port),
      ...(f.agents ?? []).map((a) => a.port),
      ...(f.schedulers ?? []).map((s) => s.port),
      ...(f.chronos ?? []).map((c) => c.port),
      ...(f.dashboard === undefined ? [] : [f.dashboard.port]),
      ...(f.marathonAddress === undefined ? [] : [f.marathonAddress.port]),
    ]),
    portRanges: files.flatMap((f) => (f.agents ?? []).map((a) => a.portRange)),
    servicePortRanges: files.flatMap((f) => (f.servicePorts === undefined ? [] : [f.servicePorts])),
  };
}

/** Another cluster's file; files written before masters and agents existed lack those lists. */
function readOther(file: string): Partial<ClusterFile>[] {
  try {
    return [JSON.parse(readFileSync(file, 'utf8')) as Partial<ClusterFile>];
  } catch {
    return [];
  }
}
