// Marathon constraints: attribute text, every operator's placement semantics on hostnames and attributes,
// and the instances scale-down removes first to honour GROUP_BY and MAX_PER.
import { describe, expect, it } from 'vitest';
import type { Attribute, Offer } from '../../../src/master/core/v1.js';
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import type { AppDefinition } from '../../../src/scheduler/core/app-types.js';
import {
  type PlacedInstance,
  agentAttributes,
  constraintVictims,
  offerMeetsConstraints,
} from '../../../src/scheduler/core/constraints.js';

function app(constraints: string[][]): AppDefinition {
  const result = normalizeApp({ id: '/web', cmd: 'sleep 100', constraints });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.app;
}

const text = (name: string, value: string): Attribute => ({ name, type: 'TEXT', text: { value } });
const scalar = (name: string, value: number): Attribute => ({ name, type: 'SCALAR', scalar: { value } });

function offer(hostname: string, attributes: Attribute[] = []): Offer {
  return {
    id: { value: `O-${hostname}` },
    framework_id: { value: 'F' },
    agent_id: { value: `S-${hostname}` },
    hostname,
    resources: [],
    attributes,
    executor_ids: [],
    allocation_info: { role: '*' },
  };
}

let serial = 0;
function placedOn(o: Offer): PlacedInstance {
  serial += 1;
  return {
    instanceId: `web.instance-${serial}`,
    agentId: o.agent_id.value,
    hostname: o.hostname,
    attributes: agentAttributes(o),
  };
}

const rack = (name: string, host = `host-${name}`): Offer => offer(host, [text('rack', name)]);

/** Places `count` instances one by one, each on the first agent (in `agents` order) the constraints allow. */
function placeAll(a: AppDefinition, agents: Offer[], count: number): string[] {
  const placed: PlacedInstance[] = [];
  for (let i = 0; i < count; i++) {
    const target = agents.find((o) => offerMeetsConstraints(a, o, placed));
    if (target === undefined) break;
    placed.push(placedOn(target));
  }
  return placed.map((p) => p.hostname);
}

describe('agentAttributes', () => {
  it('renders text, scalars to 3 decimals, sorted ranges and sets, and the fault domain', () => {
    const o: Offer & { domain: unknown } = {
      ...offer('a', [
        text('rack', 'r1'),
        scalar('level', 1.23456),
        scalar('cores', 8),
        {
          name: 'keys',
          type: 'RANGES',
          ranges: {
            range: [
              { begin: 5, end: 9 },
              { begin: 1, end: 2 },
            ],
          },
        },
        { name: 'tags', type: 'SET', set: { item: ['ssd', 'gpu'] } },
      ]),
      domain: { fault_domain: { region: { name: 'eu' }, zone: { name: 'eu-1a' } } },
    };
    expect(agentAttributes(o)).toEqual({
      rack: 'r1',
      level: '1.235',
      cores: '8',
      keys: '[1-2,5-9]',
      tags: '{gpu,ssd}',
      '@region': 'eu',
      '@zone': 'eu-1a',
    });
  });
});

