// Agent port slices (the Mesos range split per agent) and the cluster's service port range, both kept
// across restarts and clear of other clusters, and each agent's share of the host.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/common/errors.js';
import { agentPortSlices, agentResourceText, servicePortRange } from '../../../src/cluster/core/layout.js';

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

describe('servicePortRange', () => {
  it("takes the first free 1000 service ports, keeps the previous range and steers clear of other clusters'", () => {
    expect(servicePortRange({ previous: undefined, taken: [] })).toEqual({ begin: 10000, end: 10999 });
    const taken = [{ begin: 10000, end: 10999 }];
    expect(servicePortRange({ previous: undefined, taken })).toEqual({ begin: 11000, end: 11999 });
    expect(servicePortRange({ previous: { begin: 13000, end: 13999 }, taken })).toEqual({ begin: 13000, end: 13999 });
    expect(servicePortRange({ previous: { begin: 10000, end: 10999 }, taken })).toEqual({ begin: 11000, end: 11999 });
  });

  it("fails as a user error when other clusters hold Marathon's whole 10000-20000", () => {
    expect(() => servicePortRange({ previous: undefined, taken: [{ begin: 10000, end: 19999 }] })).toThrow(
      new UserError('no free range of 1000 service ports left (other clusters in this home hold them)'),
    );
  });
});

describe('agentResourceText', () => {
  it('gives each agent an even share of cpus (3 decimals), mem and disk, and its port slice', () => {
    expect(agentResourceText({ cpus: 2, memMb: 7001, diskMb: 1000 }, 3, { begin: 31500, end: 31999 })).toBe(
      'cpus:0.666;mem:2333;disk:333;ports:[31500-31999]',
    );
  });
});
