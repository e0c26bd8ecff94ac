// SchedulerCore fed one input at a time: subscription and reconciliation, offers (persist before ACCEPT, several
// instances per offer, spread over a batch of offers, declines with the last unused offers, SUPPRESS/REVIVE), status
// updates, health, readiness and ticks.
import { describe, expect, it } from 'vitest';
import { MAX_APP_ID_LENGTH, MESOS_MAX_ID_LENGTH } from '../../../src/common/limits.js';
import type { TaskStatus } from '../../../src/master/core/v1.js';
import type { Effect } from '../../../src/scheduler/core/messages.js';
import type { UnusedOffer } from '../../../src/scheduler/core/model.js';
import { SchedulerCore } from '../../../src/scheduler/core/scheduler.js';
import {
  FRAMEWORK_ID,
  MASTER_URL,
  START,
  appDef,
  assertEffectOrder,
  callsOf,
  deployRequest,
  eventsOf,
  offerOf,
  schedulerOptions,
  subscribedCore,
  writesOf,
} from '../../helpers/mesos-sim.js';

const WEB = { id: '/web', cmd: 'python3 -m http.server $PORT0', instances: 2, cpus: 0.5, mem: 64 };

/** A core with `json` deployed and launched on one offer; returns the core and the launch effects. */
function launched(json: Record<string, unknown> = WEB): { core: SchedulerCore; effects: Effect[] } {
  const core = subscribedCore();
  const deployed = core.deploy(deployRequest(START + 1, { upsert: [appDef(json)] }));
  expect(deployed.reply.ok).toBe(true);
  const effects = core.input({ type: 'offers', offers: [offerOf({ id: 'O1', agentId: 'S0' })], now: START + 2 });
  return { core, effects };
}

function status(taskId: string, state: TaskStatus['state'], o: Partial<TaskStatus> = {}): TaskStatus {
  return { task_id: { value: taskId }, state, agent_id: { value: 'S0' }, uuid: `uuid-${taskId}-${state}`, ...o };
}

function run(core: SchedulerCore, taskId: string, now: number): Effect[] {
  return core.input({ type: 'update', status: status(taskId, 'TASK_RUNNING'), now });
}

describe('subscription', () => {
  it('persists a new framework id, announces it, and reconciles explicitly and implicitly', () => {
    const core = new SchedulerCore({ options: schedulerOptions() });
    const effects = core.input({ type: 'subscribed', frameworkId: FRAMEWORK_ID, master: MASTER_URL, now: START });
    expect(writesOf(effects)).toEqual([{ kind: 'framework-id', frameworkId: FRAMEWORK_ID }]);
    expect(eventsOf(effects)[0]).toMatchObject({
      eventType: 'scheduler_registered_event',
      frameworkId: FRAMEWORK_ID,
      master: MASTER_URL,
    });
    expect(callsOf(effects)).toEqual([
      { type: 'RECONCILE', reconcile: { tasks: [] } },
      { type: 'SUPPRESS', suppress: { roles: ['*'] } },
    ]);
    expect(core.frameworkInfo()).toMatchObject({
      id: { value: FRAMEWORK_ID },
      checkpoint: true,
      roles: ['*'],
      failover_timeout: 604800,
    });
    expect(core.subscribed).toBe(true);
    expect(core.master).toBe(MASTER_URL);
  });

  it('re-registers with a known id, reconciles every known task and revives for queued launches', () => {
    const { core } = launched();
    core.input({ type: 'disconnected', message: 'stream closed', now: START + 10 });
    expect(core.subscribed).toBe(false);
    core.killTasks({
      ids: [core.instances()[0]?.taskId ?? ''],
      scale: false,
      wipe: true,
      force: false,
      now: START + 11,
    });
    const effects = core.input({ type: 'subscribed', frameworkId: FRAMEWORK_ID, master: MASTER_URL, now: START + 20 });
    expect(writesOf(effects)).toEqual([]);
    expect(eventsOf(effects)[0]?.eventType).toBe('scheduler_reregistered_event');
    const [explicit, implicit, revive] = callsOf(effects);
    expect(explicit).toEqual({
      type: 'RECONCILE',
      reconcile: { tasks: core.instances().map((i) => ({ task_id: { value: i.taskId }, agent_id: { value: 'S0' } })) },
    });
    expect(implicit).toEqual({ type: 'RECONCILE', reconcile: { tasks: [] } });
    expect(revive).toEqual({ type: 'REVIVE', revive: { roles: ['*'] } });
  });

  it('sends no calls while disconnected', () => {
    const { core } = launched();
    const disconnected = core.input({ type: 'disconnected', message: 'gone', now: START + 10 });
    expect(eventsOf(disconnected)[0]).toMatchObject({ eventType: 'scheduler_disconnected_event', message: 'gone' });
    const kill = core.killTasks({
      ids: [core.instances()[0]?.taskId ?? ''],
      scale: false,
      wipe: false,
      force: false,
      now: START + 11,
    });
    expect(callsOf(kill.effects)).toEqual([]);
    expect(core.instances()[0]?.killSentAt).toBe(START + 11);
  });
});

