// selectVictims: named instances, then constraint victims, then Unreachable → Staging → Starting →
// Running → other, within a state by killSelection on start time.
import { describe, expect, it } from 'vitest';
import type { TaskState } from '../../../src/master/core/v1.js';
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import type { AppDefinition } from '../../../src/scheduler/core/app-types.js';
import { selectVictims } from '../../../src/scheduler/core/kill-selection.js';
import { type Instance, timestamp } from '../../../src/scheduler/core/model.js';

function app(killSelection: AppDefinition['killSelection'] = 'YOUNGEST_FIRST'): AppDefinition {
  const result = normalizeApp({ id: '/web', cmd: 'sleep 100', killSelection });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.app;
}

/** An instance named `id` in `state`, staged at second `staged` and (once running) started at second `started`. */
function inst(id: string, state: TaskState, staged: number, started?: number): Instance {
  return {
    instanceId: id,
    taskId: `${id}._app.1`,
    appId: '/web',
    version: timestamp(0),
    agentId: 'agent-1',
    host: '127.0.0.1',
    hostPorts: [],
    servicePorts: [],
    state,
    stagedAt: timestamp(staged * 1000),
    ...(started === undefined ? {} : { startedAt: timestamp(started * 1000) }),
    goal: 'running',
    health: [],
    ipAddresses: [],
  };
}

const pick = (
  instances: Instance[],
  count: number,
  o: { preferred?: string[]; constraintVictims?: string[]; killSelection?: AppDefinition['killSelection'] } = {},
) =>
  selectVictims({
    app: app(o.killSelection),
    instances,
    count,
    preferred: o.preferred ?? [],
    constraintVictims: o.constraintVictims ?? [],
  });

describe('selectVictims', () => {
  const mixed = [
    inst('running', 'TASK_RUNNING', 1, 2),
    inst('killing', 'TASK_KILLING', 1, 2),
    inst('starting', 'TASK_STARTING', 3),
    inst('staging', 'TASK_STAGING', 4),
    inst('unreachable', 'TASK_UNREACHABLE', 0, 1),
  ];

  it('orders by state: Unreachable, Staging, Starting, Running, then any other', () => {
    expect(pick(mixed, 5)).toEqual(['unreachable', 'staging', 'starting', 'running', 'killing']);
    expect(pick(mixed, 2)).toEqual(['unreachable', 'staging']);
  });

  it('kills the most recently started first by default (YOUNGEST_FIRST), the oldest with OLDEST_FIRST', () => {
    const running = [
      inst('a', 'TASK_RUNNING', 0, 10),
      inst('b', 'TASK_RUNNING', 5, 6),
      inst('c', 'TASK_RUNNING', 1, 30),
    ];
    expect(pick(running, 3)).toEqual(['c', 'a', 'b']);
    expect(pick(running, 3, { killSelection: 'OLDEST_FIRST' })).toEqual(['b', 'a', 'c']);
  });

  it('compares staging instances by stagedAt', () => {
    const staging = [inst('early', 'TASK_STAGING', 1), inst('late', 'TASK_STAGING', 9)];
    expect(pick(staging, 1)).toEqual(['late']);
    expect(pick(staging, 1, { killSelection: 'OLDEST_FIRST' })).toEqual(['early']);
  });

  it('takes named instances first, then constraint victims, each once, by instance or task id', () => {
    const victims = pick(mixed, 3, { preferred: ['running._app.1'], constraintVictims: ['starting', 'running'] });
    expect(victims).toEqual(['running', 'starting', 'unreachable']);
  });

  it('ignores names it does not know and instances that are already decommissioned', () => {
    const gone = { ...inst('old', 'TASK_STAGING', 9), goal: 'decommissioned' as const };
    expect(pick([...mixed, gone], 2, { preferred: ['nope'], constraintVictims: ['old'] })).toEqual([
      'unreachable',
      'staging',
    ]);
  });

  it('never returns more than it has, nor anything for a count of 0 or less', () => {
    expect(pick(mixed, 10)).toHaveLength(5);
    expect(pick(mixed, 0)).toEqual([]);
    expect(pick(mixed, -2)).toEqual([]);
  });
});
