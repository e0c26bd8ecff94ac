// What one Chronos is started with (also the workerData of its worker thread): Chronos's flags as minicluster
// sets them, and the timing of the cluster's profile.
import type { ChronosTiming } from './config.js';

export interface ChronosWorkerConfig {
  /** Component name, e.g. `chronos-1`. */
  name: string;
  /** --http_port of the REST API. */
  port: number;
  /** --hostname: address to bind and advertise; default 127.0.0.1. */
  host?: string;
  /** Ports of the cluster's web servers, whose pages may drive this one (see common/request-guard.ts). */
  sitePorts?: number[];
  /** --master: `zk://…/mesos` or `http://host:port` of a master. */
  master: string;
  /** --zk_hosts: `host:port,…` of the ensemble. */
  zkHosts: string;
  /** --zk_path: the state under `<path>/state`, the leader latch under `<path>/candidate`. */
  zkPath: string;
  /** --zk_timeout. */
  zkSessionTimeoutMs: number;
  /** --mesos_framework_name. */
  frameworkName: string;
  /** --failover_timeout. */
  failoverTimeoutSeconds: number;
  /** --user: tasks run as it unless a job says otherwise; default the user running the cluster. */
  user?: string;
  timing: ChronosTiming;
  /** JSON log file of this Chronos. */
  logFile: string;
}