describe('offerMeetsConstraints', () => {
  it('accepts anything without constraints', () => {
    expect(offerMeetsConstraints(app([]), offer('a'), [placedOn(offer('a'))])).toBe(true);
  });

  it('UNIQUE hostname (also @hostname): one instance per host', () => {
    for (const field of ['hostname', '@hostname']) {
      const a = app([[field, 'UNIQUE']]);
      expect(offerMeetsConstraints(a, offer('a'), [placedOn(offer('a'))])).toBe(false);
      expect(offerMeetsConstraints(a, offer('b'), [placedOn(offer('a'))])).toBe(true);
      expect(placeAll(a, [offer('a'), offer('b'), offer('c')], 5)).toEqual(['a', 'b', 'c']);
    }
  });

  it('UNIQUE attribute: one instance per value; agents lacking it are refused', () => {
    const a = app([['rack', 'UNIQUE']]);
    expect(offerMeetsConstraints(a, rack('r1', 'x'), [placedOn(rack('r1', 'y'))])).toBe(false);
    expect(offerMeetsConstraints(a, rack('r2'), [placedOn(rack('r1'))])).toBe(true);
    expect(offerMeetsConstraints(a, offer('bare'), [])).toBe(false);
  });

  it('CLUSTER with a value: only agents with that value', () => {
    const a = app([['rack', 'CLUSTER', 'r2']]);
    expect(offerMeetsConstraints(a, rack('r1'), [])).toBe(false);
    expect(offerMeetsConstraints(a, rack('r2'), [])).toBe(true);
    const onHost = app([['hostname', 'CLUSTER', 'b']]);
    expect(placeAll(onHost, [offer('a'), offer('b')], 2)).toEqual(['b', 'b']);
  });

  it('CLUSTER without a value: wherever the first instance went', () => {
    const a = app([['rack', 'CLUSTER']]);
    expect(offerMeetsConstraints(a, rack('r1'), [])).toBe(true);
    expect(offerMeetsConstraints(a, rack('r2'), [])).toBe(true);
    expect(offerMeetsConstraints(a, rack('r2'), [placedOn(rack('r1'))])).toBe(false);
    expect(offerMeetsConstraints(a, rack('r1', 'other'), [placedOn(rack('r1'))])).toBe(true);
    expect(placeAll(app([['hostname', 'CLUSTER']]), [offer('a'), offer('b')], 3)).toEqual(['a', 'a', 'a']);
  });

  it('GROUP_BY spreads evenly: a new value or one of the smallest groups', () => {
    const a = app([['rack', 'GROUP_BY']]);
    const placed = [placedOn(rack('r1')), placedOn(rack('r1', 'h2')), placedOn(rack('r2'))];
    expect(offerMeetsConstraints(a, rack('r1', 'h3'), placed)).toBe(false);
    expect(offerMeetsConstraints(a, rack('r2', 'h4'), placed)).toBe(true);
    expect(offerMeetsConstraints(a, rack('r3'), placed)).toBe(true);
    // Without a value only the groups seen so far count (as in Marathon): one known group is "even".
    const agents = [rack('r1', 'a1'), rack('r2', 'b1'), rack('r3', 'c1')];
    expect(placeAll(a, agents, 3)).toEqual(['a1', 'a1', 'a1']);
    const hosts = placeAll(app([['rack', 'GROUP_BY', '3']]), agents, 7);
    expect(hosts).toEqual(['a1', 'b1', 'c1', 'a1', 'b1', 'c1', 'a1']);
  });

  it('GROUP_BY with a value waits for that many distinct values before reusing one', () => {
    const a = app([['rack', 'GROUP_BY', '3']]);
    const placed = [placedOn(rack('r1')), placedOn(rack('r2'))];
    expect(offerMeetsConstraints(a, rack('r1', 'again'), placed)).toBe(false);
    expect(offerMeetsConstraints(a, rack('r3'), placed)).toBe(true);
    expect(offerMeetsConstraints(a, rack('r1', 'again'), [...placed, placedOn(rack('r3'))])).toBe(true);
  });

  it('LIKE needs a full regex match and the attribute; UNLIKE also takes agents lacking it', () => {
    const like = app([['hostname', 'LIKE', 'web-[0-9]+']]);
    expect(offerMeetsConstraints(like, offer('web-12'), [])).toBe(true);
    expect(offerMeetsConstraints(like, offer('xweb-12'), [])).toBe(false);
    expect(offerMeetsConstraints(like, offer('web-12.local'), [])).toBe(false);
    const rackLike = app([['rack', 'LIKE', 'r[12]']]);
    expect(offerMeetsConstraints(rackLike, rack('r2'), [])).toBe(true);
    expect(offerMeetsConstraints(rackLike, rack('r3'), [])).toBe(false);
    expect(offerMeetsConstraints(rackLike, offer('bare'), [])).toBe(false);
    const unlike = app([['rack', 'UNLIKE', 'r[12]']]);
    expect(offerMeetsConstraints(unlike, rack('r2'), [])).toBe(false);
    expect(offerMeetsConstraints(unlike, rack('r3'), [])).toBe(true);
    expect(offerMeetsConstraints(unlike, offer('bare'), [])).toBe(true);
    expect(offerMeetsConstraints(app([['level', 'LIKE', '1\\.5']]), offer('s', [scalar('level', 1.5)]), [])).toBe(true);
  });

  it('MAX_PER caps the instances per value', () => {
    const a = app([['rack', 'MAX_PER', '2']]);
    expect(placeAll(a, [rack('r1', 'a'), rack('r2', 'b')], 6)).toEqual(['a', 'a', 'b', 'b']);
    expect(offerMeetsConstraints(app([['hostname', 'MAX_PER', '1']]), offer('a'), [placedOn(offer('a'))])).toBe(false);
  });

  it('IS compares text exactly and scalars to 3 decimals; ranges and sets never match', () => {
    expect(offerMeetsConstraints(app([['rack', 'IS', 'r1']]), rack('r1'), [])).toBe(true);
    expect(offerMeetsConstraints(app([['rack', 'IS', 'r1']]), rack('r10'), [])).toBe(false);
    const level = (v: number): Offer => offer('s', [scalar('level', v)]);
    expect(offerMeetsConstraints(app([['level', 'IS', '10']]), level(10.0004), [])).toBe(true);
    expect(offerMeetsConstraints(app([['level', 'IS', '10.000']]), level(10), [])).toBe(true);
    expect(offerMeetsConstraints(app([['level', 'IS', '10.001']]), level(10), [])).toBe(false);
    expect(offerMeetsConstraints(app([['level', 'IS', '10']]), offer('bare'), [])).toBe(false);
    const keys = offer('s', [{ name: 'keys', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }] } }]);
    expect(offerMeetsConstraints(app([['keys', 'IS', '1-2']]), keys, [])).toBe(false);
    expect(offerMeetsConstraints(app([['hostname', 'IS', 's']]), keys, [])).toBe(true);
  });

  it('@region and @zone read the offer’s fault domain; without one only UNLIKE accepts', () => {
    const inZone = { ...offer('a'), domain: { fault_domain: { region: { name: 'eu' }, zone: { name: 'eu-1a' } } } };
    expect(offerMeetsConstraints(app([['@zone', 'IS', 'eu-1a']]), inZone, [])).toBe(true);
    expect(offerMeetsConstraints(app([['@region', 'UNIQUE']]), inZone, [placedOn(inZone)])).toBe(false);
    expect(offerMeetsConstraints(app([['@region', 'CLUSTER', 'eu']]), offer('b'), [])).toBe(false);
    expect(offerMeetsConstraints(app([['@region', 'UNLIKE', 'eu']]), offer('b'), [])).toBe(true);
  });

  it('every constraint must hold', () => {
    const a = app([
      ['hostname', 'UNIQUE'],
      ['rack', 'CLUSTER', 'r1'],
    ]);
    expect(placeAll(a, [rack('r2', 'x'), rack('r1', 'y'), rack('r1', 'z')], 3)).toEqual(['y', 'z']);
  });
});

