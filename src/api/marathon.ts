// A typed client of the Marathon v2 REST API (ours or a real Marathon): apps, tasks, deployments,
// groups, queue, info/leader (and abdication)/ping, event callback subscriptions, the /v2/events stream
// and waiting for a deployment to finish.
import { MAX_SSE_EVENT_BYTES } from '../common/limits.js';
import { readableError } from '../ui/common/marathon-errors.js';

export type Json = Record<string, unknown>;

/** A non-2xx answer: its status and the JSON body Marathon sent (`{message, details?}`), or its text. */
export class MarathonHttpError extends Error {
  override readonly name = 'MarathonHttpError';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Marathon answered ${status}: ${messageOf(body)}`);
  }
}

/** Marathon's answer as one line in words (see ui/common/marathon-errors.ts); `force` says how to override a lock. */
export function describeMarathonError(err: MarathonHttpError, o: { force: string }): string {
  if (typeof err.body === 'string') return `Marathon answered ${err.status}: ${err.body}`;
  const { message, details } = readableError(err.body, o);
  return `${message}${details.length === 0 ? '' : ` (${details.map((d) => d.text).join('; ')})`}`;
}

function messageOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && typeof (body as Json)['message'] === 'string')
    return String((body as Json)['message']);
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export interface AppJson extends Json {
  id: string;
  instances: number;
  version: string;
}

export interface AppInfoJson extends AppJson {
  tasksStaged?: number;
  tasksRunning?: number;
  tasksHealthy?: number;
  tasksUnhealthy?: number;
  deployments?: { id: string }[];
  tasks?: TaskJson[];
}

export interface TaskJson extends Json {
  id: string;
  appId: string;
  host: string;
  ports: number[];
  state: string;
}

export interface DeploymentJson extends Json {
  id: string;
  version: string;
  affectedApps: string[];
  currentStep: number;
  totalSteps: number;
}

export interface DeploymentResult {
  deploymentId: string;
  version: string;
}

export interface MarathonEventJson extends Json {
  eventType: string;
  timestamp: string;
}

/** `{message}`: what DELETE /v2/leader answers (`Leadership abdicated`). */
export interface MessageJson {
  message: string;
}

/** GET /v2/eventSubscriptions. */
export interface CallbackUrlsJson {
  callbackUrls: string[];
}

/** What POST and DELETE /v2/eventSubscriptions answer (and put on the event bus). */
export interface SubscriptionEventJson {
  clientIp: string;
  callbackUrl: string;
  eventType: 'subscribe_event' | 'unsubscribe_event';
  timestamp: string;
}

export interface AppsQuery {
  cmd?: string;
  id?: string;
  label?: string;
  embed?: string[];
}

export interface ForceOption {
  force?: boolean;
}

export interface KillOptions extends ForceOption {
  scale?: boolean;
  wipe?: boolean;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called with the deployment on every poll while it runs. */
  onProgress?: (deployment: DeploymentJson) => void;
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

interface RequestSpec {
  method?: string;
  path: string;
  query?: Query;
  body?: unknown;
  accept?: string;
}

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

const DEFAULT_POLL_MS = 250;

export class MarathonClient {
  private readonly base: string;

  /** `url`: `http://host:port` of any Marathon instance (standbys proxy to the leader). */
  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  async apps(query: AppsQuery = {}): Promise<AppInfoJson[]> {
    return (await this.json<{ apps: AppInfoJson[] }>({ path: '/v2/apps', query: { ...query } })).apps;
  }

  async app(id: string, embed: string[] = []): Promise<AppInfoJson> {
    return (await this.json<{ app: AppInfoJson }>({ path: appPath(id), query: { embed } })).app;
  }

  /** POST /v2/apps: the created app and the id of the deployment that starts it. */
  async createApp(
    app: unknown,
    opts: ForceOption = {},
  ): Promise<{ app: AppInfoJson; deploymentId: string; warnings: string[] }> {
    const answer = await this.send<AppInfoJson>({ method: 'POST', path: '/v2/apps', body: app, query: { ...opts } });
    return { app: answer.body, deploymentId: deploymentIdOf(answer), warnings: warningsOf(answer.headers) };
  }

  /** PUT /v2/apps/{id}: update (partial by default) or create; `created` when the answer was 201. */
  async putApp(
    id: string,
    app: unknown,
    opts: ForceOption & { partialUpdate?: boolean } = {},
  ): Promise<DeploymentResult & { created: boolean; warnings: string[] }> {
    const answer = await this.send<DeploymentResult>({
      method: 'PUT',
      path: appPath(id),
      body: app,
      query: { ...opts },
    });
    return { ...answer.body, created: answer.status === 201, warnings: warningsOf(answer.headers) };
  }