describe('offers', () => {
  it('persists new instances as TASK_STAGING before the ACCEPT that launches several on one offer', () => {
    const { core, effects } = launched();
    assertEffectOrder(effects);
    expect(effects[0]?.type).toBe('persist');
    const staged = writesOf(effects).filter((w) => w.kind === 'instance');
    expect(staged).toHaveLength(2);
    const accept = callsOf(effects).find((c) => c.type === 'ACCEPT');
    expect(accept?.type === 'ACCEPT' && accept.accept.operations?.[0]).toMatchObject({ type: 'LAUNCH' });
    const taskIds =
      accept?.type === 'ACCEPT' && accept.accept.operations?.[0]?.type === 'LAUNCH'
        ? accept.accept.operations[0].launch.task_infos.map((t) => t.task_id.value)
        : [];
    expect(taskIds).toEqual(core.instances().map((i) => i.taskId));
    for (const i of core.instances()) {
      expect(i).toMatchObject({
        appId: '/web',
        state: 'TASK_STAGING',
        goal: 'running',
        agentId: 'S0',
        host: 'host-S0',
        servicePorts: [10000],
      });
      expect(i.instanceId).toMatch(/^web\.instance-id\d+$/);
      expect(i.taskId).toBe(`${i.instanceId}._app.1`);
      expect(i.hostPorts).toHaveLength(1);
    }
    expect(callsOf(effects).at(-1)).toEqual({ type: 'SUPPRESS', suppress: { roles: ['*'] } });
    expect(core.queue(START + 2)).toEqual([]);
  });

  it('declines offers that fit nothing and records why in the queue', () => {
    const core = subscribedCore();
    core.deploy(deployRequest(START + 1, { upsert: [appDef({ ...WEB, cpus: 8 })] }));
    const effects = core.input({ type: 'offers', offers: [offerOf({ id: 'O1', agentId: 'S0' })], now: START + 2 });
    expect(callsOf(effects)).toEqual([
      { type: 'DECLINE', decline: { offer_ids: [{ value: 'O1' }], filters: { refuse_seconds: 1 } } },
    ]);
    expect(core.queue(START + 2)).toEqual([
      expect.objectContaining({
        appId: '/web',
        count: 2,
        offersProcessed: 1,
        declines: { InsufficientCpus: 1 },
        lastDeclineReason: 'InsufficientCpus',
      }),
    ]);
  });

  it('spreads the instances of a batch of offers, each on the offer with the most cpus left', () => {
    const core = subscribedCore();
    core.deploy(deployRequest(START + 1, { upsert: [appDef({ ...WEB, instances: 3 })] }));
    const busy = offerOf({ id: 'O1', agentId: 'S0', resources: 'cpus:1;mem:1024;ports:[31000-31099]' });
    const idle = offerOf({ id: 'O2', agentId: 'S1', resources: 'cpus:1.5;mem:1024;ports:[31000-31099]' });
    const effects = core.input({ type: 'offers', offers: [busy, idle], now: START + 2 });
    const launchedOn = (offerId: string): number =>
      callsOf(effects).flatMap((c) =>
        c.type === 'ACCEPT' && c.accept.offer_ids[0]?.value === offerId && c.accept.operations?.[0]?.type === 'LAUNCH'
          ? c.accept.operations[0].launch.task_infos
          : [],
      ).length;
    // 1.5 free takes the first, then 1 against 1 (the master's order), then the one with 1 left.
    expect([launchedOn('O1'), launchedOn('O2')]).toEqual([1, 2]);
    expect(core.instances().map((i) => i.agentId)).toEqual(['S1', 'S0', 'S1']);
  });

  it('keeps the last unused offer of each agent with why it did not fit, for /v2/queue', () => {
    const core = subscribedCore();
    core.deploy(deployRequest(START + 1, { upsert: [appDef({ ...WEB, instances: 2, cpus: 1 })] }));
    const offers = [
      offerOf({ id: 'O1', agentId: 'S0', resources: 'cpus:0.05;mem:1024;ports:[31000-31099]' }),
      offerOf({ id: 'O2', agentId: 'S1', resources: 'cpus:1.5;mem:1024;ports:[31000-31099]' }),
    ];
    core.input({ type: 'offers', offers, now: START + 2 });
    expect(core.queue(START + 2)[0]).toMatchObject({ count: 1, offersProcessed: 2, declines: { InsufficientCpus: 1 } });
    const rest = offerOf({ id: 'O3', agentId: 'S1', resources: 'cpus:0.5;mem:1024;ports:[31001-31099]' });
    core.input({ type: 'offers', offers: [rest], now: START + 3 });
    const [entry] = core.queue(START + 3);
    expect(entry).toMatchObject({ count: 1, offersProcessed: 3, declines: { InsufficientCpus: 2 } });
    const cpus = (u: UnusedOffer): number | undefined =>
      u.offer.resources.find((r) => r.name === 'cpus')?.scalar?.value;
    expect(entry?.lastUnusedOffers.map((u) => [u.offer.agent_id.value, u.reason, u.at, cpus(u)])).toEqual([
      ['S0', 'InsufficientCpus', new Date(START + 2).toISOString(), 0.05],
      ['S1', 'InsufficientCpus', new Date(START + 3).toISOString(), 0.5],
    ]);
  });

  it('gives the tasks of an app with the longest id a task id Mesos accepts', () => {
    const uuid = '123e4567-e89b-12d3-a456-426614174000';
    const core = new SchedulerCore({ options: { ...schedulerOptions(), newId: () => uuid } });
    core.input({ type: 'subscribed', frameworkId: FRAMEWORK_ID, master: MASTER_URL, now: START });
    const id = `/${'a'.repeat(50)}/${'b'.repeat(MAX_APP_ID_LENGTH - 52)}`;
    core.deploy(deployRequest(START + 1, { upsert: [appDef({ ...WEB, id, instances: 1 })] }));
    core.input({ type: 'offers', offers: [offerOf({ id: 'O1', agentId: 'S0' })], now: START + 2 });
    const [instance] = core.instancesOf(id);
    expect(instance?.taskId).toBe(`${id.slice(1).replace('/', '_')}.instance-${uuid}._app.1`);
    expect(instance?.taskId.length).toBeLessThanOrEqual(MESOS_MAX_ID_LENGTH);
  });

  it('revives when demand appears after a SUPPRESS', () => {
    const core = subscribedCore();
    const deployed = core.deploy(deployRequest(START + 1, { upsert: [appDef(WEB)] }));
    expect(callsOf(deployed.effects)).toEqual([{ type: 'REVIVE', revive: { roles: ['*'] } }]);
  });
});

