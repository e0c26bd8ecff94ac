// Agent configuration: resources detected for what --resources leaves out, and both timing profiles
// being complete.
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { AGENT_TIMING, agentResources } from '../../../src/agent/config.js';

describe('agent config', () => {
  it('keeps the given resources and detects the missing predefined ones', () => {
    const resources = agentResources({ text: 'cpus:2;ports:[31000-31499];gpus:0', workDir: tmpdir() });
    const byName = new Map(resources.map((r) => [r.name, r]));
    expect(byName.get('cpus')?.scalar?.value).toBe(2);
    expect(byName.get('ports')?.ranges?.range).toEqual([{ begin: 31000, end: 31499 }]);
    expect(byName.get('mem')?.scalar?.value).toBeGreaterThan(0);
    expect(byName.get('disk')?.scalar?.value).toBeGreaterThan(0);
    expect([...byName.keys()].sort()).toEqual(['cpus', 'disk', 'gpus', 'mem', 'ports']);
  });

  it('defaults ports to Mesos range when nothing is given', () => {
    const ports = agentResources({ workDir: tmpdir() }).find((r) => r.name === 'ports');
    expect(ports?.ranges?.range).toEqual([{ begin: 31000, end: 32000 }]);
  });

  it('has every timing number in both profiles, realistic matching Mesos defaults', () => {
    expect(Object.keys(AGENT_TIMING.demo).sort()).toEqual(Object.keys(AGENT_TIMING.realistic).sort());
    expect(AGENT_TIMING.realistic.statusUpdateRetryMinMs).toBe(10_000);
    expect(AGENT_TIMING.realistic.statusUpdateRetryMaxMs).toBe(600_000);
    expect(AGENT_TIMING.realistic.masterPingTimeoutMs).toBe(75_000);
  });
});