  async patchApp(id: string, app: unknown, opts: ForceOption = {}): Promise<DeploymentResult> {
    return this.json({ method: 'PATCH', path: appPath(id), body: app, query: { ...opts } });
  }

  async putApps(apps: unknown[], opts: ForceOption & { partialUpdate?: boolean } = {}): Promise<DeploymentResult> {
    return this.json({ method: 'PUT', path: '/v2/apps', body: apps, query: { ...opts } });
  }

  async deleteApp(id: string, opts: ForceOption = {}): Promise<DeploymentResult> {
    return this.json({ method: 'DELETE', path: appPath(id), query: { ...opts } });
  }

  async restartApp(id: string, opts: ForceOption = {}): Promise<DeploymentResult> {
    return this.json({ method: 'POST', path: `${appPath(id)}/restart`, query: { ...opts } });
  }

  async appVersions(id: string): Promise<string[]> {
    return (await this.json<{ versions: string[] }>({ path: `${appPath(id)}/versions` })).versions;
  }

  async appTasks(id: string): Promise<TaskJson[]> {
    return (await this.json<{ tasks: TaskJson[] }>({ path: `${appPath(id)}/tasks` })).tasks;
  }

  async tasks(status?: 'running' | 'staging'): Promise<TaskJson[]> {
    return (await this.json<{ tasks: TaskJson[] }>({ path: '/v2/tasks', query: { status } })).tasks;
  }

  /** The text/plain task list (one line per app and service port). */
  async tasksText(): Promise<string> {
    return (await this.send<string>({ path: '/v2/tasks', accept: 'text/plain' })).body;
  }

  /**
   * Kills tasks by id (POST /v2/tasks/delete) or all of an app's tasks (DELETE /v2/apps/{id}/tasks,
   * optionally on one host). With `scale` the answer is the deployment that lowers `instances`.
   */
  async killTasks(
    target: string[] | { appId: string; host?: string },
    opts: KillOptions = {},
  ): Promise<{ tasks: TaskJson[] } | DeploymentResult> {
    if (Array.isArray(target))
      return this.json({ method: 'POST', path: '/v2/tasks/delete', body: { ids: target }, query: { ...opts } });
    return this.json({
      method: 'DELETE',
      path: `${appPath(target.appId)}/tasks`,
      query: { ...opts, host: target.host },
    });
  }

  async killTask(
    appId: string,
    taskId: string,
    opts: KillOptions = {},
  ): Promise<{ task: TaskJson } | DeploymentResult> {
    return this.json({
      method: 'DELETE',
      path: `${appPath(appId)}/tasks/${encodeURIComponent(taskId)}`,
      query: { ...opts },
    });
  }

  async deployments(): Promise<DeploymentJson[]> {
    return this.json({ path: '/v2/deployments' });
  }

  /** Rolls the deployment back (the rollback's result), or with force only stops it (null). */
  async cancelDeployment(id: string, opts: ForceOption = {}): Promise<DeploymentResult | null> {
    const answer = await this.send<DeploymentResult | string>({
      method: 'DELETE',
      path: `/v2/deployments/${encodeURIComponent(id)}`,
      query: { ...opts },
    });
    return typeof answer.body === 'object' ? answer.body : null;
  }

  /** GET /v2/queue; `embed: ['lastUnusedOffers']` adds each agent's last unused offer and why. */
  async queue(embed: string[] = []): Promise<Json[]> {
    return (await this.json<{ queue: Json[] }>({ path: '/v2/queue', query: { embed } })).queue;
  }

  async resetDelay(appId: string): Promise<void> {
    await this.send({ method: 'DELETE', path: `/v2/queue${absolute(appId)}/delay` });
  }

  async group(id = '/', embed: string[] = []): Promise<Json> {
    return this.json({ path: groupPath(id), query: { embed } });
  }

  async createGroup(group: unknown, opts: ForceOption = {}): Promise<DeploymentResult> {
    return this.json({ method: 'POST', path: '/v2/groups', body: group, query: { ...opts } });
  }

  async putGroup(
    id: string,
    group: unknown,
    opts: ForceOption = {},
  ): Promise<DeploymentResult & { warnings: string[] }> {
    const answer = await this.send<DeploymentResult>({
      method: 'PUT',
      path: groupPath(id),
      body: group,
      query: { ...opts },
    });
    return { ...answer.body, warnings: warningsOf(answer.headers) };
  }

  async deleteGroup(id: string, opts: ForceOption = {}): Promise<DeploymentResult> {
    return this.json({ method: 'DELETE', path: groupPath(id), query: { ...opts } });
  }

