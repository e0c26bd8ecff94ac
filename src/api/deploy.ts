// Deploying through the Marathon API as `minicluster deploy` does: an app (PUT, full replace, created
// when missing) or a group (PUT /v2/groups), then following the deployment until it is gone, reporting
// steps, task state changes and, again and again while it does not progress, why (see wait-reasons.ts).
import { setTimeout as delay } from 'node:timers/promises';
import { DEPLOY_REASON_REPEAT_MS } from '../common/limits.js';
import {
  type MarathonClient,
  MarathonHttpError,
  type AppInfoJson,
  type DeploymentJson,
  type DeploymentResult,
  type Json,
  type TaskJson,
} from './marathon.js';
import { waitReason, type WaitReason } from './wait-reasons.js';

export type DeployProgress =
  | { type: 'warning'; message: string }
  | { type: 'started'; deploymentId: string; apps: string[] }
  | { type: 'step'; step: number; total: number; actions: { action: string; app: string }[] }
  | { type: 'task'; task: TaskJson }
  | ({ type: 'waiting' } & WaitReason);

export interface DeployOptions {
  force: boolean;
  timeoutMs: number;
  pollMs?: number;
  /** How often a reason that has not changed is reported again; default DEPLOY_REASON_REPEAT_MS. */
  repeatMs?: number;
  onProgress(progress: DeployProgress): void;
}

export class DeployError extends Error {
  override readonly name = 'DeployError';

  /** `waiting`: why the apps of a deployment that did not finish in time wait (they stay deployed). */
  constructor(
    message: string,
    readonly waiting: readonly WaitReason[] = [],
  ) {
    super(message);
  }
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
  const watch = new DeploymentWatch(client, o.onProgress, o.repeatMs ?? DEPLOY_REASON_REPEAT_MS);
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
    if (Date.now() >= deadline) throw await timedOut(watch, { deploymentId, apps: apps ?? [], timeoutMs: o.timeoutMs });
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

/** The deployment runs on (Marathon keeps it) but `follow` gives up waiting: why each app waits, and that it stays. */
async function timedOut(
  watch: DeploymentWatch,
  o: { deploymentId: string; apps: readonly string[]; timeoutMs: number },
): Promise<DeployError> {
  const waiting = await watch.reasons(o.apps);
  const why = waiting.map((w) => `${w.app}: ${w.reason}`).join('; ');
  const stays = o.apps.length === 1 ? `${o.apps[0]} stays deployed and waits` : 'the apps stay deployed and wait';
  const late = `deployment ${o.deploymentId} did not finish within ${o.timeoutMs / 1000} s`;
  return new DeployError(`${late}${why === '' ? '' : ` (${why})`}; ${stays}`, waiting);
}

/** What changed since the last poll, reported once per change; a reason that stays is said again every `repeatMs`. */
class DeploymentWatch {
  private lastStep = 0;
  private readonly states = new Map<string, string>();
  private readonly reported = new Map<string, { kind: string; at: number }>();

  constructor(
    private readonly client: MarathonClient,
    private readonly report: (progress: DeployProgress) => void,
    private readonly repeatMs: number,
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

  /** Reports why each app does not progress when the reason changed (not its counts) or was last said repeatMs ago. */
  async explain(apps: readonly string[]): Promise<void> {
    const now = Date.now();
    for (const waiting of await this.reasons(apps)) {
      const kind = waiting.reason.replace(/\d+(\.\d+)?/g, 'N');
      const last = this.reported.get(waiting.app);
      if (last?.kind === kind && now - last.at < this.repeatMs) continue;
      this.reported.set(waiting.app, { kind, at: now });
      this.report({ type: 'waiting', ...waiting });
    }
  }

  /** Why each of the apps waits (apps that do not are left out). */
  async reasons(apps: readonly string[]): Promise<WaitReason[]> {
    if (apps.length === 0) return [];
    const queue = await this.client.queue(['lastUnusedOffers']).catch(() => []);
    const reasons = await Promise.all(
      apps.map(async (app) => {
        const info = await this.client
          .app(app, ['app.lastTaskFailure'])
          .catch((err: unknown) => (err instanceof MarathonHttpError ? null : Promise.reject(err)));
        return waitReason(
          app,
          queue.find((q) => (q['app'] as Json | undefined)?.['id'] === app),
          info,
        );
      }),
    );
    return reasons.filter((r): r is WaitReason => r !== null);
  }
}

function asObject(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DeployError('the definition must be one JSON object');
  return value as Json;
}
