// ClusterSpec presets and the checks on what a user may ask for.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/common/errors.js';
import { AGENT_TIMING } from '../../../src/agent/config.js';
import { MAX_AGENTS, MAX_OBSERVERS } from '../../../src/common/limits.js';
import { clusterSpec } from '../../../src/cluster/spec.js';
import { MASTER_TIMING } from '../../../src/master/config.js';

describe('clusterSpec', () => {
  it('demo is fast, realistic uses ZooKeeper defaults; both clamp sessions to 2..20 ticks', () => {
    const demo = clusterSpec();
    const real = clusterSpec({ profile: 'realistic' });
    expect(demo.profile).toBe('demo');
    expect(demo.timing).toEqual({
      tickMs: 100,
      initLimit: 10,
      syncLimit: 5,
      minSessionTimeoutMs: 200,
      maxSessionTimeoutMs: 2_000,
      finalizeWaitMs: 200,
      electionMessageDelayMs: 0,
    });
    expect(real.timing).toEqual({
      tickMs: 2_000,
      initLimit: 10,
      syncLimit: 5,
      minSessionTimeoutMs: 4_000,
      maxSessionTimeoutMs: 40_000,
      finalizeWaitMs: 200,
      electionMessageDelayMs: 0,
    });
    expect(real.clientSessionTimeoutMs).toBe(10_000);
    for (const spec of [demo, real]) {
      expect(spec.clientSessionTimeoutMs).toBeGreaterThanOrEqual(spec.timing.minSessionTimeoutMs);
      expect(spec.clientSessionTimeoutMs).toBeLessThanOrEqual(spec.timing.maxSessionTimeoutMs);
    }
  });

  it('teach is demo in slow motion: votes travel 0.4 s, stand 1.5 s, sessions of masters expire after 4 s', () => {
    const demo = clusterSpec();
    const teach = clusterSpec({ profile: 'teach' });
    expect(teach.timing).toEqual({
      tickMs: 500,
      initLimit: 10,
      syncLimit: 5,
      minSessionTimeoutMs: 1_000,
      maxSessionTimeoutMs: 10_000,
      finalizeWaitMs: 1_500,
      electionMessageDelayMs: 400,
    });
    expect(teach.masterTiming.zkSessionTimeoutMs).toBe(4_000);
    expect(teach.agentTiming.zkSessionTimeoutMs).toBe(4_000);
    expect(teach.marathon.zkSessionTimeoutMs).toBe(4_000);
    for (const session of [teach.clientSessionTimeoutMs, teach.masterTiming.zkSessionTimeoutMs])
      expect(session).toBeLessThanOrEqual(teach.timing.maxSessionTimeoutMs);
    expect(teach.schedulerTiming).toEqual(demo.schedulerTiming);
    expect(teach.masterTiming.allocationIntervalMs).toBe(demo.masterTiming.allocationIntervalMs);
  });

  it('has three voting members plus the observers asked for', () => {
    expect(clusterSpec({ observers: 2 }).ensemble).toEqual({ participants: 3, observers: 2 });
  });

  it("runs 3 masters and 2 agents by default, on their profile's timing, with our ensemble unless --zk says otherwise", () => {
    const demo = clusterSpec();
    expect(demo.mesos).toEqual({ masters: 3, agents: 2 });
    expect([demo.masterTiming, demo.agentTiming, demo.externalZk]).toEqual([
      MASTER_TIMING.demo,
      AGENT_TIMING.demo,
      null,
    ]);
    const real = clusterSpec({ profile: 'realistic', masters: 1, agents: 0, zk: 'zk://127.0.0.1:2181/mesos' });
    expect([real.mesos, real.masterTiming, real.agentTiming, real.externalZk]).toEqual([
      { masters: 1, agents: 0 },
      MASTER_TIMING.realistic,
      AGENT_TIMING.realistic,
      'zk://127.0.0.1:2181/mesos',
    ]);
  });

  it('rejects impossible master and agent counts and bad ZooKeeper URLs as user errors', () => {
    expect(() => clusterSpec({ agents: MAX_AGENTS + 1 })).toThrow(
      `--agents must be a whole number from 0 to ${MAX_AGENTS}`,
    );
    expect(() => clusterSpec({ masters: 0, agents: 1 })).toThrow('agents need a master');
    expect(() => clusterSpec({ masters: 1.5 })).toThrow(UserError);
    expect(() => clusterSpec({ zk: 'http://127.0.0.1:2181' })).toThrow(/^--zk: expected a zk:\/\/ URL/);
    expect(() => clusterSpec({ zk: 'zk://127.0.0.1:2181' })).toThrow(/names no path/);
  });

  it('rejects unknown profiles and impossible observer counts as user errors', () => {
    expect(() => clusterSpec({ profile: 'fast' })).toThrow(UserError);
    expect(() => clusterSpec({ observers: -1 })).toThrow(UserError);
    expect(() => clusterSpec({ observers: MAX_OBSERVERS + 1 })).toThrow(/0 to 16/);
  });
});
