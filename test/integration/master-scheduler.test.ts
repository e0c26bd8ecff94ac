// A v1 framework and a fake agent on the leading master: SUBSCRIBE, OFFERS, LAUNCH, RUN_TASK, UPDATE,
// ACKNOWLEDGE; the transport's refusals; the endpoints' shapes; the registry znode; and a failover
// after which the new leading master still knows the agent and its running task.
import { BUILD } from '../../src/common/build-info.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MesosMasterClient, SchedulerClient, type Subscription } from '../../src/api/mesos.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import type { Offer, TaskInfo } from '../../src/master/core/v1.js';
import type { Master } from '../../src/master/master.js';
import { TestEnsemble } from '../helpers/ensemble.js';
import { EventLog, FakeAgent, TestMasters, frameworkInfo, waitUntil } from '../helpers/masters.js';

let ensemble: TestEnsemble;
let masters: TestMasters;
let leader: Master;
let agent: FakeAgent;
let sub: Subscription;
let events: EventLog;

beforeAll(async () => {
  ensemble = await TestEnsemble.start();
  masters = await TestMasters.start({ zk: `zk://${ensemble.connectString}/mesos` });
  leader = await masters.leading();
  agent = await FakeAgent.connect(leader.url, { hostname: 'agent-1.local' });
  await agent.next('REGISTERED');
  const standby = masters.running().find((m) => m !== leader);
  sub = await new SchedulerClient({ master: standby?.url ?? leader.url }).subscribe({
    frameworkInfo: frameworkInfo('minimarathon'),
  });
  events = new EventLog(sub);
});

afterAll(async () => {
  sub?.close();
  await masters?.stopAll();
  await ensemble?.stop();
});

function task(offer: Offer, id: string): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 }, role: '*', allocation_info: { role: '*' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 128 }, role: '*', allocation_info: { role: '*' } },
    ],
    command: { value: 'sleep 1000', shell: true },
  };
}

