// Three masters against our three-member ensemble: one leading master elected through `json.info_`
// znodes holding MasterInfo JSON, standbys redirecting, failover when the leader's session goes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MesosMasterClient } from '../../src/api/mesos.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import { NOT_LEADER_CLOSE_CODE } from '../../src/master/core/protocol.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { TestEnsemble } from '../helpers/ensemble.js';
import { FakeAgent, TestMasters, waitUntil } from '../helpers/masters.js';

let ensemble: TestEnsemble;
let masters: TestMasters;
let zk: ZkClient;

beforeAll(async () => {
  ensemble = await TestEnsemble.start();
  masters = await TestMasters.start({ zk: `zk://${ensemble.connectString}/mesos` });
  zk = await ZkClient.connect(ensemble.connectString);
});

afterAll(async () => {
  await zk?.close();
  await masters?.stopAll();
  await ensemble?.stop();
});

describe('masters contending through the ensemble', () => {
  it('elect exactly one leading master, which logs it in Mesos words', async () => {
    const leader = await masters.leading();
    const i = masters.indexOf(leader);
    expect(masters.running().filter((m) => m.report.role === 'leading')).toHaveLength(1);
    expect(masters.logs(i)).toContain('Elected as the leading master!');
    expect(
      masters.logs(i).some((l) => /^A new leading master \(UPID=master@127\.0\.0\.1:\d+\) is detected$/.test(l)),
    ).toBe(true);
    for (const [n, m] of masters.running().entries()) {
      expect(masters.logs(n)).toContain('Joining the ZK group');
      expect(
        masters.logs(n).some((l) => /^New candidate \(id='\d+'\) has entered the contest for leadership$/.test(l)),
      ).toBe(true);
      if (m !== leader)
        expect(masters.logs(n)).toContain(
          `The newly elected leader is ${leader.info.pid ?? ''} with id ${leader.info.id}`,
        );
    }
  });

  it('keep one ephemeral json.info_ znode per master holding MasterInfo JSON; the lowest leads', async () => {
    const leader = await masters.leading();
    const children = (await zk.getChildren('/mesos')).filter((c) => c.startsWith('json.info_')).sort();
    expect(children).toHaveLength(3);
    for (const child of children) {
      expect(child).toMatch(/^json\.info_\d{10}$/);
      const { data, stat } = await zk.getData(`/mesos/${child}`);
      expect(stat.ephemeralOwner).not.toBe(0n);
      const info = JSON.parse(data?.toString('utf8') ?? '') as Record<string, unknown>;
      expect(Object.keys(info)).toEqual(['id', 'ip', 'port', 'pid', 'hostname', 'version', 'address', 'capabilities']);
      expect(info['ip']).toBe(16777343);
      expect(info['pid']).toBe(`master@127.0.0.1:${String(info['port'])}`);
      expect(info['address']).toEqual({ hostname: '127.0.0.1', ip: '127.0.0.1', port: info['port'] });
    }
    const lowest = JSON.parse((await zk.getData(`/mesos/${children[0] ?? ''}`)).data?.toString('utf8') ?? '') as {
      id: string;
    };
    expect(lowest.id).toBe(leader.info.id);
  });

  it('answer leader-only endpoints on a standby with 307 to the leading master', async () => {
    const leader = await masters.leading();
    const standby = masters.running().find((m) => m !== leader);
    if (standby === undefined) throw new Error('no standby');
    const base = `//127.0.0.1:${leader.info.port}`;
    for (const [path, location] of [
      ['/master/state?jsonp=cb', `${base}/master/state?jsonp=cb`],
      ['/state.json', `${base}/master/state.json`],
      ['/master/tasks?limit=5', `${base}/master/tasks?limit=5`],
      ['/master/redirect', base],
    ] as const) {
      const res = await fetch(`${standby.url}${path}`, { redirect: 'manual' });
      expect([path, res.status]).toEqual([path, 307]);
      expect(res.headers.get('location')).toBe(location);
    }
    const scheduler = await fetch(`${standby.url}/api/v1/scheduler`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(scheduler.status).toBe(307);
    expect(scheduler.headers.get('location')).toBe(`${base}/master/api/v1/scheduler`);
    const state = await new MesosMasterClient(standby.url).state();
    expect(state.id).toBe(leader.info.id);
    expect(await new MesosMasterClient(standby.url).leader()).toBe(leader.url);
    expect((await fetch(`${standby.url}/master/health`)).status).toBe(200);
    expect((await new MesosMasterClient(standby.url).metrics())['master/elected']).toBe(0);
  });

  it('have a standby close agent links, naming the leading master', async () => {
    const leader = await masters.leading();
    const standby = masters.running().find((m) => m !== leader);
    if (standby === undefined) throw new Error('no standby');
    const agent = await FakeAgent.connect(standby.url);
    expect(await agent.closed()).toEqual({ code: NOT_LEADER_CLOSE_CODE, reason: leader.info.pid });
  });

  it('stop leading when the registry was written by someone else (a conflict means another master took over)', async () => {
    const old = await masters.leading();
    const { data } = await zk.getData('/mesos/registry');
    await zk.setData('/mesos/registry', data);
    const agent = await FakeAgent.connect(old.url);
    expect((await agent.closed()).code).toBe(NOT_LEADER_CLOSE_CODE);
    const next = await masters.leading(5_000);
    expect(next.info.id).not.toBe(old.info.id);
    expect(
      masters
        .logs(masters.indexOf(old))
        .some((l) => /^Failed to update the registry: .*changed by another master/.test(l)),
    ).toBe(true);
  });

  it('fail over within seconds when the leading master loses its session', async () => {
    const old = await masters.leading();
    await old.zkSession?.close();
    const next = await masters.leading(5_000);
    expect(next.info.id).not.toBe(old.info.id);
    const i = masters.indexOf(old);
    expect(old.report.role).toBe('standby');
    expect(masters.logs(i).some((l) => l.startsWith('Lost leadership: session closed'))).toBe(true);
    await waitUntil(
      'the old leading master to contend again',
      () => masters.logs(i).filter((l) => l === 'Joining the ZK group').length === 2,
    );
  });
});

describe('a master cut off from the ensemble', () => {
  it('stops leading once its session times out, and another master leads', async () => {
    const proxy = await TcpProxy.start(ensemble.clientPort(ensemble.sids[0] ?? 1));
    const cut = await TestMasters.start({ zk: `zk://127.0.0.1:${proxy.port}/mesos`, count: 1 });
    try {
      await masters.stopAll();
      const leader = await cut.leading();
      const standby = await masters.start(0);
      await waitUntil('the standby to know the leading master', () => standby.report.leader === leader.url);
      proxy.cut({ block: true });
      await waitUntil('the standby to lead', () => standby.report.role === 'leading', 8_000);
      await waitUntil('the cut-off master to stop leading', () => leader.report.role === 'standby', 5_000);
      expect(cut.logs(0)).toContain('Lost connection to ZooKeeper, attempting to reconnect ...');
      expect(
        cut.logs(0).some((l) => l.startsWith('Timed out waiting to connect to ZooKeeper. Forcing ZooKeeper session')),
      ).toBe(true);
      proxy.open();
      await waitUntil('the cut-off master to follow the new leader', () => leader.report.leader === standby.url, 8_000);
    } finally {
      await cut.stopAll();
      await proxy.close();
    }
  });
});
