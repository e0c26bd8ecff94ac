// Where a cluster lives on disk: $MINICLUSTER_HOME/<name>/ (default ~/.minicluster) with the
// cluster file, the event timeline, member data dirs, agent work dirs and per-component logs beneath it,
// all readable by their owner only (logs name task commands and environments).
import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../common/errors.js';
import { PRIVATE_DIR_MODE } from '../common/file-modes.js';

export const DEFAULT_CLUSTER_NAME = 'default';

export interface ClusterPaths {
  name: string;
  /** $MINICLUSTER_HOME: every cluster's directory is in here. */
  home: string;
  /** The cluster's own directory. */
  dir: string;
  clusterFile: string;
  eventsFile: string;
  /** The ids of the tasks the last `down` stopped, until the next `up` has read them. */
  stoppedTasksFile: string;
  logsDir: string;
  /** JSON log of a component (supervisor, zk-1, …). */
  log(component: string): string;
  /** Raw stdout/stderr of a component process (crash traces land here). */
  output(component: string): string;
  /** Data dir of ensemble member `sid`. */
  memberDataDir(sid: number): string;
  /** Mesos --work_dir of an agent (sandboxes and checkpoint). */
  agentWorkDir(agent: string): string;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The `--name` flag that selects this cluster in a suggested command ('' for the default one). */
export function nameFlag(name: string): string {
  return name === DEFAULT_CLUSTER_NAME ? '' : ` --name ${name}`;
}

export function miniclusterHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env['MINICLUSTER_HOME'];
  return configured !== undefined && configured !== '' ? configured : join(homedir(), '.minicluster');
}

export function clusterPaths(name: string, env: NodeJS.ProcessEnv = process.env): ClusterPaths {
  if (!NAME_PATTERN.test(name)) {
    throw new UserError(`invalid cluster name "${name}" (letters, digits, '.', '_' and '-', at most 64)`);
  }
  const home = miniclusterHome(env);
  const dir = join(home, name);
  const logsDir = join(dir, 'logs');
  return {
    name,
    home,
    dir,
    clusterFile: join(dir, 'cluster.json'),
    eventsFile: join(dir, 'events.jsonl'),
    stoppedTasksFile: join(dir, 'stopped-tasks.json'),
    logsDir,
    log: (component) => join(logsDir, `${component}.log`),
    output: (component) => join(logsDir, `${component}.out`),
    memberDataDir: (sid) => join(dir, `zk-${sid}`),
    agentWorkDir: (agent) => join(dir, agent),
  };
}

/** Creates the cluster's directory and its logs directory owner-only (0700), and makes older ones private too. */
export function makeClusterDir(paths: ClusterPaths): void {
  mkdirSync(paths.logsDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const dir of [paths.dir, paths.logsDir]) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** A file of this package (compiled or source tree alike: this module sits two levels down). */
export function packagePath(...segments: string[]): string {
  return join(fileURLToPath(new URL('../../', import.meta.url)), ...segments);
}