describe('status updates', () => {
  it('sets startedAt on TASK_RUNNING, persists before acknowledging, and emits the events', () => {
    const { core } = launched();
    const [first] = core.instances();
    const effects = run(core, first?.taskId ?? '', START + 100);
    assertEffectOrder(effects);
    expect(writesOf(effects)).toEqual([
      {
        kind: 'instance',
        instance: expect.objectContaining({ state: 'TASK_RUNNING', startedAt: new Date(START + 100).toISOString() }),
      },
    ]);
    expect(callsOf(effects)).toEqual([
      {
        type: 'ACKNOWLEDGE',
        acknowledge: {
          agent_id: { value: 'S0' },
          task_id: { value: first?.taskId },
          uuid: `uuid-${first?.taskId}-TASK_RUNNING`,
        },
      },
    ]);
    expect(eventsOf(effects).map((e) => e.eventType)).toEqual(['status_update_event', 'instance_changed_event']);
    expect(eventsOf(effects)[1]).toMatchObject({
      condition: 'Running',
      runSpecId: '/web',
      instanceId: first?.instanceId,
    });
  });

  it('does not acknowledge a status without uuid and does not persist a repeated state', () => {
    const { core } = launched();
    const taskId = core.instances()[0]?.taskId ?? '';
    run(core, taskId, START + 100);
    const effects = core.input({
      type: 'update',
      status: status(taskId, 'TASK_RUNNING', { uuid: undefined }),
      now: START + 200,
    });
    expect(writesOf(effects)).toEqual([]);
    expect(callsOf(effects)).toEqual([]);
    expect(eventsOf(effects).map((e) => e.eventType)).toEqual(['status_update_event']);
  });

  it('kills an unknown live task and only acknowledges an unknown terminal one', () => {
    const core = subscribedCore();
    const live = core.input({ type: 'update', status: status('stray.1', 'TASK_RUNNING'), now: START + 1 });
    expect(callsOf(live)).toEqual([
      { type: 'KILL', kill: { task_id: { value: 'stray.1' }, agent_id: { value: 'S0' } } },
      {
        type: 'ACKNOWLEDGE',
        acknowledge: { agent_id: { value: 'S0' }, task_id: { value: 'stray.1' }, uuid: 'uuid-stray.1-TASK_RUNNING' },
      },
    ]);
    const dead = core.input({ type: 'update', status: status('stray.1', 'TASK_KILLED'), now: START + 2 });
    expect(callsOf(dead).map((c) => c.type)).toEqual(['ACKNOWLEDGE']);
  });

  it('expunges a failed task, records lastTaskFailure, backs off and queues a replacement', () => {
    const { core } = launched();
    const [first] = core.instances();
    run(core, first?.taskId ?? '', START + 100);
    const effects = core.input({
      type: 'update',
      status: status(first?.taskId ?? '', 'TASK_FAILED', { message: 'Command exited with status 1' }),
      now: START + 200,
    });
    const writes = writesOf(effects);
    expect(writes).toContainEqual({ kind: 'delete-instance', instanceId: first?.instanceId });
    expect(writes).toContainEqual({
      kind: 'task-failure',
      failure: expect.objectContaining({
        appId: '/web',
        state: 'TASK_FAILED',
        taskId: first?.taskId,
        message: 'Command exited with status 1',
      }),
    });
    expect(writes).toContainEqual({
      kind: 'delay',
      delay: expect.objectContaining({ appId: '/web', delayMs: 1000, until: START + 1200 }),
    });
    expect(eventsOf(effects)[1]).toMatchObject({ eventType: 'instance_changed_event', condition: 'Failed' });
    expect(core.instance(first?.taskId ?? '')).toBeUndefined();
    expect(core.lastTaskFailure('/web')?.taskId).toBe(first?.taskId);
    expect(core.queue(START + 200)).toEqual([
      expect.objectContaining({ appId: '/web', count: 1, delayUntil: START + 1200 }),
    ]);
    const early = core.input({ type: 'offers', offers: [offerOf({ id: 'O2', agentId: 'S0' })], now: START + 300 });
    expect(callsOf(early).map((c) => c.type)).toEqual(['DECLINE']);
    expect(callsOf(core.input({ type: 'tick', now: START + 1_100 })).map((c) => c.type)).toEqual([]);
    expect(callsOf(core.input({ type: 'tick', now: START + 1_200 })).map((c) => c.type)).toEqual(['REVIVE']);
    const late = core.input({ type: 'offers', offers: [offerOf({ id: 'O3', agentId: 'S0' })], now: START + 1_300 });
    expect(callsOf(late).map((c) => c.type)).toEqual(['ACCEPT', 'SUPPRESS']);
  });

  it('does not back off after TASK_KILLED', () => {
    const { core } = launched();
    const taskId = core.instances()[0]?.taskId ?? '';
    const effects = core.input({ type: 'update', status: status(taskId, 'TASK_KILLED'), now: START + 200 });
    expect(writesOf(effects).map((w) => w.kind)).toEqual(['delete-instance']);
    expect(core.delay('/web')).toBeUndefined();
    expect(core.queue(START + 200)[0]?.count).toBe(1);
  });

  it('replaces a TASK_UNREACHABLE instance at once and kills the surplus when it comes back', () => {
    const { core } = launched();
    const [a, b] = core.instances();
    for (const i of [a, b]) run(core, i?.taskId ?? '', START + 100);
    const unreachable = core.input({
      type: 'update',
      status: status(a?.taskId ?? '', 'TASK_UNREACHABLE', { uuid: undefined }),
      now: START + 200,
    });
    expect(eventsOf(unreachable)[1]).toMatchObject({ condition: 'Unreachable' });
    expect(core.instance(a?.taskId ?? '')?.state).toBe('TASK_UNREACHABLE');
    expect(core.queue(START + 200)[0]?.count).toBe(1);
    core.input({ type: 'offers', offers: [offerOf({ id: 'O2', agentId: 'S1' })], now: START + 300 });
    const replacement = core.instancesOf('/web').find((i) => i.agentId === 'S1');
    run(core, replacement?.taskId ?? '', START + 400);
    const back = run(core, a?.taskId ?? '', START + 500);
    const kill = callsOf(back).find((c) => c.type === 'KILL');
    expect(kill?.type === 'KILL' && kill.kill.task_id.value).toBe(replacement?.taskId);
  });

  describe('unreachableStrategy', () => {
    const STRATEGY = { ...WEB, unreachableStrategy: { inactiveAfterSeconds: 2, expungeAfterSeconds: 5 } };
    const AWAY = START + 1_000;

    /** Both instances running, then the first TASK_UNREACHABLE at AWAY. */
    function partitioned(json: Record<string, unknown>): { core: SchedulerCore; taskId: string; instanceId: string } {
      const { core } = launched(json);
      for (const i of core.instances()) run(core, i.taskId, START + 100);
      const { taskId = '', instanceId = '' } = core.instances()[0] ?? {};
      core.input({ type: 'update', status: status(taskId, 'TASK_UNREACHABLE', { uuid: undefined }), now: AWAY });
      return { core, taskId, instanceId };
    }

    const tick = (core: SchedulerCore, now: number): Effect[] => core.input({ type: 'tick', now });

    it('replaces after inactiveAfterSeconds, expunges after expungeAfterSeconds, then kills the task that comes back', () => {
      const { core, taskId, instanceId } = partitioned(STRATEGY);
      tick(core, AWAY + 1_999);
      expect(core.queue(AWAY)).toEqual([]);
      tick(core, AWAY + 2_000);
      expect(core.queue(AWAY)[0]?.count).toBe(1);
      tick(core, AWAY + 4_999);
      expect(core.instance(taskId)?.state).toBe('TASK_UNREACHABLE');
      const expunged = tick(core, AWAY + 5_000);
      expect(core.instance(taskId)).toBeUndefined();
      expect(core.instancesOf('/web')).toHaveLength(1);
      expect(writesOf(expunged)).toContainEqual({ kind: 'delete-instance', instanceId });
      expect(core.queue(AWAY)[0]?.count).toBe(1);
      const back = run(core, taskId, AWAY + 20_000);
      expect(callsOf(back)).toEqual([
        { type: 'KILL', kill: { task_id: { value: taskId }, agent_id: { value: 'S0' } } },
        {
          type: 'ACKNOWLEDGE',
          acknowledge: { agent_id: { value: 'S0' }, task_id: { value: taskId }, uuid: `uuid-${taskId}-TASK_RUNNING` },
        },
      ]);
      expect(core.instance(taskId)).toBeUndefined();
    });

    it('keeps an instance that comes back before expungeAfterSeconds', () => {
      const { core, taskId } = partitioned(STRATEGY);
      tick(core, AWAY + 4_999);
      run(core, taskId, AWAY + 4_999);
      tick(core, AWAY + 60_000);
      expect(core.instance(taskId)?.state).toBe('TASK_RUNNING');
    });

    it('never expunges when the strategy is disabled', () => {
      const { core, taskId } = partitioned({ ...WEB, unreachableStrategy: 'disabled' });
      tick(core, AWAY + 3_600_000);
      expect(core.instance(taskId)?.state).toBe('TASK_UNREACHABLE');
      expect(core.queue(AWAY)).toEqual([]);
    });

    it('counts an instance restored unreachable from the first tick after the restore', () => {
      const { core: before, taskId } = partitioned(STRATEGY);
      const app = before.root.apps['/web'];
      const core = new SchedulerCore({
        options: schedulerOptions(),
        state: {
          frameworkId: FRAMEWORK_ID,
          root: before.root,
          versions: app === undefined ? [] : [app],
          instances: before.instances(),
          deployments: [],
          failures: [],
          delays: [],
        },
      });
      const restored = AWAY + 60_000;
      tick(core, restored);
      tick(core, restored + 4_999);
      expect(core.instance(taskId)?.state).toBe('TASK_UNREACHABLE');
      tick(core, restored + 5_000);
      expect(core.instance(taskId)).toBeUndefined();
    });
  });

  it('takes `healthy` as the result of a Mesos-level check', () => {
    const { core } = launched({ ...WEB, healthChecks: [{ protocol: 'MESOS_HTTP', path: '/' }] });
    const taskId = core.instances()[0]?.taskId ?? '';
    const effects = core.input({
      type: 'update',
      status: status(taskId, 'TASK_RUNNING', { healthy: true }),
      now: START + 100,
    });
    expect(core.instance(taskId)?.health[0]).toMatchObject({ alive: true, consecutiveFailures: 0 });
    expect(eventsOf(effects).map((e) => e.eventType)).toEqual([
      'health_status_changed_event',
      'instance_health_changed_event',
      'status_update_event',
      'instance_changed_event',
    ]);
  });
});

