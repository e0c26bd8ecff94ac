// Session bookkeeping: the leader's expiry queue in ticks (ZooKeeper's SessionTrackerImpl and
// ExpiryQueue), timeout negotiation and how a member numbers the sessions it creates.

import { CONTAINER_OWNER } from './tree/node.js';

export interface TimeoutBounds {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
}

/** The timeout a session gets: the requested one clamped to [min, max]. */
export function negotiateTimeout(requestedMs: number, bounds: TimeoutBounds): number {
  return Math.min(bounds.maxSessionTimeoutMs, Math.max(bounds.minSessionTimeoutMs, requestedMs));
}

/** The first tick boundary strictly after `time` (ExpiryQueue.roundToNextInterval). */
export const nextTickBoundary = (time: number, tickMs: number): number => (Math.floor(time / tickMs) + 1) * tickMs;

interface Tracked {
  timeoutMs: number;
  expiresAt: number;
  /** Reported as expired once; a closing session is no longer renewed. */
  closing: boolean;
}

/** The leader's view of which sessions are alive and when each expires if nothing is heard from it. */
export class SessionTracker {
  private readonly sessions = new Map<bigint, Tracked>();

  private readonly tickMs: number;

  constructor(options: { tickMs: number }) {
    this.tickMs = options.tickMs;
  }

  add(sessionId: bigint, timeoutMs: number, now: number): void {
    this.sessions.set(sessionId, { timeoutMs, expiresAt: this.expiry(now, timeoutMs), closing: false });
  }

  /** Renews a session; false when it is unknown or already closing. */
  touch(sessionId: bigint, now: number): boolean {
    const s = this.sessions.get(sessionId);
    if (s === undefined || s.closing) return false;
    s.expiresAt = this.expiry(now, s.timeoutMs);
    return true;
  }

  remove(sessionId: bigint): void {
    this.sessions.delete(sessionId);
  }

  has(sessionId: bigint): boolean {
    return this.sessions.has(sessionId);
  }

  /**
   * Sessions whose expiry time has come, in id order. Each is reported once and marked closing; it
   * stays tracked until `remove` (when its closeSession commits).
   */
  expired(now: number): bigint[] {
    const due: bigint[] = [];
    for (const [id, s] of this.sessions) {
      if (s.closing || s.expiresAt > now) continue;
      s.closing = true;
      due.push(id);
    }
    return due.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** A new leader starts every known session afresh from `now`. */
  resetAll(sessions: ReadonlyMap<bigint, { timeoutMs: number }>, now: number): void {
    this.sessions.clear();
    for (const [id, s] of sessions) this.add(id, s.timeoutMs, now);
  }

  /** When the session expires unless touched (for tests and diagnostics). */
  expiresAt(sessionId: bigint): number | undefined {
    return this.sessions.get(sessionId)?.expiresAt;
  }

  private expiry(now: number, timeoutMs: number): number {
    return nextTickBoundary(now + timeoutMs, this.tickMs);
  }
}

const MASK_64 = (1n << 64n) - 1n;

/**
 * Session ids a member hands out: `(sid << 56) | ((now << 24) >>> 8)` for the first, then +1 each
 * (the server id sits in the top byte, so ids from different members never collide).
 */
export class SessionIdGenerator {
  private next: bigint;

  constructor(sid: number, now: number) {
    const timeBits = ((BigInt(Math.floor(now)) << 24n) & MASK_64) >> 8n;
    const first = BigInt.asIntN(64, timeBits | (BigInt(sid) << 56n));
    this.next = first === CONTAINER_OWNER ? first + 1n : first;
  }

  nextId(): bigint {
    const id = this.next;
    this.next = BigInt.asIntN(64, this.next + 1n);
    return id;
  }
}
