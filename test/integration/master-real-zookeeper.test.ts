// The same masters against a real ZooKeeper 3.8 (`--zk` pointing at it): election through
// `json.info_` znodes, a framework launching a task on a fake agent, failover with the registry
// (skipped, saying why, when java or the ZooKeeper distribution is not installed; failed instead under
// MINICLUSTER_REQUIRE_ZOOKEEPER=1).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MesosMasterClient, SchedulerClient, type Subscription } from '../../src/api/mesos.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import { parseResourceText } from '../../src/master/core/resources.js';
import { EventLog, FakeAgent, TestMasters, frameworkInfo } from '../helpers/masters.js';
import { describeWithRealZooKeeper, startRealZooKeeper, type RealZooKeeper } from '../helpers/real-zookeeper.js';

describeWithRealZooKeeper('masters against a real ZooKeeper 3.8', () => {
  let zookeeper: RealZooKeeper;
  let masters: TestMasters;
  let sub: Subscription | undefined;

  beforeAll(async () => {
    const started = await startRealZooKeeper({ members: 1 });
    if (started === null) throw new Error('real ZooKeeper did not start');
    zookeeper = started;
    masters = await TestMasters.start({ zk: `zk://${zookeeper.connectString}/mesos` });
  });

  afterAll(async () => {
    sub?.close();
    await masters?.stopAll();
    await zookeeper?.stop();
  });

  it('elects one leading master through json.info_ znodes holding MasterInfo JSON', async () => {
    const leader = await masters.leading();
    const zk = await ZkClient.connect(zookeeper.connectString);
    try {
      const children = (await zk.getChildren('/mesos')).filter((c) => c.startsWith('json.info_')).sort();
      expect(children).toHaveLength(3);
      const lowest = JSON.parse((await zk.getData(`/mesos/${children[0] ?? ''}`)).data?.toString('utf8') ?? '') as {
        id: string;
        ip: number;
      };
      expect(lowest).toMatchObject({ id: leader.info.id, ip: 16777343 });
    } finally {
      await zk.close();
    }
  });

  it('runs a framework task on a fake agent', async () => {
    const leader = await masters.leading();
    const agent = await FakeAgent.connect(leader.url);
    await agent.next('REGISTERED');
    sub = await new SchedulerClient({ master: leader.url }).subscribe({ frameworkInfo: frameworkInfo('real-zk') });
    const events = new EventLog(sub);
    const offer = (await events.next('OFFERS')).offers.offers[0];
    if (offer === undefined) throw new Error('no offer');
    const resources = parseResourceText('cpus:0.1;mem:32').map((r) => ({ ...r, allocation_info: { role: '*' } }));
    const launch = {
      task_infos: [
        { name: 't', task_id: { value: 't' }, agent_id: offer.agent_id, resources, command: { value: 'true' } },
      ],
    };
    await sub.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch }] } });
    await agent.next('RUN_TASK');
    const uuid = agent.status(sub.frameworkId, 't', 'TASK_RUNNING');
    expect((await events.next('UPDATE')).update.status).toMatchObject({ state: 'TASK_RUNNING', uuid });
    await sub.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: offer.agent_id, task_id: { value: 't' }, uuid } });
    await agent.next('ACKNOWLEDGE');
  });

  it('fails over when the leading master loses its session; the next one recovers the registry', async () => {
    const old = await masters.leading();
    await old.zkSession?.close();
    const next = await masters.leading(10_000);
    expect(next.info.id).not.toBe(old.info.id);
    expect((await new MesosMasterClient(next.url).slaves()).recovered_slaves).toHaveLength(1);
  });
});
