// The event callback subscribers on a virtual clock: one POST in flight per URL with the rest queued in
// order, Marathon's back-off (no events for 2^n seconds after the n-th failure in a row, then tried again),
// a success ending it, bounded subscribers and queues.
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_CALLBACK_QUEUE, MAX_EVENT_CALLBACK_SUBSCRIBERS } from '../../../src/common/limits.js';
import { CallbackSubscribers } from '../../../src/scheduler/core/event-callbacks.js';
import type { MarathonEvent } from '../../../src/scheduler/core/model.js';

const event = (n: number): MarathonEvent => ({
  eventType: 'app_terminated_event',
  appId: `/a${n}`,
  timestamp: `t${n}`,
});
const appIds = (posts: { event: MarathonEvent }[]): string[] =>
  posts.map((p) => (p.event.eventType === 'app_terminated_event' ? p.event.appId : ''));

describe('CallbackSubscribers', () => {
  it('POSTs each event to every URL, one at a time per URL, in order', () => {
    const subs = new CallbackSubscribers(['http://a/', 'http://b/']);
    expect(subs.publish(event(1), 0)).toEqual([
      { url: 'http://a/', event: event(1) },
      { url: 'http://b/', event: event(1) },
    ]);
    expect(subs.publish(event(2), 0)).toEqual([]);
    expect(subs.publish(event(3), 0)).toEqual([]);
    expect(appIds(subs.delivered('http://a/', true, 10).posts)).toEqual(['/a2']);
    expect(appIds(subs.delivered('http://a/', true, 20).posts)).toEqual(['/a3']);
    expect(subs.delivered('http://a/', true, 30).posts).toEqual([]);
    expect(appIds(subs.delivered('http://b/', true, 40).posts)).toEqual(['/a2']);
  });

  it('sends a URL no events for 2^n seconds after its n-th failure in a row, then tries it again', () => {
    const subs = new CallbackSubscribers(['http://down/']);
    expect(appIds(subs.publish(event(1), 0))).toEqual(['/a1']);
    expect(subs.delivered('http://down/', false, 1_000)).toEqual({ posts: [], backoffMs: 2_000 });
    expect(subs.publish(event(2), 2_999)).toEqual([]);
    expect(appIds(subs.publish(event(3), 3_000))).toEqual(['/a3']);
    expect(subs.delivered('http://down/', false, 3_100)).toEqual({ posts: [], backoffMs: 4_000 });
    expect(subs.publish(event(4), 7_099)).toEqual([]);
    expect(appIds(subs.publish(event(5), 7_100))).toEqual(['/a5']);
    expect(subs.delivered('http://down/', true, 7_200)).toEqual({ posts: [] });
    expect(appIds(subs.publish(event(6), 7_300))).toEqual(['/a6']);
    expect(subs.delivered('http://down/', false, 7_400).backoffMs).toBe(2_000);
  });

  it('keeps POSTing to the other URLs while one is backed off', () => {
    const subs = new CallbackSubscribers(['http://down/', 'http://up/']);
    subs.publish(event(1), 0);
    subs.delivered('http://down/', false, 0);
    subs.delivered('http://up/', true, 0);
    expect(subs.publish(event(2), 1)).toEqual([{ url: 'http://up/', event: event(2) }]);
  });

  it('drops the queued events of a URL that failed; subscribing it again ends its back-off', () => {
    const subs = new CallbackSubscribers(['http://a/']);
    subs.publish(event(1), 0);
    subs.publish(event(2), 0);
    subs.delivered('http://a/', false, 0);
    expect(subs.add('http://a/')).toBe('subscribed already');
    expect(appIds(subs.publish(event(3), 1))).toEqual(['/a3']);
  });

  it('bounds the subscribers and the events queued per URL (the oldest go)', () => {
    const subs = new CallbackSubscribers([]);
    for (let i = 0; i < MAX_EVENT_CALLBACK_SUBSCRIBERS; i++) expect(subs.add(`http://s${i}/`)).toBe('added');
    expect(subs.add('http://one-too-many/')).toBe('full');
    expect(subs.remove('http://s0/')).toBe(true);
    expect(subs.remove('http://s0/')).toBe(false);
    const one = new CallbackSubscribers(['http://slow/']);
    for (let n = 0; n <= MAX_EVENT_CALLBACK_QUEUE + 1; n++) one.publish(event(n), 0);
    expect(one.dropped).toBe(1);
    expect(appIds(one.delivered('http://slow/', true, 0).posts)).toEqual(['/a2']);
  });
});