  async info(): Promise<Json> {
    return this.json({ path: '/v2/info' });
  }

  async leader(): Promise<string> {
    return (await this.json<{ leader: string }>({ path: '/v2/leader' })).leader;
  }

  /** DELETE /v2/leader: the leading scheduler steps down and a new election follows. */
  async abdicate(): Promise<MessageJson> {
    return this.json({ method: 'DELETE', path: '/v2/leader' });
  }

  async callbackUrls(): Promise<string[]> {
    return (await this.json<CallbackUrlsJson>({ path: '/v2/eventSubscriptions' })).callbackUrls;
  }

  async subscribe(callbackUrl: string): Promise<SubscriptionEventJson> {
    return this.json({ method: 'POST', path: '/v2/eventSubscriptions', query: { callbackUrl } });
  }

  async unsubscribe(callbackUrl: string): Promise<SubscriptionEventJson> {
    return this.json({ method: 'DELETE', path: '/v2/eventSubscriptions', query: { callbackUrl } });
  }

  async ping(): Promise<string> {
    return (await this.send<string>({ path: '/ping', accept: 'text/plain' })).body;
  }

  /** The /v2/events stream (optionally only some event types) until `signal` aborts or the server closes it. */
  async *events(opts: { eventTypes?: string[]; signal?: AbortSignal } = {}): AsyncGenerator<MarathonEventJson> {
    const url = this.url('/v2/events', { event_type: opts.eventTypes });
    const res = await fetch(url, {
      headers: { Accept: 'text/event-stream' },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!res.ok || res.body === null) throw new MarathonHttpError(res.status, await bodyOf(res));
    try {
      for await (const frame of sseFrames(res.body)) yield JSON.parse(frame.data) as MarathonEventJson;
    } catch (err) {
      if (opts.signal?.aborted) return;
      throw err;
    }
  }

  /** Polls /v2/deployments until `id` is gone; rejects after `timeoutMs`. */
  async waitForDeployment(id: string, opts: WaitOptions): Promise<void> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const running = (await this.deployments()).find((d) => d.id === id);
      if (running === undefined) return;
      opts.onProgress?.(running);
      if (Date.now() >= deadline) throw new Error(`deployment ${id} did not finish within ${opts.timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? DEFAULT_POLL_MS));
    }
  }

  private async json<T>(spec: RequestSpec): Promise<T> {
    return (await this.send<T>(spec)).body;
  }

  private async send<T>(spec: RequestSpec): Promise<Answer<T>> {
    const headers: Record<string, string> = { Accept: spec.accept ?? 'application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.url(spec.path, spec.query ?? {}), {
      method: spec.method ?? 'GET',
      headers,
      ...(spec.body !== undefined ? { body: JSON.stringify(spec.body) } : {}),
    });
    const body = await bodyOf(res);
    if (!res.ok) throw new MarathonHttpError(res.status, body);
    return { status: res.status, headers: res.headers, body: body as T };
  }

  private url(path: string, query: Query): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      const values = Array.isArray(value) ? value : value === undefined ? [] : [String(value)];
      for (const v of values) params.append(key, v);
    }
    const search = params.toString();
    return `${this.base}${path}${search === '' ? '' : `?${search}`}`;
  }
}

async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!(res.headers.get('content-type') ?? '').includes('json') || text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function deploymentIdOf(answer: Answer<unknown>): string {
  const id = answer.headers.get('Marathon-Deployment-Id');
  if (id === null) throw new Error('the answer has no Marathon-Deployment-Id header');
  return id;
}

/** The texts of `Warning: 299 - "…"` headers. */
export function warningsOf(headers: Headers): string[] {
  const value = headers.get('Warning');
  if (value === null) return [];
  return [...value.matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
}

function absolute(id: string): string {
  return id.startsWith('/') ? id : `/${id}`;
}

function appPath(id: string): string {
  return `/v2/apps${absolute(id)}`;
}

function groupPath(id: string): string {
  return id === '/' ? '/v2/groups' : `/v2/groups${absolute(id)}`;
}

export interface SseFrame {
  event: string;
  data: string;
}

/** Server-sent events of a byte stream; an event longer than MAX_SSE_EVENT_BYTES ends it with an error. */
export async function* sseFrames(
  stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replaceAll('\r\n', '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = parseFrame(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (frame !== undefined) yield frame;
    }
    if (buffer.length > MAX_SSE_EVENT_BYTES)
      throw new Error(`an event of the stream is longer than ${MAX_SSE_EVENT_BYTES} bytes`);
  }
}

function parseFrame(block: string): SseFrame | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const at = line.indexOf(':');
    const field = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? undefined : { event, data: data.join('\n') };
}
