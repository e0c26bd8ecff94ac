// Which component `start` brings back for a word: the last one killed while it led and still down, else the
// only one down; an error that asks for a name when that cannot tell.
import { describe, expect, it } from 'vitest';
import { chooseToStart, type ComponentKind } from '../../../src/cluster/core/start-choice.js';

const MASTERS = ['master-1', 'master-2', 'master-3'];

function kinds(down: { masters?: string[]; agents?: string[] }): ComponentKind[] {
  return [
    {
      words: ['leader', 'master'],
      noun: 'master',
      leader: 'the leading master',
      names: MASTERS,
      down: down.masters ?? [],
    },
    { words: ['agent'], noun: 'agent', leader: null, names: ['agent-1', 'agent-2'], down: down.agents ?? [] },
  ];
}

describe('chooseToStart', () => {
  it('brings back the master killed while it led', () => {
    expect(chooseToStart('leader', kinds({ masters: ['master-1', 'master-2'] }), ['master-2'])).toEqual({
      name: 'master-2',
      was: 'the leading master',
    });
  });

  it('takes the last leader killed that is still down', () => {
    const killed = ['master-1', 'master-3', 'master-2'];
    expect(chooseToStart('leader', kinds({ masters: ['master-1', 'master-3'] }), killed)?.name).toBe('master-3');
  });

  it('takes the only one down when none of them led', () => {
    expect(chooseToStart('master', kinds({ masters: ['master-3'] }), [])).toEqual({ name: 'master-3', was: null });
    expect(chooseToStart('agent', kinds({ agents: ['agent-2'] }), [])).toEqual({ name: 'agent-2', was: null });
  });

  it('asks for a name when several are down and none of them led', () => {
    expect(() => chooseToStart('leader', kinds({ masters: ['master-1', 'master-3'] }), ['master-2'])).toThrow(
      'master-1 and master-3 are down and none of them was leading when it stopped: start one of them by name',
    );
    expect(() => chooseToStart('agent', kinds({ agents: ['agent-1', 'agent-2'] }), [])).toThrow(
      'agent-1 and agent-2 are down: start one of them by name',
    );
  });

  it('says so when every component of the kind runs', () => {
    expect(() => chooseToStart('leader', kinds({}), [])).toThrow(
      'no master is down (master-1, master-2 and master-3 running)',
    );
  });

  it('leaves a name to the caller', () => {
    expect(chooseToStart('master-2', kinds({ masters: ['master-2'] }), [])).toBeNull();
  });
});