describe('health and readiness', () => {
  const CHECKED = {
    ...WEB,
    instances: 1,
    healthChecks: [{ protocol: 'HTTP', path: '/', gracePeriodSeconds: 0, maxConsecutiveFailures: 2 }],
  };

  it('reports health changes, failures, and kills after maxConsecutiveFailures with backoff', () => {
    const { core } = launched(CHECKED);
    const taskId = core.instances()[0]?.taskId ?? '';
    run(core, taskId, START + 100);
    const up = core.input({ type: 'health', taskId, checkIndex: 0, alive: true, cause: null, now: START + 200 });
    expect(eventsOf(up).filter((e) => e.eventType.includes('health'))).toEqual([
      expect.objectContaining({ eventType: 'health_status_changed_event', appId: '/web', alive: true }),
      expect.objectContaining({ eventType: 'instance_health_changed_event', healthy: true }),
    ]);
    const once = core.input({
      type: 'health',
      taskId,
      checkIndex: 0,
      alive: false,
      cause: 'HTTP 500',
      now: START + 300,
    });
    expect(eventsOf(once).map((e) => e.eventType)).toEqual([
      'health_status_changed_event',
      'instance_health_changed_event',
      'failed_health_check_event',
    ]);
    expect(callsOf(once)).toEqual([]);
    const twice = core.input({
      type: 'health',
      taskId,
      checkIndex: 0,
      alive: false,
      cause: 'HTTP 500',
      now: START + 400,
    });
    expect(callsOf(twice)).toEqual([{ type: 'KILL', kill: { task_id: { value: taskId }, agent_id: { value: 'S0' } } }]);
    expect(eventsOf(twice).map((e) => e.eventType)).toEqual([
      'failed_health_check_event',
      'unhealthy_instance_kill_event',
    ]);
    expect(core.delay('/web')?.delayMs).toBe(1000);
    const killed = core.input({ type: 'update', status: status(taskId, 'TASK_KILLED'), now: START + 500 });
    expect(writesOf(killed).map((w) => w.kind)).toEqual(['delete-instance']);
  });

  it('ignores failures within the grace period', () => {
    const { core } = launched({
      ...CHECKED,
      healthChecks: [{ protocol: 'HTTP', gracePeriodSeconds: 10, maxConsecutiveFailures: 1 }],
    });
    const taskId = core.instances()[0]?.taskId ?? '';
    run(core, taskId, START + 100);
    const effects = core.input({
      type: 'health',
      taskId,
      checkIndex: 0,
      alive: false,
      cause: 'refused',
      now: START + 5_000,
    });
    expect(effects.filter((e) => e.type !== 'log')).toEqual([]);
    expect(core.instance(taskId)?.health).toEqual([]);
  });

  it('records readiness', () => {
    const { core } = launched(CHECKED);
    const taskId = core.instances()[0]?.taskId ?? '';
    const effects = core.input({ type: 'readiness', taskId, ready: true, now: START + 100 });
    expect(writesOf(effects)).toEqual([{ kind: 'instance', instance: expect.objectContaining({ ready: true }) }]);
  });
});

