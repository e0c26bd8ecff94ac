// Marathon-level health folding: grace period, consecutive failures and the kill rule, the health of an
// instance as the §5.2 counts define it, and where a probe is aimed.
import { describe, expect, it } from 'vitest';
import { HEALTH_CHECK_DEFAULTS, type HealthCheck } from '../../../src/scheduler/core/app-types.js';
import { instanceHealth, probeTarget, recordHealth } from '../../../src/scheduler/core/health.js';
import type { AppVersion, HealthResult, Instance } from '../../../src/scheduler/core/model.js';
import { appVersion, instance } from './health-fixtures.js';

const STARTED = Date.parse('2024-01-01T00:00:00.000Z');
const check = (o: Partial<HealthCheck> = {}): HealthCheck => ({
  ...HEALTH_CHECK_DEFAULTS,
  portIndex: 0,
  gracePeriodSeconds: 10,
  maxConsecutiveFailures: 3,
  ...o,
});

/** Feeds results (true = alive) one second apart from `from` and returns the last result and every kill verdict. */
function feed(c: HealthCheck, results: boolean[], from: number): { result: HealthResult | null; kills: boolean[] } {
  let previous: HealthResult | null = null;
  const kills: boolean[] = [];
  results.forEach((alive, i) => {
    const out = recordHealth({
      check: c,
      previous,
      alive,
      cause: alive ? null : 'HTTP status 503',
      now: from + i * 1000,
      startedAt: STARTED,
    });
    previous = out.result;
    kills.push(out.kill);
  });
  return { result: previous, kills };
}

describe('recordHealth', () => {
  it('ignores failures inside the grace period before the first success', () => {
    const { result, kills } = feed(check(), [false, false, false, false], STARTED + 1000);
    expect(result).toBeNull();
    expect(kills).toEqual([false, false, false, false]);
  });

  it('counts failures once the grace period is over', () => {
    const { result } = feed(check(), [false], STARTED + 10_000);
    expect(result).toEqual({
      alive: false,
      consecutiveFailures: 1,
      firstSuccess: null,
      lastSuccess: null,
      lastFailure: '2024-01-01T00:00:10.000Z',
      lastFailureCause: 'HTTP status 503',
    });
  });

  it('counts failures inside the grace period once a probe has succeeded', () => {
    const { result } = feed(check(), [true, false, false], STARTED + 1000);
    expect(result).toMatchObject({
      alive: false,
      consecutiveFailures: 2,
      firstSuccess: '2024-01-01T00:00:01.000Z',
      lastSuccess: '2024-01-01T00:00:01.000Z',
    });
  });

  it('a success resets the failure count and keeps the first success', () => {
    const { result } = feed(check(), [true, false, false, true], STARTED + 20_000);
    expect(result).toEqual({
      alive: true,
      consecutiveFailures: 0,
      firstSuccess: '2024-01-01T00:00:20.000Z',
      lastSuccess: '2024-01-01T00:00:23.000Z',
      lastFailure: '2024-01-01T00:00:22.000Z',
      lastFailureCause: 'HTTP status 503',
    });
  });

  it('asks for a kill when consecutive failures reach maxConsecutiveFailures', () => {
    const { kills } = feed(check({ maxConsecutiveFailures: 3 }), [false, false, false, false], STARTED + 60_000);
    expect(kills).toEqual([false, false, true, true]);
  });

  it('never asks for a kill with maxConsecutiveFailures 0', () => {
    const { result, kills } = feed(
      check({ maxConsecutiveFailures: 0 }),
      Array<boolean>(10).fill(false),
      STARTED + 60_000,
    );
    expect(kills.every((k) => !k)).toBe(true);
    expect(result?.consecutiveFailures).toBe(10);
  });
});

describe('instanceHealth (reference §5.2)', () => {
  const alive = (a: boolean): HealthResult => ({
    alive: a,
    consecutiveFailures: a ? 0 : 1,
    firstSuccess: null,
    lastSuccess: null,
    lastFailure: null,
    lastFailureCause: null,
  });
  const withHealth = (health: (HealthResult | null)[]): Instance => ({ ...instance({ appId: '/web' }), health });

  it('is null without results', () => {
    expect(instanceHealth(withHealth([]))).toBeNull();
    expect(instanceHealth(withHealth([null, null]))).toBeNull();
  });

  it('is true when every result is alive', () => {
    expect(instanceHealth(withHealth([alive(true), null]))).toBe(true);
    expect(instanceHealth(withHealth([alive(true), alive(true)]))).toBe(true);
  });

  it('is false when any result is not alive', () => {
    expect(instanceHealth(withHealth([alive(true), alive(false)]))).toBe(false);
  });
});

describe('probeTarget', () => {
  const app = (checks: HealthCheck[]): AppVersion => ({
    ...appVersion({ id: '/web', cmd: 'serve', portDefinitions: [{ port: 10001 }, { port: 10002 }] }),
    healthChecks: checks,
  });
  const task = { ...instance({ appId: '/web' }), host: 'agent-1.local', hostPorts: [31000, 31001] };

  it('aims at the host port of portIndex', () => {
    expect(probeTarget(app([check({ portIndex: 1 })]), task, 0)).toEqual({ host: 'agent-1.local', port: 31001 });
  });

  it('a fixed port overrides portIndex', () => {
    const fixed: HealthCheck = { ...check(), port: 8080 };
    delete fixed.portIndex;
    expect(probeTarget(app([fixed]), task, 0)).toEqual({ host: 'agent-1.local', port: 8080 });
  });

  it('is null for a port index the instance lacks or an unknown check', () => {
    expect(probeTarget(app([check({ portIndex: 2 })]), task, 0)).toBeNull();
    expect(probeTarget(app([check()]), task, 1)).toBeNull();
  });
});
