// The HTTP callback subscribers of the event bus (/v2/eventSubscriptions), as Marathon's http_callback keeps
// them: the callback URLs (at most MAX_EVENT_CALLBACK_SUBSCRIBERS); every event is POSTed to each of them;
// a URL whose POST failed n times in a row gets no events for 2^n seconds, then is tried again. Here one POST
// per URL is in flight, the events behind it queue (at most MAX_EVENT_CALLBACK_QUEUE, the oldest go first).
import { MAX_EVENT_CALLBACK_QUEUE, MAX_EVENT_CALLBACK_SUBSCRIBERS } from '../../common/limits.js';
import type { MarathonEvent } from './model.js';

/** One POST for the shell to make. */
export interface CallbackPost {
  url: string;
  event: MarathonEvent;
}

interface Subscriber {
  queue: MarathonEvent[];
  posting: boolean;
  /** Failed POSTs in a row. */
  failures: number;
  /** No events until then (ms); 0: none held back. */
  backoffUntil: number;
}

export type Added = 'added' | 'subscribed already' | 'full';

export interface Delivered {
  /** What to POST next. */
  posts: CallbackPost[];
  /** Set when the POST failed: how long the URL now gets no events (ms). */
  backoffMs?: number;
}

export class CallbackSubscribers {
  private readonly subscribers = new Map<string, Subscriber>();
  /** Events not queued because a subscriber's queue was full (for the shell's log). */
  dropped = 0;

  constructor(urls: readonly string[]) {
    for (const url of urls.slice(0, MAX_EVENT_CALLBACK_SUBSCRIBERS)) this.subscribers.set(url, fresh());
  }

  urls(): string[] {
    return [...this.subscribers.keys()];
  }

  /** Subscribing again ends a URL's back-off: its owner says it listens again. */
  add(url: string): Added {
    const known = this.subscribers.get(url);
    if (known !== undefined) {
      Object.assign(known, { failures: 0, backoffUntil: 0 });
      return 'subscribed already';
    }
    if (this.subscribers.size >= MAX_EVENT_CALLBACK_SUBSCRIBERS) return 'full';
    this.subscribers.set(url, fresh());
    return 'added';
  }

  /** Whether it was subscribed; its queued events go with it. */
  remove(url: string): boolean {
    return this.subscribers.delete(url);
  }

  /** Queues the event for every subscriber not backed off; answers the POSTs that can start now. */
  publish(event: MarathonEvent, now: number): CallbackPost[] {
    const posts: CallbackPost[] = [];
    for (const [url, sub] of this.subscribers) {
      if (sub.backoffUntil > now) continue;
      sub.queue.push(event);
      if (sub.queue.length > MAX_EVENT_CALLBACK_QUEUE) {
        sub.queue.shift();
        this.dropped++;
      }
      posts.push(...this.next(url, sub));
    }
    return posts;
  }

  /** A POST ended: on success the next queued event goes; on failure the URL backs off and its queue is dropped. */
  delivered(url: string, ok: boolean, now: number): Delivered {
    const sub = this.subscribers.get(url);
    if (sub === undefined) return { posts: [] };
    sub.posting = false;
    if (ok) {
      sub.failures = 0;
      return { posts: this.next(url, sub) };
    }
    sub.failures++;
    const backoffMs = 2 ** sub.failures * 1000;
    sub.backoffUntil = now + backoffMs;
    sub.queue = [];
    return { posts: [], backoffMs };
  }

  private next(url: string, sub: Subscriber): CallbackPost[] {
    const event = sub.posting ? undefined : sub.queue.shift();
    if (event === undefined) return [];
    sub.posting = true;
    return [{ url, event }];
  }
}

function fresh(): Subscriber {
  return { queue: [], posting: false, failures: 0, backoffUntil: 0 };
}