describe('ticks', () => {
  it('resends KILL after the kill-retry timeout', () => {
    const { core } = launched();
    const taskId = core.instances()[0]?.taskId ?? '';
    core.killTasks({ ids: [taskId], scale: false, wipe: false, force: false, now: START + 10 });
    expect(callsOf(core.input({ type: 'tick', now: START + 1_000 })).filter((c) => c.type === 'KILL')).toEqual([]);
    const retry = core.input({ type: 'tick', now: START + 2_010 });
    expect(callsOf(retry).filter((c) => c.type === 'KILL')).toHaveLength(1);
    expect(core.instance(taskId)?.killSentAt).toBe(START + 2_010);
  });

  it('kills a task that stays staging beyond the launch timeout', () => {
    const { core } = launched();
    const effects = core.input({ type: 'tick', now: START + 60_003 });
    expect(callsOf(effects).filter((c) => c.type === 'KILL')).toHaveLength(2);
  });

  it('reconciles periodically', () => {
    const { core } = launched();
    expect(callsOf(core.input({ type: 'tick', now: START + 1_000 })).filter((c) => c.type === 'RECONCILE')).toEqual([]);
    const due = core.input({ type: 'tick', now: START + 2_000 });
    expect(callsOf(due).filter((c) => c.type === 'RECONCILE')).toHaveLength(2);
    expect(callsOf(core.input({ type: 'tick', now: START + 3_000 })).filter((c) => c.type === 'RECONCILE')).toEqual([]);
  });

  it('forgets a delay after delay + maxLaunchDelay without failures', () => {
    const { core } = launched({ ...WEB, maxLaunchDelaySeconds: 5 });
    const taskId = core.instances()[0]?.taskId ?? '';
    core.input({ type: 'update', status: status(taskId, 'TASK_FAILED'), now: START + 100 });
    expect(writesOf(core.input({ type: 'tick', now: START + 5_000 }))).not.toContainEqual({
      kind: 'delete-delay',
      appId: '/web',
    });
    expect(writesOf(core.input({ type: 'tick', now: START + 6_200 }))).toContainEqual({
      kind: 'delete-delay',
      appId: '/web',
    });
    expect(core.delay('/web')).toBeUndefined();
  });
});
