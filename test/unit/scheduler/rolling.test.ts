// decideAction on a simulated app: every decision is applied to an in-test instance list (kills become
// TASK_KILLING then vanish, launches are placed, run and pass their checks) and the bounds of §6 are checked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import {
  type AppVersion,
  type DeploymentActionName,
  type Instance,
  timestamp,
} from '../../../src/scheduler/core/model.js';
import {
  type ActionDecision,
  decideAction,
  isHealthyAndReady,
  isOldVersion,
} from '../../../src/scheduler/core/rolling.js';

const OLD = timestamp(1_000);
const NEW = timestamp(2_000);

interface AppOptions {
  instances: number;
  min?: number;
  over?: number;
  /** With one COMMAND health check: instances are healthy only once they passed it. */
  checked?: boolean;
}

function app(o: AppOptions): AppVersion {
  const result = normalizeApp({
    id: '/web',
    cmd: 'sleep 100',
    instances: o.instances,
    upgradeStrategy: { minimumHealthCapacity: o.min ?? 1, maximumOverCapacity: o.over ?? 1 },
    healthChecks: o.checked === true ? [{ protocol: 'COMMAND', command: { value: 'true' } }] : [],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return { ...result.app, version: NEW, versionInfo: { lastConfigChangeAt: NEW, lastScalingAt: NEW } };
}

const PASSED = {
  alive: true,
  consecutiveFailures: 0,
  firstSuccess: NEW,
  lastSuccess: NEW,
  lastFailure: null,
  lastFailureCause: null,
};
const FAILED = { ...PASSED, alive: false, consecutiveFailures: 3, lastFailureCause: 'exit 1' };

type Event = { kind: 'place' } | { kind: 'run' | 'pass' | 'gone' | 'crash'; id: string };

/** One app's instances and launch queue, changed only by decisions and by the events it offers. */
class Sim {
  instances: Instance[] = [];
  queued = 0;
  killed = 0;
  launched = 0;
  readonly killInstances: string[];
  private seq = 0;

  /** `old` instances of the previous config and `current` ones of the app's, all running and passing. */
  constructor(
    readonly app: AppVersion,
    readonly action: DeploymentActionName,
    o: { old?: number; current?: number; killInstances?: string[] } = {},
  ) {
    for (let i = 0; i < (o.old ?? 0); i++) this.add(OLD, 'TASK_RUNNING', true);
    for (let i = 0; i < (o.current ?? 0); i++) this.add(NEW, 'TASK_RUNNING', true);
    this.killInstances = o.killInstances ?? [];
  }

  add(version: string, state: Instance['state'], passed: boolean): Instance {
    const n = this.seq++;
    const instance: Instance = {
      instanceId: `web.instance-${n}`,
      taskId: `web.instance-${n}._app.1`,
      appId: '/web',
      version,
      agentId: 'agent-1',
      host: '127.0.0.1',
      hostPorts: [31000 + n],
      servicePorts: [10000],
      state,
      stagedAt: timestamp(10_000 + n),
      ...(state === 'TASK_RUNNING' ? { startedAt: timestamp(10_000 + n) } : {}),
      goal: 'running',
      health: passed && this.app.healthChecks.length > 0 ? [PASSED] : [],
      ipAddresses: [],
    };
    this.instances.push(instance);
    return instance;
  }

  decide(): ActionDecision {
    const decision = decideAction({
      action: this.action,
      app: this.action === 'StopApplication' ? undefined : this.app,
      instances: this.instances,
      queued: this.queued,
      killInstances: this.killInstances,
      constraintVictims: [],
    });
    for (const id of decision.kill) this.update(id, { state: 'TASK_KILLING', killSentAt: 1 });
    this.killed += decision.kill.length;
    this.queued += decision.launch;
    this.launched += decision.launch;
    return decision;
  }

  events(): Event[] {
    const placing: Event[] = this.queued > 0 ? [{ kind: 'place' }] : [];
    return [
      ...placing,
      ...this.instances.flatMap((i): Event[] => {
        if (i.state === 'TASK_KILLING' || i.killSentAt !== undefined) return [{ kind: 'gone', id: i.instanceId }];
        if (i.state === 'TASK_STAGING') return [{ kind: 'run', id: i.instanceId }];
        return i.health.length === 0 && this.app.healthChecks.length > 0 ? [{ kind: 'pass', id: i.instanceId }] : [];
      }),
    ];
  }

  apply(event: Event): void {
    switch (event.kind) {
      case 'place':
        this.queued -= 1;
        this.add(this.app.version, 'TASK_STAGING', false);
        return;
      case 'run':
        return this.update(event.id, { state: 'TASK_RUNNING', startedAt: NEW });
      case 'pass':
        return this.update(event.id, { health: [PASSED] });
      case 'gone':
      case 'crash':
        this.instances = this.instances.filter((i) => i.instanceId !== event.id);
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  update(id: string, change: Partial<Instance>): void {
    this.instances = this.instances.map((i) => (i.instanceId === id ? { ...i, ...change } : i));
  }

  healthy(): number {
    return this.instances.filter((i) => isHealthyAndReady(this.app, i)).length;
  }

  /** Instances not yet terminal plus the queue: what the app may take up once everything is placed. */
  total(): number {
    return this.instances.length + this.queued;
  }

  old(): number {
    return this.instances.filter((i) => isOldVersion(this.app, i)).length;
  }
}

interface Trace {
  healthy: number[];
  total: number[];
  decisions: ActionDecision[];
  done: boolean;
}

/** Decide, then let one event happen (the one `choose` picks), until done or nothing is left to happen. */
function run(sim: Sim, choose: (events: Event[], step: number) => Event = (events) => events[0] as Event): Trace {
  const trace: Trace = { healthy: [sim.healthy()], total: [sim.total()], decisions: [], done: false };
  for (let step = 0; step < 10_000; step++) {
    const decision = sim.decide();
    trace.decisions.push(decision);
    trace.healthy.push(sim.healthy());
    trace.total.push(sim.total());
    if (decision.done) return { ...trace, done: true };
    const events = sim.events();
    if (events.length === 0) return trace;
    sim.apply(choose(events, step));
  }
  return trace;
}

/** Which of the possible events happens at each step, for property runs. */
const choiceStream = fc.array(fc.nat(), { minLength: 1, maxLength: 300 });

function chooser(choices: readonly number[]): (events: Event[], step: number) => Event {
  return (events, step) => events[(choices[step % choices.length] ?? 0) % events.length] as Event;
}

/** The first event of `kind` (in list order), for scripted runs. */
function next(sim: Sim, kind: Event['kind']): void {
  const event = sim.events().find((e) => e.kind === kind);
  if (event === undefined) throw new Error(`no ${kind} event`);
  sim.apply(event);
}

function expectBounds(sim: Sim, trace: Trace, o: { min: number; over: number }): void {
  const n = sim.app.instances;
  const minHealthy = Math.ceil(n * o.min);
  const maxCapacity = Math.floor(n * (1 + o.over));
  const extra = minHealthy === maxCapacity ? 1 : 0;
  const [startHealthy = 0, startTotal = 0] = [trace.healthy[0], trace.total[0]];
  for (const h of trace.healthy) expect(h).toBeGreaterThanOrEqual(Math.min(startHealthy, minHealthy));
  for (const t of trace.total) expect(t).toBeLessThanOrEqual(Math.max(startTotal, maxCapacity + extra));
}

function expectReplaced(sim: Sim, trace: Trace): void {
  expect(trace.done).toBe(true);
  expect(sim.old()).toBe(0);
  expect(sim.instances).toHaveLength(sim.app.instances);
  expect(sim.healthy()).toBe(sim.app.instances);
  expect(sim.queued).toBe(0);
}

describe('RestartApplication: the reference examples', () => {
  it('1.0/1.0 starts all new instances, then kills an old one for each new one that is healthy', () => {
    const sim = new Sim(app({ instances: 3, min: 1, over: 1 }), 'RestartApplication', { old: 3 });
    expect(sim.decide()).toEqual({ kill: [], launch: 3, done: false });
    for (let i = 0; i < 3; i++) next(sim, 'place');
    expect(sim.decide()).toEqual({ kill: [], launch: 0, done: false });
    next(sim, 'run');
    expect(sim.decide()).toMatchObject({ kill: ['web.instance-2'], launch: 0 });
    expect(sim.decide()).toMatchObject({ kill: [], launch: 0 });
    const trace = run(sim);
    expect(Math.max(...trace.total)).toBe(6);
    expectReplaced(sim, trace);
  });

  it('0.0/0.0 kills everything first and launches once the old instances are gone', () => {
    const sim = new Sim(app({ instances: 3, min: 0, over: 0 }), 'RestartApplication', { old: 3 });
    expect(sim.decide()).toEqual({
      kill: ['web.instance-2', 'web.instance-1', 'web.instance-0'],
      launch: 0,
      done: false,
    });
    expect(sim.decide()).toEqual({ kill: [], launch: 0, done: false });
    for (let i = 0; i < 3; i++) {
      next(sim, 'gone');
      expect(sim.decide()).toEqual({ kill: [], launch: 1, done: false });
    }
    const trace = run(sim);
    expect(Math.max(...trace.total)).toBe(3);
    expectReplaced(sim, trace);
  });

  it('0.0/1.0 kills everything and launches everything at once', () => {
    const sim = new Sim(app({ instances: 2, min: 0, over: 1 }), 'RestartApplication', { old: 2 });
    expect(sim.decide()).toEqual({ kill: ['web.instance-1', 'web.instance-0'], launch: 2, done: false });
    expectReplaced(sim, run(sim));
  });

  it('1.0/0.0 goes one extra instance at a time', () => {
    const sim = new Sim(app({ instances: 3, min: 1, over: 0, checked: true }), 'RestartApplication', { old: 3 });
    expect(sim.decide()).toEqual({ kill: [], launch: 1, done: false });
    next(sim, 'place');
    next(sim, 'run');
    expect(sim.decide()).toEqual({ kill: [], launch: 0, done: false });
    next(sim, 'pass');
    expect(sim.decide()).toMatchObject({ kill: ['web.instance-2'], launch: 0 });
    expect(sim.decide()).toMatchObject({ kill: [], launch: 0 });
    next(sim, 'gone');
    expect(sim.decide()).toMatchObject({ kill: [], launch: 1 });
    const trace = run(sim);
    expect(Math.max(...trace.total)).toBe(4);
    expect(Math.min(...trace.healthy)).toBe(3);
    expectReplaced(sim, trace);
  });

  it('0.9/0.0 replaces 10 % at a time', () => {
    const sim = new Sim(app({ instances: 10, min: 0.9, over: 0 }), 'RestartApplication', { old: 10 });
    expect(sim.decide()).toMatchObject({ kill: ['web.instance-9'], launch: 0 });
    next(sim, 'gone');
    expect(sim.decide()).toMatchObject({ kill: [], launch: 1 });
    const trace = run(sim);
    expect(Math.max(...trace.total)).toBe(10);
    expect(Math.min(...trace.healthy)).toBe(9);
    expectReplaced(sim, trace);
  });
});

describe('RestartApplication: details', () => {
  it('kills unhealthy old instances before healthy ones', () => {
    const sim = new Sim(app({ instances: 4, min: 0.5, over: 0, checked: true }), 'RestartApplication', { old: 4 });
    sim.update('web.instance-0', { health: [FAILED] });
    expect(sim.decide().kill).toEqual(['web.instance-0', 'web.instance-3']);
  });

  it('never kills an instance twice and counts dying ones against the capacity', () => {
    const sim = new Sim(app({ instances: 2, min: 1, over: 0 }), 'RestartApplication', { old: 2, current: 1 });
    sim.update('web.instance-1', { killSentAt: 5 });
    expect(sim.decide()).toEqual({ kill: [], launch: 0, done: false });
    next(sim, 'gone');
    expect(sim.decide()).toEqual({ kill: [], launch: 1, done: false });
  });

  it('replaces an old instance that died on its own with a new one, never an old one', () => {
    const sim = new Sim(app({ instances: 3, min: 1, over: 0 }), 'RestartApplication', { old: 3 });
    sim.decide();
    sim.apply({ kind: 'crash', id: 'web.instance-0' });
    const trace = run(sim);
    expectReplaced(sim, trace);
    expect(sim.instances.every((i) => i.version === NEW)).toBe(true);
  });

  it('continues a deployment from its instances alone, as after a failover', () => {
    const sim = new Sim(app({ instances: 3, min: 1, over: 0 }), 'RestartApplication', { old: 2, current: 2 });
    expect(sim.decide()).toMatchObject({ kill: ['web.instance-1'], launch: 0 });
    const resumed = new Sim(app({ instances: 3, min: 1, over: 0 }), 'RestartApplication', { old: 2, current: 1 });
    expect(resumed.decide()).toEqual({ kill: [], launch: 1, done: false });
  });

  it('kills the surplus when it has more instances than it needs', () => {
    const sim = new Sim(app({ instances: 2, min: 1, over: 0 }), 'RestartApplication', { old: 1, current: 3 });
    expect(sim.decide().kill).toEqual(['web.instance-0', 'web.instance-3']);
    expectReplaced(sim, run(sim));
  });

  it('waits for health and readiness of the new instances', () => {
    const sim = new Sim(app({ instances: 1, min: 1, over: 1, checked: true }), 'RestartApplication', { current: 1 });
    sim.update('web.instance-0', { health: [] });
    expect(sim.decide().done).toBe(false);
    sim.update('web.instance-0', { health: [PASSED], ready: false });
    expect(sim.decide().done).toBe(false);
    sim.update('web.instance-0', { ready: true });
    expect(sim.decide().done).toBe(true);
  });

  it('keeps within minimumHealthCapacity and maximumOverCapacity whatever order events come in', () => {
    const tenths = fc.integer({ min: 0, max: 10 }).map((t) => t / 10);
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 0, max: 8 }),
          min: tenths,
          over: tenths,
          checked: fc.boolean(),
          old: fc.integer({ min: 0, max: 10 }),
          current: fc.integer({ min: 0, max: 3 }),
        }),
        choiceStream,
        (c, choices) => {
          const sim = new Sim(app({ instances: c.n, ...c }), 'RestartApplication', c);
          const trace = run(sim, chooser(choices));
          expectBounds(sim, trace, c);
          expectReplaced(sim, trace);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ScaleApplication', () => {
  it('launches what is missing and is done once all of them are healthy', () => {
    const sim = new Sim(app({ instances: 3, checked: true }), 'ScaleApplication', { current: 1 });
    expect(sim.decide()).toEqual({ kill: [], launch: 2, done: false });
    expect(sim.decide()).toEqual({ kill: [], launch: 0, done: false });
    next(sim, 'place');
    next(sim, 'place');
    next(sim, 'run');
    next(sim, 'run');
    next(sim, 'pass');
    expect(sim.decide().done).toBe(false);
    next(sim, 'pass');
    expect(sim.decide()).toEqual({ kill: [], launch: 0, done: true });
  });

  it('kills the youngest surplus and is done once they are gone', () => {
    const sim = new Sim(app({ instances: 2 }), 'ScaleApplication', { current: 4 });
    expect(sim.decide()).toEqual({ kill: ['web.instance-3', 'web.instance-2'], launch: 0, done: false });
    expect(sim.decide()).toEqual({ kill: [], launch: 0, done: false });
    next(sim, 'gone');
    next(sim, 'gone');
    expect(sim.decide()).toEqual({ kill: [], launch: 0, done: true });
  });

  it('kills the named instances of a scale=true kill', () => {
    const sim = new Sim(app({ instances: 2 }), 'ScaleApplication', {
      current: 3,
      killInstances: ['web.instance-0._app.1'],
    });
    expect(sim.decide()).toEqual({ kill: ['web.instance-0'], launch: 0, done: false });
  });

  it('kills named instances even when the count already matches, and replaces them', () => {
    const sim = new Sim(app({ instances: 2 }), 'ScaleApplication', { current: 2, killInstances: ['web.instance-1'] });
    expect(sim.decide()).toEqual({ kill: ['web.instance-1'], launch: 1, done: false });
  });

  it('scales to 0 by killing everything', () => {
    const sim = new Sim(app({ instances: 0 }), 'ScaleApplication', { current: 2 });
    expect(sim.decide().kill).toHaveLength(2);
    expect(run(sim).done).toBe(true);
    expect(sim.instances).toEqual([]);
  });

  it('ends with exactly `instances` healthy ones, killing or launching only the difference', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.boolean(),
        choiceStream,
        (n, current, checked, choices) => {
          const sim = new Sim(app({ instances: n, checked }), 'ScaleApplication', { current });
          const trace = run(sim, chooser(choices));
          expect(trace.done).toBe(true);
          expect(sim.healthy()).toBe(n);
          expect(sim.instances).toHaveLength(n);
          expect(sim.killed).toBe(Math.max(0, current - n));
          expect(sim.launched).toBe(Math.max(0, n - current));
        },
      ),
    );
  });
});

