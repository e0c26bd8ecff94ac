// What the Marathon v2 API needs from the scheduler it runs in: who leads, the leading core (to read
// and to command, with effects run persist → send before the reply), abdication, the event callbacks,
// the event bus and the flags.
import type { MarathonEvent } from '../core/model.js';
import type { ApiError, Output, SchedulerCommands, SchedulerView } from '../core/messages.js';

export type Leadership =
  | {
      leading: true;
      core: SchedulerView & SchedulerCommands;
      /** Runs a command's effects (persist, then Mesos calls, then events) and resolves with its reply. */
      run<R>(output: Output<R>): Promise<R | ApiError>;
      /** Gives up leadership (DELETE /v2/leader): the term ends and this scheduler contends again. */
      abdicate(): void;
      subscriptions: EventSubscriptions;
    }
  /** A standby: `leaderUrl` (`http://host:port`) is where requests are proxied; null while none is known. */
  | { leading: false; leaderUrl: string | null };

/** Fan-out of Marathon events to the /v2/events subscribers of this scheduler. */
export interface EventBus {
  subscribe(listener: (event: MarathonEvent) => void): () => void;
  /** For events the API itself raises (api_post_event, event_stream_attached/detached). */
  publish(event: MarathonEvent): void;
}

/** The HTTP callback URLs of /v2/eventSubscriptions; changes are stored before they resolve. */
export interface EventSubscriptions {
  callbackUrls(): string[];
  subscribe(callbackUrl: string): Promise<{ ok: true } | ApiError>;
  unsubscribe(callbackUrl: string): Promise<{ ok: true } | ApiError>;
}

/** The scheduler's flags, as `/v2/info` shows them (Marathon's names). */
export interface MarathonFlags {
  /** `zk://…/mesos` or `http://host:port` of the masters. */
  master: string;
  /** `zk://…/marathon`. */
  zk: string;
  hostname: string;
  httpPort: number;
  frameworkName: string;
  localPortMin: number;
  localPortMax: number;
  taskLaunchTimeoutMs: number;
  reconciliationIntervalMs: number;
  failoverTimeoutSeconds: number;
  zkSessionTimeoutMs: number;
  zkMaxVersions: number;
  mesosUser: string;
  mesosRole: string;
}

export interface MarathonHttpContext {
  leadership(): Leadership;
  events: EventBus;
  flags: MarathonFlags;
  /** `http://host:port` of the leading master's UI, once subscribed. */
  mesosLeaderUiUrl(): string | null;
  /** Wall clock (ms since the epoch); passed into every command. */
  now(): number;
}
