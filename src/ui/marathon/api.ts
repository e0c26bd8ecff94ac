// The Marathon v2 calls the UI makes, relative to the page at /ui/ (so ../v2/…), and the JSON shapes
// it reads from them.
import { json } from '../common/dom.js';

const V2 = '../v2';

export interface HealthResult {
  alive: boolean;
  consecutiveFailures: number;
  lastFailure: string | null;
  lastFailureCause: string | null;
}

export interface Task {
  id: string;
  host: string;
  ports: number[];
  state: string;
  stagedAt: string;
  startedAt?: string;
  version: string;
  healthCheckResults: HealthResult[];
}

export interface TaskFailure {
  taskId: string;
  host: string;
  state: string;
  message: string;
  timestamp: string;
  version: string;
}

export interface App {
  id: string;
  instances: number;
  version: string;
  tasksRunning: number;
  tasksStaged: number;
  tasksHealthy: number;
  tasksUnhealthy: number;
  deployments: { id: string }[];
  tasks?: Task[];
  lastTaskFailure?: TaskFailure;
}

export interface DeploymentAction {
  action: string;
  app: string;
}

export interface Deployment {
  id: string;
  version: string;
  affectedApps: string[];
  steps: { actions: DeploymentAction[] }[];
  currentStep: number;
  totalSteps: number;
}

export interface QueueEntry {
  app: { id: string };
  count: number;
  delay: { timeLeftSeconds: number; overdue: boolean };
  processedOffersSummary: { rejectSummaryLaunchAttempt: { reason: string; declined: number }[] };
}

export interface DeploymentResult {
  deploymentId: string;
  version: string;
}

export interface Info {
  frameworkId?: string;
  leader?: string;
}

const appUrl = (id: string): string => `${V2}/apps${id}`;
const forceQuery = (force: boolean): string => (force ? '?force=true' : '');

export const api = {
  apps: async (): Promise<App[]> => (await json<{ apps: App[] }>(`${V2}/apps`)).apps,
  app: async (id: string): Promise<App> => (await json<{ app: App }>(appUrl(id))).app,
  /** The app definition as stored (the plain App JSON, without counts and tasks). */
  config: (id: string, version: string): Promise<Record<string, unknown>> =>
    json(`${appUrl(id)}/versions/${encodeURIComponent(version)}`),
  versions: async (id: string): Promise<string[]> =>
    (await json<{ versions: string[] }>(`${appUrl(id)}/versions`)).versions,
  deployments: (): Promise<Deployment[]> => json(`${V2}/deployments`),
  queue: async (): Promise<QueueEntry[]> => (await json<{ queue: QueueEntry[] }>(`${V2}/queue`)).queue,
  leader: async (): Promise<string> => (await json<{ leader: string }>(`${V2}/leader`)).leader,
  info: (): Promise<Info> => json(`${V2}/info`),
  create: (body: string): Promise<App> => json(`${V2}/apps`, { method: 'POST', body }),
  scale: (id: string, instances: number, force: boolean): Promise<DeploymentResult> =>
    json(`${appUrl(id)}${forceQuery(force)}`, { method: 'PUT', body: JSON.stringify({ instances }) }),
  restart: (id: string, force: boolean): Promise<DeploymentResult> =>
    json(`${appUrl(id)}/restart${forceQuery(force)}`, { method: 'POST' }),
  /** DELETE /v2/apps/{id} forces by default, so it is never refused with a lock. */
  destroy: (id: string): Promise<DeploymentResult> => json(appUrl(id), { method: 'DELETE' }),
  /** Rollback (a new deployment reverting this one), or with `force` just stop it. */
  cancelDeployment: (id: string, force: boolean): Promise<DeploymentResult | null> =>
    json(`${V2}/deployments/${encodeURIComponent(id)}${forceQuery(force)}`, { method: 'DELETE' }),
};

/** The URL the Server-Sent Events stream is read from, limited to the events that change what the UI shows. */
export function eventsUrl(types: readonly string[]): string {
  return `${V2}/events?${types.map((t) => `event_type=${encodeURIComponent(t)}`).join('&')}`;
}
