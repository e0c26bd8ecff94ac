// A real agent (worker thread, process containerizer) with real masters and a v1 framework: offers from
// its resources, LAUNCH → STARTING/RUNNING with acknowledgements, leader failover with re-registration, KILL.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchedulerClient, type Subscription } from '../../src/api/mesos.js';
import type { Offer, TaskInfo, TaskState } from '../../src/master/core/v1.js';
import type { Master } from '../../src/master/master.js';
import { agentConfig, AgentWorker } from '../helpers/agents.js';
import { TestEnsemble } from '../helpers/ensemble.js';
import { EventLog, TestMasters, frameworkInfo, waitUntil } from '../helpers/masters.js';

const FRAMEWORK = frameworkInfo('agent-test');

let ensemble: TestEnsemble;
let masters: TestMasters;
let leader: Master;
let agent: AgentWorker;
let sub: Subscription;
let events: EventLog;

beforeAll(async () => {
  ensemble = await TestEnsemble.start({ participants: 1 });
  masters = await TestMasters.start({ zk: `zk://${ensemble.connectString}/mesos`, count: 2 });
  leader = await masters.leading();
  agent = new AgentWorker(await agentConfig({ servers: ensemble.connectString, containerizers: ['mesos'] }));
  await agent.start();
  await agent.waitRegistered();
  sub = await new SchedulerClient({ master: leader.url }).subscribe({ frameworkInfo: FRAMEWORK });
  events = new EventLog(sub);
});

afterAll(async () => {
  sub?.close();
  await agent?.stop(true);
  await masters?.stopAll();
  await ensemble?.stop();
  if (agent !== undefined) rmSync(agent.config.workDir, { recursive: true, force: true });
});

function sleepTask(offer: Offer, id: string): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*', allocation_info: { role: '*' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*', allocation_info: { role: '*' } },
    ],
    command: { value: 'sleep 1000', shell: true },
  };
}

/** The next UPDATE of `taskId` in `state`, acknowledged on `on`. */
async function acknowledged(on: Subscription, log: EventLog, taskId: string, state: TaskState): Promise<void> {
  const event = await log.next(
    'UPDATE',
    (e) => e.update.status.task_id.value === taskId && e.update.status.state === state,
  );
  const { status } = event.update;
  if (status.uuid !== undefined)
    await on.call({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: status.agent_id ?? { value: '' }, task_id: status.task_id, uuid: status.uuid },
    });
}

describe('an agent with real masters', () => {
  it('is offered with its resources and runs a launched task, its updates acknowledged', async () => {
    const agentId = agent.status?.agentId ?? '';
    const offers = await events.next('OFFERS', (e) => e.offers.offers.some((o) => o.agent_id.value === agentId));
    const offer = offers.offers.offers.find((o) => o.agent_id.value === agentId);
    if (offer === undefined) throw new Error('no offer');
    expect(offer.resources.map((r) => r.name).sort()).toEqual(['cpus', 'disk', 'mem', 'ports']);
    await sub.call({
      type: 'ACCEPT',
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [sleepTask(offer, 'sleeper')] } }],
      },
    });
    await acknowledged(sub, events, 'sleeper', 'TASK_STARTING');
    await acknowledged(sub, events, 'sleeper', 'TASK_RUNNING');
  });

  it('re-registers with the new leading master after a failover, which then knows the running task', async () => {
    const old = masters.indexOf(leader);
    await masters.stop(old);
    leader = await masters.leading();
    await waitUntil(
      'the agent to re-register with the new leader',
      () => agent.status?.registered === true && agent.status.master === leader.info.pid,
    );
    const state = (await (await fetch(`${leader.url}/master/state`)).json()) as {
      frameworks: { tasks: { id: string; state: string; slave_id: string }[] }[];
    };
    const task = state.frameworks.flatMap((f) => f.tasks).find((t) => t.id === 'sleeper');
    expect(task).toMatchObject({ state: 'TASK_RUNNING', slave_id: agent.status?.agentId });
  });

  it('kills the task for the re-subscribed framework', async () => {
    sub.close();
    sub = await new SchedulerClient({ master: leader.url }).subscribe({
      frameworkInfo: FRAMEWORK,
      frameworkId: sub.frameworkId,
    });
    events = new EventLog(sub);
    await sub.call({
      type: 'KILL',
      kill: { task_id: { value: 'sleeper' }, agent_id: { value: agent.status?.agentId ?? '' } },
    });
    await acknowledged(sub, events, 'sleeper', 'TASK_KILLING');
    await acknowledged(sub, events, 'sleeper', 'TASK_KILLED');
  });
});
