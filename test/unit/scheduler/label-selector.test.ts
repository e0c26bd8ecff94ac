// The `label` selector of GET /v2/apps: its grammar, escapes, errors and matching.
import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector, type LabelSelector } from '../../../src/scheduler/core/label-selector.js';

function parsed(text: string): LabelSelector {
  const result = parseLabelSelector(text);
  if (!result.ok) throw new Error(result.message);
  return result.selector;
}

const labels = { tier: 'front', env: 'prod', 'a.b': 'x y' };

describe('parseLabelSelector', () => {
  it('reads every term form, joined by commas', () => {
    expect(parsed('tier, env==prod,owner!=me, tier in (front, back),env notin (dev)')).toEqual([
      { op: 'exists', key: 'tier' },
      { op: '==', key: 'env', value: 'prod' },
      { op: '!=', key: 'owner', value: 'me' },
      { op: 'in', key: 'tier', values: ['front', 'back'] },
      { op: 'notin', key: 'env', values: ['dev'] },
    ]);
  });

  it('takes any character after a backslash', () => {
    expect(parsed('a.b==x\\ y')).toEqual([{ op: '==', key: 'a.b', value: 'x y' }]);
    expect(parsed('k in (a\\,b)')).toEqual([{ op: 'in', key: 'k', values: ['a,b'] }]);
  });

  it.each(['', 'tier==', 'tier in front', 'tier in (a', 'tier in ()', 'a=b', 'x,', 'a b', 'k\\'])(
    'refuses %j',
    (text) => {
      const result = parseLabelSelector(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/^Can not parse label selector /);
    },
  );
});

describe('matchesLabels', () => {
  const matches = (text: string): boolean => matchesLabels(parsed(text), labels);

  it('ANDs the terms', () => {
    expect(matches('tier,env==prod')).toBe(true);
    expect(matches('tier,env==dev')).toBe(false);
  });

  it('needs the key for every operator, != and notin included', () => {
    expect(matches('owner')).toBe(false);
    expect(matches('owner!=me')).toBe(false);
    expect(matches('owner notin (me)')).toBe(false);
    expect(matches('tier!=back')).toBe(true);
    expect(matches('tier!=front')).toBe(false);
  });

  it('checks set membership', () => {
    expect(matches('tier in (back,front)')).toBe(true);
    expect(matches('tier notin (back,front)')).toBe(false);
    expect(matches('env notin (dev)')).toBe(true);
  });
});
