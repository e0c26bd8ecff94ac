// Session timeouts, expiry on tick boundaries and session id numbering (reference §13).
import { describe, expect, it } from 'vitest';
import {
  negotiateTimeout,
  nextTickBoundary,
  SessionIdGenerator,
  SessionTracker,
} from '../../../src/ensemble/core/sessions.js';

describe('negotiateTimeout', () => {
  const bounds = { minSessionTimeoutMs: 4000, maxSessionTimeoutMs: 40000 };
  it.each([
    [1000, 4000],
    [0, 4000],
    [100000, 40000],
    [30000, 30000],
    [6000, 6000],
  ])('%i ms → %i ms', (requested, negotiated) => {
    expect(negotiateTimeout(requested, bounds)).toBe(negotiated);
  });
});

describe('SessionTracker', () => {
  it('expires on the first tick boundary after lastTouch + timeout', () => {
    const t = new SessionTracker({ tickMs: 2000 });
    t.add(1n, 6000, 1000);
    expect(t.expiresAt(1n)).toBe(8000);
    expect(t.expired(7999)).toEqual([]);
    expect(t.expired(8000)).toEqual([1n]);
  });

  it('rounds an exact boundary up to the next one', () => {
    expect(nextTickBoundary(8000, 2000)).toBe(10000);
    expect(nextTickBoundary(8001, 2000)).toBe(10000);
  });

  it('renews on touch and reports an expired session once, then refuses to renew it', () => {
    const t = new SessionTracker({ tickMs: 2000 });
    t.add(1n, 4000, 0);
    t.add(2n, 4000, 0);
    expect(t.touch(1n, 3000)).toBe(true);
    expect(t.expired(6000)).toEqual([2n]);
    expect(t.expired(6000)).toEqual([]);
    expect(t.touch(2n, 6000)).toBe(false);
    expect(t.has(2n)).toBe(true);
    t.remove(2n);
    expect(t.has(2n)).toBe(false);
    expect(t.expired(8000)).toEqual([1n]);
    expect(t.touch(99n, 0)).toBe(false);
  });

  it('lists several expired sessions in id order', () => {
    const t = new SessionTracker({ tickMs: 1000 });
    t.add(5n, 1000, 0);
    t.add(3n, 1000, 0);
    expect(t.expired(5000)).toEqual([3n, 5n]);
  });

  it('starts every known session afresh for a new leader', () => {
    const t = new SessionTracker({ tickMs: 2000 });
    t.add(1n, 4000, 0);
    t.expired(100000);
    t.resetAll(
      new Map([
        [1n, { timeoutMs: 4000 }],
        [7n, { timeoutMs: 10000 }],
      ]),
      100000,
    );
    expect(t.expiresAt(1n)).toBe(106000);
    expect(t.expiresAt(7n)).toBe(112000);
    expect(t.touch(1n, 100500)).toBe(true);
  });
});

describe('SessionIdGenerator', () => {
  it('reproduces the verified ids: server id in the top byte, time below, then +1', () => {
    const standalone = new SessionIdGenerator(1, 0x084e69);
    expect(standalone.nextId()).toBe(0x010000084e690000n);
    expect(standalone.nextId()).toBe(0x010000084e690001n);
    expect(new SessionIdGenerator(3, 0x0e446b).nextId()).toBe(0x0300000e446b0000n);
  });

  it('drops time bits above 40 and keeps ids from different servers apart', () => {
    const now = 2 ** 41 + 5;
    expect(new SessionIdGenerator(2, now).nextId()).toBe(0x0200000000050000n);
    expect(new SessionIdGenerator(1, now).nextId()).not.toBe(new SessionIdGenerator(2, now).nextId());
  });
});
