// ClusterSpec presets and the checks on what a user may ask for.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/common/errors.js';
import { MAX_OBSERVERS } from '../../../src/common/limits.js';
import { clusterSpec } from '../../../src/cluster/spec.js';

describe('clusterSpec', () => {
  it('demo is fast, realistic uses ZooKeeper defaults; both clamp sessions to 2..20 ticks', () => {
    const demo = clusterSpec();
    const real = clusterSpec({ profile: 'realistic' });
    expect(demo.profile).toBe('demo');
    expect(demo.timing).toEqual({ tickMs: 100, initLimit: 10, syncLimit: 5, minSessionTimeoutMs: 200, maxSessionTimeoutMs: 2_000 });
    expect(real.timing).toEqual({ tickMs: 2_000, initLimit: 10, syncLimit: 5, minSessionTimeoutMs: 4_000, maxSessionTimeoutMs: 40_000 });
    expect(real.clientSessionTimeoutMs).toBe(10_000);
    for (const spec of [demo, real]) {
      expect(spec.clientSessionTimeoutMs).toBeGreaterThanOrEqual(spec.timing.minSessionTimeoutMs);
      expect(spec.clientSessionTimeoutMs).toBeLessThanOrEqual(spec.timing.maxSessionTimeoutMs);
    }
  });

  it('has three voting members plus the observers asked for', () => {
    expect(clusterSpec({ observers: 2 }).ensemble).toEqual({ participants: 3, observers: 2 });
  });

  it('rejects unknown profiles and impossible observer counts as user errors', () => {
    expect(() => clusterSpec({ profile: 'fast' })).toThrow(UserError);
    expect(() => clusterSpec({ observers: -1 })).toThrow(UserError);
    expect(() => clusterSpec({ observers: MAX_OBSERVERS + 1 })).toThrow(/0 to 16/);
  });
});
