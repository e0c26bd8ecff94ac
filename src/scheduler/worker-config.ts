// What one scheduler is started with (also the workerData of its worker thread): Marathon's flags
// as minicluster sets them, and the timing of the cluster's profile.
import type { SchedulerTiming } from './config.js';

export interface SchedulerWorkerConfig {
  /** Component name, e.g. `scheduler-1`. */
  name: string;
  /** HTTP port of the v2 API (Marathon's --http_port). */
  port: number;
  /** Address to bind and advertise; default 127.0.0.1. */
  host?: string;
  /** Ports of the cluster's web servers, whose pages may drive this one (see common/request-guard.ts). */
  sitePorts?: number[];
  /** Marathon's --local_port_min / --local_port_max; default SERVICE_PORT_MIN–SERVICE_PORT_MAX. */
  servicePorts?: { min: number; max: number };
  /** Marathon's --master: `zk://…/mesos` or `http://host:port` of a master. */
  master: string;
  /** Marathon's --zk: `zk://…/marathon` (state under `<path>/state`, election under `<path>/leader-curator`). */
  zk: string;
  zkSessionTimeoutMs: number;
  timing: SchedulerTiming;
  /** Marathon's --framework_name. */
  frameworkName: string;
  /** How long the masters keep the framework's tasks while no scheduler is subscribed (--failover_timeout). */
  failoverTimeoutSeconds: number;
  /** Run the built-in TCP load balancer on the apps' service ports. */
  loadBalancer: boolean;
  /** JSON log file of this scheduler. */
  logFile: string;
}
