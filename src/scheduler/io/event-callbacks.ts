// The leading scheduler's event callbacks (/v2/eventSubscriptions): the callback URLs kept in ZooKeeper at
// `<state path>/event-subscribers` (written before a request is answered), and every bus event POSTed to them
// as JSON in the background (the core decides what goes when; a POST failing or taking longer than
// EVENT_CALLBACK_TIMEOUT_MS counts as failed), so no subscriber ever holds the scheduler up.
import { errorMessage } from '../../common/errors.js';
import {
  EVENT_CALLBACK_TIMEOUT_MS,
  MARATHON_MAX_URI_LENGTH,
  MAX_EVENT_CALLBACK_QUEUE,
  MAX_EVENT_CALLBACK_SUBSCRIBERS,
} from '../../common/limits.js';
import type { Logger } from '../../common/logging.js';
import type { ZkClient } from '../../ensemble/client/index.js';
import { CallbackSubscribers, type CallbackPost } from '../core/event-callbacks.js';
import type { ApiError } from '../core/messages.js';
import type { MarathonEvent } from '../core/model.js';
import type { EventBus, EventSubscriptions } from '../http/context.js';

export const SUBSCRIBERS_NODE = 'event-subscribers';

/** Where the callback URLs are kept. */
export interface SubscriberStore {
  load(): Promise<string[]>;
  save(urls: readonly string[]): Promise<void>;
}

/** The URLs as one znode, `{"callbackUrls": [...]}`, on the leader's session. */
export class ZkSubscriberStore implements SubscriberStore {
  private readonly path: string;

  /** `statePath`: e.g. `/marathon/state`. */
  constructor(
    private readonly client: ZkClient,
    statePath: string,
  ) {
    this.path = `${statePath}/${SUBSCRIBERS_NODE}`;
  }

  async load(): Promise<string[]> {
    await this.client.mkdirp(this.path);
    const { data } = await this.client.getData(this.path);
    if (data === null || data.length === 0) return [];
    const urls = (JSON.parse(data.toString('utf8')) as { callbackUrls?: unknown }).callbackUrls;
    return Array.isArray(urls) ? urls.filter((u): u is string => typeof u === 'string') : [];
  }

  async save(urls: readonly string[]): Promise<void> {
    await this.client.setData(this.path, Buffer.from(JSON.stringify({ callbackUrls: urls })));
  }
}

export interface EventCallbacksOptions {
  store: SubscriberStore;
  bus: EventBus;
  log: Logger;
  now(): number;
}

/** A callback URL the API accepts: http or https, at most Marathon's URI length; null when it is fine. */
function urlProblem(url: string): string | null {
  if (url.length > MARATHON_MAX_URI_LENGTH) return `callbackUrl is longer than ${MARATHON_MAX_URI_LENGTH} characters`;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? null : 'callbackUrl must be an http or https URL';
  } catch {
    return `callbackUrl is not a URL: ${url}`;
  }
}

type Answer = { ok: true } | ApiError;
const OK: Answer = { ok: true };

function refused(status: number, message: string): ApiError {
  return { ok: false, status, body: { message } };
}

export class EventCallbacks implements EventSubscriptions {
  private readonly unsubscribeBus: () => void;
  private readonly abort = new AbortController();
  /** Store writes, one after the other. */
  private writing: Promise<Answer> = Promise.resolve(OK);

  private constructor(
    private readonly options: EventCallbacksOptions,
    private readonly subscribers: CallbackSubscribers,
  ) {
    this.unsubscribeBus = options.bus.subscribe((event) => this.publish(event));
  }

  /** Reads the stored URLs, then POSTs every event of the bus to them until close(). */
  static async start(options: EventCallbacksOptions): Promise<EventCallbacks> {
    const urls = await options.store.load();
    if (urls.length > 0) options.log.info(`POSTing events to ${urls.length} callback URLs: ${urls.join(' ')}`);
    return new EventCallbacks(options, new CallbackSubscribers(urls));
  }

  callbackUrls(): string[] {
    return this.subscribers.urls();
  }

  subscribe(url: string): Promise<Answer> {
    const problem = urlProblem(url);
    if (problem !== null) return Promise.resolve(refused(422, problem));
    return this.serially(async () => {
      const outcome = this.subscribers.add(url);
      if (outcome === 'full') return refused(422, `At most ${MAX_EVENT_CALLBACK_SUBSCRIBERS} callback URLs`);
      if (outcome === 'subscribed already') {
        this.options.log.info(`Existing callback ${url} resubscribed`);
        return OK;
      }
      return this.store(`Callback ${url} subscribed`, () => this.subscribers.remove(url));
    });
  }

  unsubscribe(url: string): Promise<Answer> {
    return this.serially(async () => {
      if (this.subscribers.remove(url))
        return this.store(`Callback ${url} unsubscribed`, () => this.subscribers.add(url));
      this.options.log.warn(`Attempted to unsubscribe nonexistent callback ${url}`);
      return OK;
    });
  }

  /** Stops POSTing; POSTs under way are abandoned. */
  close(): void {
    this.unsubscribeBus();
    this.abort.abort();
  }

  /** Changes of the URLs, one at a time. */
  private serially(change: () => Promise<Answer>): Promise<Answer> {
    const done = this.writing.then(change);
    this.writing = done;
    return done;
  }

  /** Stores the URLs as they are now; a failed write undoes the change it was for. */
  private async store(changed: string, undo: () => void): Promise<Answer> {
    try {
      await this.options.store.save(this.subscribers.urls());
      this.options.log.info(changed);
      return OK;
    } catch (err) {
      undo();
      return refused(503, `Could not store the callback URLs: ${errorMessage(err)}`);
    }
  }

  private publish(event: MarathonEvent): void {
    const before = this.subscribers.dropped;
    const posts = this.subscribers.publish(event, this.options.now());
    if (this.subscribers.dropped > before)
      this.options.log.warn(
        `Dropped ${event.eventType} for a callback URL that is ${MAX_EVENT_CALLBACK_QUEUE} events behind`,
      );
    for (const post of posts) void this.post(post);
  }

  private async post({ url, event }: CallbackPost): Promise<void> {
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(EVENT_CALLBACK_TIMEOUT_MS)]),
    }).then(
      async (res) => {
        await res.body?.cancel();
        if (!res.ok)
          this.options.log.warn(`No success response for POST of ${event.eventType} to ${url}: ${res.status}`);
        return res.ok;
      },
      (err: unknown) => {
        if (!this.abort.signal.aborted)
          this.options.log.warn(`Failed to POST ${event.eventType} to ${url}: ${errorMessage(err)}`);
        return false;
      },
    );
    if (this.abort.signal.aborted) return;
    const next = this.subscribers.delivered(url, ok, this.options.now());
    if (next.backoffMs !== undefined)
      this.options.log.warn(`No events to the unresponsive callback ${url} for ${next.backoffMs / 1000} s`);
    for (const post of next.posts) void this.post(post);
  }
}
