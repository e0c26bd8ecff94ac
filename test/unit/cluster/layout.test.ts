// Agent port slices (the Mesos range split per agent, kept across restarts, clear of other clusters)
// and each agent's share of the host.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/common/errors.js';
import { agentPortSlices, agentResourceText } from '../../../src/cluster/core/layout.js';

describe('agentPortSlices', () => {
  it('splits the range from 31000 in slices of 500', () => {
    expect(agentPortSlices({ count: 3, previous: [], taken: [] })).toEqual([
      { begin: 31000, end: 31499 },
      { begin: 31500, end: 31999 },
      { begin: 32000, end: 32499 },
    ]);
  });

  it("keeps each agent's previous slice and steers clear of slices other clusters hold", () => {
    const taken = [{ begin: 31000, end: 31999 }];
    expect(agentPortSlices({ count: 2, previous: [], taken })).toEqual([
      { begin: 32000, end: 32499 },
      { begin: 32500, end: 32999 },
    ]);
    const previous = [
      { begin: 33000, end: 33499 },
      { begin: 31500, end: 31999 },
    ];
    expect(agentPortSlices({ count: 3, previous, taken })).toEqual([
      { begin: 33000, end: 33499 },
      { begin: 32000, end: 32499 },
      { begin: 32500, end: 32999 },
    ]);
  });

  it('fails as a user error when the port range is used up', () => {
    expect(() => agentPortSlices({ count: 1, previous: [], taken: [{ begin: 31000, end: 65535 }] })).toThrow(UserError);
  });
});

describe('agentResourceText', () => {
  it('gives each agent an even share of cpus (3 decimals), mem and disk, and its port slice', () => {
    expect(agentResourceText({ cpus: 2, memMb: 7001, diskMb: 1000 }, 3, { begin: 31500, end: 31999 })).toBe(
      'cpus:0.666;mem:2333;disk:333;ports:[31500-31999]',
    );
  });
});
