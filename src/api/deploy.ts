// Deploying through the Marathon API as `minicluster deploy` does: an app (PUT, full replace, created
// when missing) or a group (PUT /v2/groups), then following the deployment until it is gone, reporting
// steps, task state changes and, while it does not progress, why (queue, health checks, last failure).
import { setTimeout as delay } from 'node:timers/promises';
import {
  type MarathonClient,
  MarathonHttpError,
  type AppInfoJson,
  type DeploymentJson,
  type DeploymentResult,
  type Json,
  type TaskJson,
} from './marathon.js';

export type DeployProgress =
  | { type: 'warning'; message: string }
  | { type: 'started'; deploymentId: string; apps: string[] }
  | { type: 'step'; step: number; total: number; actions: { action: string; app: string }[] }
  | { type: 'task'; task: TaskJson }
  | { type: 'waiting'; app: string; reason: string };

export interface DeployOptions {
  force: boolean;
  timeoutMs: number;
  pollMs?: number;
  onProgress(progress: DeployProgress): void;
}

export class DeployError extends Error {
  override readonly name = 'DeployError';
}

const POLL_MS = 250;

/** Whether a JSON definition is a group (it lists apps or groups and is no app itself). */
export function isGroupDefinition(json: Json): boolean {
  const appLike = 'cmd' in json || 'args' in json || 'container' in json;
  return !appLike && (Array.isArray(json['apps']) || Array.isArray(json['groups']));
}

/** Creates or replaces what `definition` describes (an app or a group); resolves with the deployment and Marathon's warnings. */
export async function startDeployment(
  client: MarathonClient,
  definition: unknown,
  force: boolean,
): Promise<DeploymentResult & { warnings: string[] }> {
  const json = asObject(definition);
  const id = typeof json['id'] === 'string' ? json['id'] : '';
  if (id === '') throw new DeployError('the definition has no "id"');
  return isGroupDefinition(json)
    ? client.putGroup(id, json, { force })
    : client.putApp(id, json, { force, partialUpdate: false });
}

/** Creates or replaces what `definition` describes and waits for its deployment; resolves with the apps it touched. */
export async function deploy(client: MarathonClient, definition: unknown, o: DeployOptions): Promise<AppInfoJson[]> {
  const started = await startDeployment(client, definition, o.force);
  for (const message of started.warnings) o.onProgress({ type: 'warning', message });
  return follow(client, started.deploymentId, o);
}

/** Follows a running deployment until it is gone; resolves with the apps it touched (with their tasks). */
export async function follow(
  client: MarathonClient,
  deploymentId: string,
  o: Omit<DeployOptions, 'force'>,
): Promise<AppInfoJson[]> {
  const deadline = Date.now() + o.timeoutMs;
  const watch = new DeploymentWatch(client, o.onProgress);
  let apps: string[] | null = null;
  for (;;) {
    const running = (await client.deployments()).find((d) => d.id === deploymentId);
    if (running !== undefined && apps === null) {
      apps = running.affectedApps;
      o.onProgress({ type: 'started', deploymentId, apps });
    }
    if (running !== undefined) watch.step(running);
    await watch.tasks(apps ?? []);
    if (running === undefined) return remaining(client, apps ?? []);
    if (Date.now() >= deadline)
      throw new DeployError(
        `deployment ${deploymentId} did not finish within ${o.timeoutMs / 1000} s${await watch.why(apps ?? [])}`,
      );
    await watch.explain(apps ?? []);
    await delay(o.pollMs ?? POLL_MS);
  }
}

/** The apps that still exist (a removed one answers 404), with their tasks. */
async function remaining(client: MarathonClient, apps: readonly string[]): Promise<AppInfoJson[]> {
  const found = await Promise.all(
    apps.map((app) =>
      client
        .app(app, ['app.tasks'])
        .catch((err: unknown) => (err instanceof MarathonHttpError && err.status === 404 ? null : Promise.reject(err))),
    ),
  );
  return found.filter((a): a is AppInfoJson => a !== null);
}