describe('StartApplication and StopApplication', () => {
  it('StartApplication is done at once', () => {
    expect(new Sim(app({ instances: 3 }), 'StartApplication').decide()).toEqual({ kill: [], launch: 0, done: true });
  });

  it('StopApplication kills every instance once and is done when none remain', () => {
    const sim = new Sim(app({ instances: 3 }), 'StopApplication', { old: 1, current: 2 });
    sim.update('web.instance-2', { state: 'TASK_KILLING' });
    expect(sim.decide()).toEqual({ kill: ['web.instance-0', 'web.instance-1'], launch: 0, done: false });
    expect(sim.decide()).toEqual({ kill: [], launch: 0, done: false });
    expect(run(sim).done).toBe(true);
    expect(sim.instances).toEqual([]);
  });
});

describe('isHealthyAndReady and isOldVersion', () => {
  const checked = app({ instances: 1, checked: true });
  const sim = new Sim(checked, 'ScaleApplication');
  const base = sim.add(NEW, 'TASK_RUNNING', true);

  it.each([
    ['running and passing', {}, true],
    ['not running yet', { state: 'TASK_STAGING' }, false],
    ['without a result', { health: [] }, false],
    ['with a null result', { health: [null] }, false],
    ['failing', { health: [FAILED] }, false],
    ['not ready', { ready: false }, false],
    ['ready', { ready: true }, true],
    ['being killed', { killSentAt: 1 }, false],
    ['in TASK_KILLING', { state: 'TASK_KILLING' }, false],
  ] as const)('%s → %s', (_name, change, expected) => {
    expect(isHealthyAndReady(checked, { ...base, ...change } as Instance)).toBe(expected);
  });

  it('needs no result from an app without health checks', () => {
    expect(isHealthyAndReady(app({ instances: 1 }), { ...base, health: [] })).toBe(true);
  });

  it('calls an instance old when it predates the last config change, not the last scaling', () => {
    const scaled = {
      ...checked,
      version: timestamp(9_000),
      versionInfo: { lastConfigChangeAt: NEW, lastScalingAt: timestamp(9_000) },
    };
    expect(isOldVersion(scaled, { ...base, version: NEW })).toBe(false);
    expect(isOldVersion(scaled, { ...base, version: OLD })).toBe(true);
  });
});