async function post(
  master: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${master}/api/v1/scheduler`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, text: await res.text() };
}

describe('a v1 framework on the leading master', () => {
  it('subscribes through a standby (307) and gets SUBSCRIBED with the leading master', () => {
    expect(sub.master).toBe(leader.url);
    expect(sub.frameworkId).toMatch(new RegExp(`^${leader.info.id}-0000$`));
    expect(sub.masterInfo.id).toBe(leader.info.id);
    expect(sub.streamId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('launches a task on the offered agent and acknowledges its updates', async () => {
    const offers = (await events.next('OFFERS')).offers.offers;
    const offer = offers[0];
    if (offer === undefined) throw new Error('no offer');
    expect(offer.agent_id.value).toBe(agent.agentId);
    expect(offer.hostname).toBe('agent-1.local');
    await sub.call({
      type: 'ACCEPT',
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [task(offer, 'web.1')] } }],
      },
    });
    const run = await agent.next('RUN_TASK');
    expect(run.task.task_id.value).toBe('web.1');
    expect(run.framework.id?.value).toBe(sub.frameworkId);

    const uuid = agent.status(sub.frameworkId, 'web.1', 'TASK_RUNNING');
    const update = (await events.next('UPDATE')).update.status;
    expect(update).toMatchObject({ state: 'TASK_RUNNING', uuid, agent_id: { value: agent.agentId } });
    await sub.call({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: { value: agent.agentId ?? '' }, task_id: { value: 'web.1' }, uuid },
    });
    expect(await agent.next('ACKNOWLEDGE')).toEqual({
      type: 'ACKNOWLEDGE',
      framework_id: { value: sub.frameworkId },
      task_id: { value: 'web.1' },
      uuid,
    });
  });

  it('answers DECLINE, REVIVE, SUPPRESS, RECONCILE and KILL with 202', async () => {
    await sub.call({ type: 'SUPPRESS', suppress: { roles: [] } });
    await sub.call({ type: 'REVIVE', revive: { roles: [] } });
    const offer = (await events.next('OFFERS')).offers.offers[0];
    if (offer === undefined) throw new Error('no offer');
    await sub.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 0 } } });
    await sub.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    const reconciled = (await events.next('UPDATE')).update.status;
    expect(reconciled).toMatchObject({
      task_id: { value: 'web.1' },
      state: 'TASK_RUNNING',
      reason: 'REASON_RECONCILIATION',
    });
    expect(reconciled.uuid).toBeUndefined();
    await sub.call({ type: 'KILL', kill: { task_id: { value: 'no-such-task' } } });
    expect((await events.next('UPDATE')).update.status).toMatchObject({
      task_id: { value: 'no-such-task' },
      state: 'TASK_UNKNOWN',
    });
  });

  it('sends HEARTBEAT events', async () => {
    await events.next('HEARTBEAT', undefined, 3_000);
  });

  it('rescinds the offers of an agent that goes away, then reports its FAILURE', async () => {
    const other = await FakeAgent.connect(leader.url, { hostname: 'agent-2.local' });
    await other.next('REGISTERED');
    const id = other.agentId ?? '';
    const offers = await events.next('OFFERS', (e) => e.offers.offers.some((o) => o.agent_id.value === id));
    const offer = offers.offers.offers.find((o) => o.agent_id.value === id);
    other.kill();
    await events.next('RESCIND', (e) => e.rescind.offer_id.value === offer?.id.value);
    await events.next('FAILURE', (e) => e.failure.agent_id?.value === id);
  });
});

describe('the scheduler API refuses bad calls as Mesos does', () => {
  const call = (type: string, extra: object = {}): string =>
    JSON.stringify({ type, framework_id: { value: sub.frameworkId }, ...extra });

  it('400 on bodies that are not calls', async () => {
    for (const [body, message] of [
      ['{not json', /^Failed to parse body into JSON/],
      ['{"type":"FROB"}', /^Failed to convert JSON into Call protobuf: Unknown call type 'FROB'/],
      [
        '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root"}}}',
        /Missing required fields: subscribe\.framework_info\.name/,
      ],
      [
        '{"type":"ACCEPT","accept":{"offer_ids":[]}}',
        /^Failed to validate scheduler::Call: Expecting 'framework_id' to be present/,
      ],
      [call('DECLINE'), /^Failed to validate scheduler::Call: Expecting 'decline' to be present/],
      [
        call('ACCEPT', { accept: { offer_ids: [{ value: 3 }] } }),
        /Field 'accept\.offer_ids\[0\]\.value' must be a string/,
      ],
    ] as const) {
      const res = await post(leader.url, body, { 'Mesos-Stream-Id': sub.streamId });
      expect([body, res.status]).toEqual([body, 400]);
      expect(res.text).toMatch(message);
    }
  });

  it('400 on a missing or wrong Mesos-Stream-Id, and on SUBSCRIBE carrying one', async () => {
    const missing = await post(leader.url, call('REVIVE'));
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/stream ID '' included in this request didn't match/);
    expect((await post(leader.url, call('REVIVE'), { 'Mesos-Stream-Id': 'nope' })).status).toBe(400);
    const subscribe = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo('x') } });
    expect(await post(leader.url, subscribe, { 'Mesos-Stream-Id': sub.streamId })).toEqual({
      status: 400,
      text: "Subscribe calls should not include the 'Mesos-Stream-Id' header",
    });
  });

  it('400 for an unknown framework, 403 for one that is not subscribed', async () => {
    const unknown = JSON.stringify({ type: 'REVIVE', framework_id: { value: 'nobody' } });
    expect((await post(leader.url, unknown, { 'Mesos-Stream-Id': sub.streamId })).status).toBe(400);
    const other = await new SchedulerClient({ master: leader.url }).subscribe({
      frameworkInfo: frameworkInfo('short-lived', { failover_timeout: 3600 }),
    });
    other.close();
    const revive = JSON.stringify({ type: 'REVIVE', framework_id: { value: other.frameworkId } });
    await waitUntil(
      'the framework to disconnect',
      async () => (await post(leader.url, revive, { 'Mesos-Stream-Id': other.streamId })).status === 403,
    );
    await expect(other.call({ type: 'REVIVE' })).rejects.toMatchObject({
      status: 403,
      message: 'Framework is not subscribed',
    });
  });

  it('405, 415 and 501 where Mesos answers them', async () => {
    expect((await fetch(`${leader.url}/api/v1/scheduler`)).status).toBe(405);
    expect((await post(leader.url, call('REVIVE'), { 'Content-Type': 'text/plain' })).status).toBe(415);
    const missingType = await fetch(`${leader.url}/api/v1/scheduler`, { method: 'POST', body: new Uint8Array([1]) });
    expect(missingType.status).toBe(400);
    expect((await post(leader.url, call('UPDATE_FRAMEWORK'), { 'Mesos-Stream-Id': sub.streamId })).status).toBe(501);
  });

  it('refuses to subscribe a framework that was torn down (ERROR on the stream)', async () => {
    const scheduler = new SchedulerClient({ master: leader.url });
    const gone = await scheduler.subscribe({ frameworkInfo: frameworkInfo('torn-down') });
    await gone.call({ type: 'TEARDOWN' });
    const again = scheduler.subscribe({ frameworkInfo: frameworkInfo('torn-down'), frameworkId: gone.frameworkId });
    await expect(again).rejects.toThrow(/^SUBSCRIBE failed: Framework has been removed$/);
    await expect(scheduler.subscribe({ frameworkInfo: { user: 'root' } as never })).rejects.toMatchObject({
      status: 400,
    });
  });
});

describe('the endpoints of the leading master', () => {
  it('/master/state has the reference shape, also as /state, /state.json and JSONP', async () => {
    const state = await new MesosMasterClient(leader.url).state();
    expect(Object.keys(state)).toEqual(
      expect.arrayContaining([
        'version',
        'build_date',
        'build_time',
        'build_user',
        'start_time',
        'elected_time',
        'id',
        'pid',
        'hostname',
        'capabilities',
      ]),
    );
    expect(state).toMatchObject({
      id: leader.info.id,
      leader: leader.info.pid,
      leader_info: { id: leader.info.id, port: leader.info.port },
      activated_slaves: 1,
    });
    expect(state.flags['zk']).toBe(`zk://${ensemble.connectString}/mesos`);
    expect(state.slaves[0]).toMatchObject({ id: agent.agentId, hostname: 'agent-1.local', active: true });
    const fw = state.frameworks.find((f) => f.id === sub.frameworkId);
    expect(fw?.tasks[0]).toMatchObject({
      id: 'web.1',
      state: 'TASK_RUNNING',
      slave_id: agent.agentId,
      resources: { cpus: 0.5, mem: 128, gpus: 0, disk: 0 },
    });
    for (const path of ['/state', '/state.json'])
      expect((await (await fetch(`${leader.url}${path}`)).json()) as object).toMatchObject({ id: leader.info.id });
    const jsonp = await fetch(`${leader.url}/master/state?jsonp=angular.callbacks._0`);
    expect(jsonp.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await jsonp.text()).toMatch(/^angular\.callbacks\._0\(\{"version":/);
  });

  it('/master/state-summary, frameworks, slaves, tasks, flags, version, health', async () => {
    const client = new MesosMasterClient(leader.url);
    const summary = await client.stateSummary();
    expect(summary['slaves']).toEqual([
      expect.objectContaining({ id: agent.agentId, TASK_RUNNING: 1, framework_ids: [sub.frameworkId] }),
    ]);
    expect(summary['frameworks']).toContainEqual(
      expect.objectContaining({ id: sub.frameworkId, TASK_RUNNING: 1, slave_ids: [agent.agentId] }),
    );
    expect((await client.frameworks(sub.frameworkId)).frameworks.map((f) => f.id)).toEqual([sub.frameworkId]);
    expect((await client.slaves()).slaves[0]).toHaveProperty('unreserved_resources_full');
    expect((await client.tasks({ task_id: 'web.1' })).tasks.map((t) => t.id)).toEqual(['web.1']);
    expect((await client.flags()).flags['allocation_interval']).toBe('100ms');
    expect(await client.version()).toMatchObject({ version: '1.11.0', build_user: BUILD.build_user });
    expect(await client.health()).toBe(true);
  });

  it('/metrics/snapshot has the master/* keys the web UI reads', async () => {
    const metrics = await new MesosMasterClient(leader.url).metrics();
    for (const state of ['staging', 'starting', 'running', 'killing', 'finished', 'killed', 'failed', 'lost']) {
      expect(typeof metrics[`master/tasks_${state}`]).toBe('number');
    }
    expect(metrics).toMatchObject({
      'master/elected': 1,
      'master/tasks_running': 1,
      'master/slaves_active': 1,
      'master/frameworks_active': 1,
    });
    expect(metrics['master/uptime_secs']).toBeGreaterThan(0);
  });

  it('keeps the admitted agent in the versioned registry znode', async () => {
    const zk = await ZkClient.connect(ensemble.connectString);
    try {
      const { data, stat } = await zk.getData('/mesos/registry');
      const registry = JSON.parse(data?.toString('utf8') ?? '') as {
        admitted: { id: { value: string }; hostname: string }[];
      };
      expect(registry.admitted).toEqual([
        expect.objectContaining({ id: { value: agent.agentId }, hostname: 'agent-1.local' }),
      ]);
      expect(stat.version).toBeGreaterThan(0);
    } finally {
      await zk.close();
    }
  });
});