/** What changed since the last poll, reported once per change. */
class DeploymentWatch {
  private lastStep = 0;
  private readonly states = new Map<string, string>();
  private readonly reasons = new Map<string, string>();

  constructor(
    private readonly client: MarathonClient,
    private readonly report: (progress: DeployProgress) => void,
  ) {}

  /** Reports every step begun since the last poll, those that began and ended between two polls too. */
  step(d: DeploymentJson): void {
    const steps = (d['steps'] as { actions: { action: string; app: string }[] }[] | undefined) ?? [];
    for (let step = this.lastStep + 1; step <= d.currentStep; step++) {
      this.report({ type: 'step', step, total: d.totalSteps, actions: steps[step - 1]?.actions ?? [] });
    }
    this.lastStep = Math.max(this.lastStep, d.currentStep);
  }

  async tasks(apps: readonly string[]): Promise<void> {
    for (const app of apps) {
      for (const task of await this.client.appTasks(app).catch(() => [])) {
        if (this.states.get(task.id) === task.state) continue;
        this.states.set(task.id, task.state);
        this.report({ type: 'task', task });
      }
    }
  }

  /** Reports a new reason an app is not progressing, once per change (not again when only its counts change). */
  async explain(apps: readonly string[]): Promise<void> {
    for (const app of apps) {
      const reason = await this.reasonFor(app);
      if (reason === null) continue;
      const kind = reason.replace(/\d+/g, 'N');
      if (this.reasons.get(app) === kind) continue;
      this.reasons.set(app, kind);
      this.report({ type: 'waiting', app, reason });
    }
  }

  async why(apps: readonly string[]): Promise<string> {
    const reasons = await Promise.all(apps.map(async (app) => ({ app, reason: await this.reasonFor(app) })));
    const text = reasons.filter((r) => r.reason !== null).map((r) => `${r.app}: ${r.reason ?? ''}`);
    return text.length === 0 ? '' : ` (${text.join('; ')})`;
  }

  private async reasonFor(appId: string): Promise<string | null> {
    const queued = (await this.client.queue().catch(() => [])).find(
      (q) => (q['app'] as Json | undefined)?.['id'] === appId,
    );
    const app = await this.client
      .app(appId, ['app.lastTaskFailure'])
      .catch((err: unknown) => (err instanceof MarathonHttpError ? null : Promise.reject(err)));
    const reasons = [queueReason(queued), healthReason(app), failureReason(app)].filter((r): r is string => r !== null);
    return reasons.length === 0 ? null : reasons.join('; ');
  }
}

function queueReason(entry: Json | undefined): string | null {
  if (entry === undefined) return null;
  const delayJson = entry['delay'] as { timeLeftSeconds?: number; overdue?: boolean } | undefined;
  if (delayJson !== undefined && delayJson.overdue === false && (delayJson.timeLeftSeconds ?? 0) > 0)
    return 'launches delayed by backoff after task failures';
  const summary = entry['processedOffersSummary'] as
    | { rejectSummaryLaunchAttempt?: { reason: string; declined: number; processed: number }[] }
    | undefined;
  const declined = (summary?.rejectSummaryLaunchAttempt ?? [])
    .filter((r) => r.declined > 0)
    .map((r) => `${r.reason} (${r.declined}/${r.processed} offers)`);
  return declined.length === 0
    ? `${String(entry['count'] ?? '?')} instance(s) waiting for offers`
    : `offers declined: ${declined.join(', ')}`;
}

function healthReason(app: AppInfoJson | null): string | null {
  const unhealthy = app?.tasksUnhealthy ?? 0;
  return unhealthy > 0 ? `${unhealthy} task(s) failing health checks` : null;
}

function failureReason(app: AppInfoJson | null): string | null {
  const failure = app?.['lastTaskFailure'] as { state?: string; message?: string; taskId?: string } | undefined;
  if (failure === undefined) return null;
  return `last task failure: ${failure.taskId ?? '?'} ${failure.state ?? ''}${failure.message === undefined || failure.message === '' ? '' : ` (${failure.message})`}`;
}

function asObject(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DeployError('the definition must be one JSON object');
  return value as Json;
}
