// Typed client of the supervisor's control API (see src/cluster/control.ts).
import { UserError, errorMessage } from '../common/errors.js';
import { requireRunning } from '../cluster/cluster-file.js';
import type { StartChoice } from '../cluster/core/start-choice.js';
import type { TimelineEvent } from '../cluster/core/timeline.js';
import type { ClusterPaths } from '../cluster/paths.js';
import type { ElectionRecord, ElectionSummary } from '../common/election-record.js';
import type { ClusterStatus, KillResult, StartResult } from '../cluster/status.js';

export interface EventsOptions {
  /** Only events with a greater seq. */
  after?: number;
  /** Keep the stream open and yield new events as they happen. */
  follow?: boolean;
  signal?: AbortSignal;
}

export class ControlClient {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** The client of a running cluster; a stopped one is a UserError. */
  static forCluster(paths: ClusterPaths): ControlClient {
    const { supervisor } = requireRunning(paths);
    return new ControlClient(supervisor.controlUrl, supervisor.token);
  }

  status(): Promise<ClusterStatus> {
    return this.call('GET', '/status');
  }

  kill(name: string): Promise<KillResult> {
    return this.call('POST', `/kill/${encodeURIComponent(name)}`);
  }

  /** Which component `start` would bring back for this name or word (`leader`: the master killed while it led). */
  whichToStart(name: string): Promise<StartChoice> {
    return this.call('GET', `/start/${encodeURIComponent(name)}`);
  }

  start(name: string): Promise<StartResult> {
    return this.call('POST', `/start/${encodeURIComponent(name)}`);
  }

  /** The elections the supervisor keeps, newest first. */
  elections(): Promise<ElectionSummary[]> {
    return this.call('GET', '/elections');
  }

  election(id: number): Promise<ElectionRecord> {
    return this.call('GET', `/elections/${id}`);
  }

  async down(): Promise<void> {
    await this.call('POST', '/down');
  }

  async *events(options: EventsOptions = {}): AsyncGenerator<TimelineEvent> {
    const query = `?after=${options.after ?? 0}${options.follow === true ? '&follow=1' : ''}`;
    const res = await this.request('GET', `/events${query}`, options.signal);
    if (res.body === null) return;
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as TimelineEvent;
    }
  }

  private async call<T>(method: string, path: string): Promise<T> {
    return (await (await this.request(method, path)).json()) as T;
  }

  private async request(method: string, path: string, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}` },
        signal: signal ?? null,
      });
    } catch (err) {
      throw new UserError(`cannot reach the cluster supervisor at ${this.url}: ${errorMessage(err)}`);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      throw new UserError(body.error ?? `${method} ${path} answered ${res.status}`);
    }
    return res;
  }
}