describe('after the leading master crashes', () => {
  it('the next leading master knows the agent from the registry and the running task once the agent is back', async () => {
    const old = leader;
    const agentId = agent.agentId ?? '';
    await masters.stop(masters.indexOf(old));
    expect((await agent.closed()).code).toBe(1001);
    const next = await masters.leading(5_000);
    const recovered = await new MesosMasterClient(next.url).slaves();
    expect(recovered.recovered_slaves).toEqual([expect.objectContaining({ id: agentId, hostname: 'agent-1.local' })]);

    const running = {
      name: 'web.1',
      task_id: { value: 'web.1' },
      framework_id: { value: sub.frameworkId },
      agent_id: { value: agentId },
      state: 'TASK_RUNNING' as const,
      resources: task({ agent_id: { value: agentId } } as Offer, 'web.1').resources,
      statuses: [],
    };
    const back = await FakeAgent.connect(next.url, {
      hostname: 'agent-1.local',
      reregister: {
        agentId,
        tasks: [running],
        frameworks: [{ ...frameworkInfo('minimarathon'), id: { value: sub.frameworkId } }],
      },
    });
    await back.next('REREGISTERED');
    await waitUntil('the stream of the crashed master to end', () => events.closed);

    const again = await new SchedulerClient({ master: next.url }).subscribe({
      frameworkInfo: frameworkInfo('minimarathon'),
      frameworkId: sub.frameworkId,
    });
    try {
      const log = new EventLog(again);
      await again.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
      expect((await log.next('UPDATE')).update.status).toMatchObject({
        task_id: { value: 'web.1' },
        state: 'TASK_RUNNING',
      });
      const state = await new MesosMasterClient(next.url).state();
      expect(state.frameworks.find((f) => f.id === sub.frameworkId)?.tasks.map((t) => t.id)).toEqual(['web.1']);
      expect(state.recovered_slaves).toEqual([]);
    } finally {
      again.close();
    }
  });
});
