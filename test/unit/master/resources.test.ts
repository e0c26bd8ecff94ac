// Resource arithmetic: scalars with Mesos's 3-digit precision, port ranges, JSON forms and flag syntax.
import { describe, expect, it } from 'vitest';
import {
  addRanges,
  addResources,
  attributesToV0,
  containsResources,
  formatRanges,
  invalidResources,
  isEmptyResources,
  normalizeRanges,
  parseAttributeText,
  parseResourceText,
  rangesContain,
  resourcesFromV1,
  resourcesToV0,
  resourcesToV1,
  subtractRanges,
  subtractResources,
} from '../../../src/master/core/resources.js';

const r = (text: string) => resourcesFromV1(parseResourceText(text));

describe('ranges', () => {
  it('normalises by sorting and merging overlapping and adjacent ranges', () => {
    expect(
      normalizeRanges([
        { begin: 10, end: 12 },
        { begin: 1, end: 3 },
        { begin: 4, end: 5 },
        { begin: 11, end: 20 },
      ]),
    ).toEqual([
      { begin: 1, end: 5 },
      { begin: 10, end: 20 },
    ]);
  });

  it('subtracts by splitting ranges', () => {
    const ports = [{ begin: 31000, end: 31099 }];
    expect(
      subtractRanges(ports, [
        { begin: 31005, end: 31005 },
        { begin: 31090, end: 31200 },
      ]),
    ).toEqual([
      { begin: 31000, end: 31004 },
      { begin: 31006, end: 31089 },
    ]);
    expect(subtractRanges(ports, ports)).toEqual([]);
  });

  it('adds back what was subtracted', () => {
    const ports = [{ begin: 31000, end: 31099 }];
    const taken = [{ begin: 31010, end: 31019 }];
    expect(addRanges(subtractRanges(ports, taken), taken)).toEqual(ports);
  });

  it('contains only numbers that are all inside', () => {
    const ports = [
      { begin: 31000, end: 31010 },
      { begin: 31020, end: 31030 },
    ];
    expect(
      rangesContain(ports, [
        { begin: 31005, end: 31005 },
        { begin: 31025, end: 31030 },
      ]),
    ).toBe(true);
    expect(rangesContain(ports, [{ begin: 31009, end: 31021 }])).toBe(false);
    expect(rangesContain(ports, [{ begin: 32000, end: 32000 }])).toBe(false);
  });

  it('formats as Mesos does', () => {
    expect(
      formatRanges([
        { begin: 31000, end: 31005 },
        { begin: 31010, end: 31010 },
      ]),
    ).toBe('[31000-31005, 31010-31010]');
  });
});

describe('resource bags', () => {
  it('adds, subtracts and compares scalars and ports', () => {
    const agent = r('cpus:4;mem:4096;disk:10000;ports:[31000-31099]');
    const task = r('cpus:0.5;mem:128;ports:[31005-31005]');
    const left = subtractResources(agent, task);
    expect(left).toEqual({
      scalars: { cpus: 3.5, mem: 3968, disk: 10000 },
      ranges: {
        ports: [
          { begin: 31000, end: 31004 },
          { begin: 31006, end: 31099 },
        ],
      },
    });
    expect(containsResources(agent, task)).toBe(true);
    expect(containsResources(left, task)).toBe(false);
    expect(addResources(left, task)).toEqual(agent);
  });

  it('keeps three decimal digits, so 0.1 + 0.2 fits in 0.3', () => {
    const sum = addResources(r('cpus:0.1'), r('cpus:0.2'));
    expect(sum.scalars['cpus']).toBe(0.3);
    expect(containsResources(r('cpus:0.3'), sum)).toBe(true);
    expect(isEmptyResources(subtractResources(sum, r('cpus:0.3')))).toBe(true);
  });

  it('does not fit a resource the bag lacks', () => {
    expect(containsResources(r('cpus:4'), r('gpus:1'))).toBe(false);
    expect(containsResources(r('cpus:4'), r('ports:[80-80]'))).toBe(false);
  });

  it('round-trips v1 JSON and renders the collapsed v0 object', () => {
    const bag = r('cpus:2;mem:1024;ports:[31000-31000,31002-31003]');
    const v1 = resourcesToV1(bag, '*');
    expect(v1).toContainEqual({
      name: 'cpus',
      type: 'SCALAR',
      scalar: { value: 2 },
      role: '*',
      allocation_info: { role: '*' },
    });
    expect(resourcesFromV1(v1)).toEqual(bag);
    expect(resourcesToV0(bag)).toEqual({ cpus: 2, gpus: 0, mem: 1024, disk: 0, ports: '[31000-31000, 31002-31003]' });
  });

  it('sums repeated entries of one name', () => {
    expect(
      resourcesFromV1([...parseResourceText('cpus:1;ports:[1-2]'), ...parseResourceText('cpus:2;ports:[3-4]')]),
    ).toEqual({
      scalars: { cpus: 3 },
      ranges: { ports: [{ begin: 1, end: 4 }] },
    });
  });

  it('names what is invalid in a v1 list', () => {
    expect(invalidResources(parseResourceText('cpus:1;ports:[1-2]'))).toBeNull();
    expect(invalidResources([{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }])).toMatch(/cpus/);
    expect(invalidResources([{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 5, end: 1 }] } }])).toMatch(
      /ports/,
    );
    expect(invalidResources([{ name: 'disks', type: 'SET', set: { item: ['a'] } }])).toMatch(/not supported/);
  });
});

describe('agent flag syntax', () => {
  it('parses --resources and rejects nonsense', () => {
    expect(parseResourceText('cpus:4;mem:8192;ports:[31000-32000]')).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 8192 }, role: '*' },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
    ]);
    expect(() => parseResourceText('cpus')).toThrow(/name:value/);
    expect(() => parseResourceText('cpus:lots')).toThrow(/cpus/);
    expect(() => parseResourceText('ports:[9-1]')).toThrow(/begin after end/);
  });

  it('parses --attributes into text, scalar and ranges, shown flat in master state', () => {
    const attributes = parseAttributeText('rack:r1;level:10;keys:[1000-1500]');
    expect(attributes.map((a) => a.type)).toEqual(['TEXT', 'SCALAR', 'RANGES']);
    expect(attributesToV0(attributes)).toEqual({ rack: 'r1', level: 10, keys: '[1000-1500]' });
  });
});
