// Launch backoff: backoffSeconds × backoffFactor per failure up to maxLaunchDelaySeconds, per config
// version, forgotten after delay + maxLaunchDelay without failures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import { delayAfterFailure, delayExpired, launchWaitMs } from '../../../src/scheduler/core/backoff.js';
import { type AppVersion, type LaunchDelay, timestamp } from '../../../src/scheduler/core/model.js';

/** `/web` with the given backoff settings, configured at `configAt` and scaled at `scaledAt` (ms). */
function app(settings: Record<string, number> = {}, o: { configAt?: number; scaledAt?: number } = {}): AppVersion {
  const result = normalizeApp({ id: '/web', cmd: 'sleep 100', ...settings });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  const lastConfigChangeAt = timestamp(o.configAt ?? 0);
  const lastScalingAt = timestamp(o.scaledAt ?? o.configAt ?? 0);
  return { ...result.app, version: lastScalingAt, versionInfo: { lastConfigChangeAt, lastScalingAt } };
}

/** Delays after `count` failures `gapMs` apart, starting at `start`. */
function failures(a: AppVersion, count: number, gapMs: number, start = 1_000_000): LaunchDelay[] {
  const out: LaunchDelay[] = [];
  for (let i = 0; i < count; i++) out.push(delayAfterFailure({ app: a, previous: out.at(-1), now: start + i * gapMs }));
  return out;
}

describe('delayAfterFailure', () => {
  it('starts at backoffSeconds and multiplies by backoffFactor: 1, 1.15, 1.3225 … seconds by default', () => {
    const delays = failures(app(), 4, 10).map((d) => d.delayMs);
    [1000, 1150, 1322.5, 1520.875].forEach((ms, i) => expect(delays[i]).toBeCloseTo(ms, 6));
  });

  it('caps the delay at maxLaunchDelaySeconds', () => {
    const delays = failures(app({ backoffSeconds: 2, backoffFactor: 2, maxLaunchDelaySeconds: 10 }), 5, 10).map(
      (d) => d.delayMs,
    );
    expect(delays).toEqual([2000, 4000, 8000, 10_000, 10_000]);
  });

  it('sets until from the failure time and names the app and its config version', () => {
    const a = app({}, { configAt: 5000, scaledAt: 7000 });
    expect(delayAfterFailure({ app: a, previous: undefined, now: 20_000 })).toEqual({
      appId: '/web',
      version: timestamp(5000),
      delayMs: 1000,
      until: 21_000,
      lastFailureAt: 20_000,
    });
  });

  it('starts afresh for a new config version but keeps growing across a scale', () => {
    const [, second] = failures(app({}, { configAt: 0 }), 2, 10);
    const scaled = app({}, { configAt: 0, scaledAt: 50 });
    const changed = app({}, { configAt: 50 });
    expect(delayAfterFailure({ app: scaled, previous: second, now: 100 }).delayMs).toBeCloseTo(1322.5, 6);
    expect(delayAfterFailure({ app: changed, previous: second, now: 100 }).delayMs).toBe(1000);
  });

  it('starts afresh after delay + maxLaunchDelay without failures, or after the delay was reset to 0', () => {
    const a = app({ maxLaunchDelaySeconds: 60 });
    const [, second] = failures(a, 2, 10, 0);
    if (second === undefined) throw new Error('two delays expected');
    const quietEnd = second.lastFailureAt + second.delayMs + 60_000;
    expect(delayAfterFailure({ app: a, previous: second, now: quietEnd - 1 }).delayMs).toBeCloseTo(1322.5, 6);
    expect(delayAfterFailure({ app: a, previous: second, now: quietEnd }).delayMs).toBe(1000);
    expect(delayAfterFailure({ app: a, previous: { ...second, delayMs: 0 }, now: 100 }).delayMs).toBe(1000);
  });

  it('never shrinks while failures keep coming and never exceeds the cap', () => {
    const settings = fc.record({
      backoffSeconds: fc.integer({ min: 0, max: 30 }),
      backoffFactor: fc.double({ min: 1, max: 5, noNaN: true }),
      maxLaunchDelaySeconds: fc.integer({ min: 1, max: 600 }),
    });
    fc.assert(
      fc.property(settings, fc.integer({ min: 1, max: 40 }), (s, count) => {
        const delays = failures(app(s), count, 1).map((d) => d.delayMs);
        delays.forEach((ms, i) => {
          expect(ms).toBeLessThanOrEqual(s.maxLaunchDelaySeconds * 1000);
          expect(ms).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
        });
      }),
    );
  });
});

describe('delayExpired', () => {
  const a = app({ maxLaunchDelaySeconds: 60 }, { configAt: 0 });
  const delay = delayAfterFailure({ app: a, previous: undefined, now: 1000 });

  it('holds until delay + maxLaunchDelay has passed since the last failure', () => {
    expect(delayExpired({ app: a, delay, now: 1000 + 1000 + 60_000 - 1 })).toBe(false);
    expect(delayExpired({ app: a, delay, now: 1000 + 1000 + 60_000 })).toBe(true);
  });

  it('ends at once for another config version', () => {
    expect(delayExpired({ app: app({ maxLaunchDelaySeconds: 60 }, { configAt: 500 }), delay, now: 1001 })).toBe(true);
  });
});

describe('launchWaitMs', () => {
  const delay = delayAfterFailure({ app: app(), previous: undefined, now: 10_000 });

  it('is the time left until `until`, then 0', () => {
    expect(launchWaitMs(undefined, 10_000)).toBe(0);
    expect(launchWaitMs(delay, 10_000)).toBe(1000);
    expect(launchWaitMs(delay, 10_999.5)).toBe(1);
    expect(launchWaitMs(delay, 11_000)).toBe(0);
    expect(launchWaitMs(delay, 50_000)).toBe(0);
  });
});