describe('constraintVictims', () => {
  const instances = (racks: string[]): PlacedInstance[] =>
    racks.map((r, i) => ({ instanceId: `i${i}`, agentId: `S${i}`, hostname: `h${i}`, attributes: { rack: r } }));

  it('GROUP_BY: takes from the largest groups, in the given order, until the spread is even', () => {
    const a = app([['rack', 'GROUP_BY']]);
    const four = instances(['r1', 'r1', 'r2', 'r1']);
    expect(constraintVictims(a, four, 2)).toEqual(['i0', 'i1']);
    expect(constraintVictims(a, four, 1)).toEqual(['i0']);
    expect(constraintVictims(a, four, 3)).toEqual(['i0', 'i1']);
    expect(constraintVictims(a, instances(['r1', 'r2', 'r1', 'r2']), 2)).toEqual([]);
  });

  it('MAX_PER: the instances beyond the cap on one value', () => {
    const a = app([['rack', 'MAX_PER', '1']]);
    const set = instances(['r1', 'r2', 'r1', 'r1', 'r2']);
    expect(constraintVictims(a, set, 5)).toEqual(['i0', 'i2', 'i1']);
    expect(constraintVictims(a, set, 2)).toEqual(['i0', 'i2']);
  });

  it('no victims without GROUP_BY or MAX_PER', () => {
    expect(constraintVictims(app([['hostname', 'UNIQUE']]), instances(['r1', 'r1']), 1)).toEqual([]);
    expect(constraintVictims(app([]), instances(['r1', 'r1']), 1)).toEqual([]);
  });
});
