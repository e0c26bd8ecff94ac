// What the real Mesos web UI and Marathon's operators ask of a cluster started with the CLI (3 masters,
// 2 agents, 2 schedulers) running one process app: masters and agents report the same build facts; a
// standby answers every master/* metric; /master/roles through a standby's 307 as JSONP; the master's log at
// /master/log reads as `minicluster logs master-N` prints it; the agent measures the app's task; a callback
// subscribed with /v2/eventSubscriptions gets the events; `minicluster scheduler abdicate` moves scheduler
// leadership with the task kept running, and the new leader keeps the callback and POSTs to it; a POSTed
// maintenance schedule drains its machines and outlives the leading master.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../src/api/agent.js';
import { MarathonClient } from '../../src/api/marathon.js';
import { MesosMasterClient } from '../../src/api/mesos.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { waitUntil } from '../helpers/ensemble.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'operators';
const APP = { id: '/idler', cmd: 'sleep 1000', cpus: 0.05, mem: 16 };
const home = new CliHome();

/** Records the event types POSTed to it. */
let received: string[] = [];
let callbacks: Server;
let callbackUrl = '';

afterAll(async () => {
  await home.cleanup();
  callbacks?.closeAllConnections();
  await new Promise((resolve) => callbacks?.close(resolve));
}, 120_000);

function one<T>(list: readonly T[], what: string, pick: (t: T) => boolean): T {
  const found = list.find(pick);
  if (found === undefined) throw new Error(`no ${what}`);
  return found;
}

describe('the operators of a cluster', () => {
  let status: ClusterStatus;
  let leader: string;
  let standby: string;

  beforeAll(async () => {
    callbacks = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += String(chunk)));
      req.on('end', () => {
        received.push(String((JSON.parse(body) as { eventType?: unknown }).eventType));
        res.end();
      });
    });
    await new Promise<void>((resolve) => callbacks.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}/marathon-events`;
    status = await home.up(CLUSTER, '--schedulers', '2');
    const file = join(home.dir, 'idler.json');
    writeFileSync(file, JSON.stringify(APP));
    await home.ok('deploy', file, '--name', CLUSTER);
    leader = one(status.masters, 'leading master', (m) => m.role === 'leading').url;
    standby = one(status.masters, 'standby master', (m) => m.role === 'standby').url;
  }, 180_000);

  it('masters and agents report the same build facts; a standby answers every master/* metric', async () => {
    const build = await new MesosMasterClient(leader).version();
    const agent = await new AgentClient(status.agents[0]?.url ?? '').state();
    expect({
      version: agent.version,
      build_date: agent.build_date,
      build_time: agent.build_time,
      build_user: agent.build_user,
    }).toEqual(build);
    expect(build.build_time).toBeGreaterThan(0);
    const led = await (await fetch(`${leader}/metrics/snapshot`)).json();
    const stood = (await (await fetch(`${standby}/metrics/snapshot`)).json()) as Record<string, number>;
    expect(Object.keys(stood).sort()).toEqual(Object.keys(led as object).sort());
    expect(stood['master/elected']).toBe(0);
    expect(stood['master/tasks_running']).toBe(0);
  });

  it("answers /master/roles through a standby's redirect, as JSONP", async () => {
    const res = await fetch(`${standby}/master/roles?jsonp=angular.callbacks._1`);
    const text = await res.text();
    const roles = JSON.parse(text.replace(/^angular\.callbacks\._1\(/, '').replace(/\);$/, '')) as {
      roles: { name: string; frameworks: string[]; allocated: { cpus: number } }[];
    };
    const frameworkId = one(status.schedulers, 'leading scheduler', (s) => s.role === 'leading').frameworkId;
    const [role] = roles.roles;
    expect(role?.name).toBe('*');
    expect(role?.frameworks).toContain(frameworkId);
    expect(role?.allocated.cpus).toBeGreaterThanOrEqual(APP.cpus);
  });

  it("serves a master's log at /master/log as the lines `minicluster logs` prints", async () => {
    const master = one(status.masters, 'master', () => true);
    const read = (await (await fetch(`${master.url}/files/read?path=/master/log&offset=0`)).json()) as {
      data: string;
    };
    const printed = (await home.ok('logs', master.name, '--name', CLUSTER)).split('\n');
    const served = read.data.split('\n').slice(0, -1);
    expect(served.length).toBeGreaterThan(3);
    expect(printed.slice(0, served.length)).toEqual(served);
  });

  it("measures the app's task on its agent", async () => {
    const { tasks } = await new MesosMasterClient(leader).tasks();
    const task = one(tasks, 'idler task', (t) => t.name === 'idler');
    const agentUrl = one(status.agents, 'agent of the task', (a) => a.id === task.slave_id).url ?? '';
    const stats = await waitUntil('the task measured', async () =>
      (await new AgentClient(agentUrl).statistics()).find((e) => e.executor_id === task.id),
    );
    expect(stats.statistics).toMatchObject({ cpus_limit: 0.05, mem_limit_bytes: 16 * 1024 * 1024 });
    expect(stats.statistics.mem_rss_bytes).toBeGreaterThan(0);
  });

  it('moves scheduler leadership with `scheduler abdicate`; the task runs on and the callback keeps its events', {
    timeout: 120_000,
  }, async () => {
    const marathon = new MarathonClient(status.marathon ?? '');
    await marathon.subscribe(callbackUrl);
    await waitUntil('the subscribe_event at the callback', () => received.includes('subscribe_event'));
    const before = one(status.schedulers, 'leading scheduler', (s) => s.role === 'leading');
    const taskIds = (await marathon.appTasks('/idler')).map((t) => t.id);
    const out = await home.ok('scheduler', 'abdicate', '--name', CLUSTER);
    expect(out).toContain(`Leadership abdicated by the leading scheduler at ${new URL(before.url).host}`);
    const after = one(status.schedulers, 'other scheduler', (s) => s.name !== before.name);
    expect(out).toMatch(new RegExp(`${after.name} elected as the leading scheduler`));
    const now = await home.status(CLUSTER);
    expect(one(now.schedulers, 'leader', (s) => s.role === 'leading').name).toBe(after.name);
    const next = new MarathonClient(after.url);
    expect(await next.callbackUrls()).toEqual([callbackUrl]);
    await waitUntil('the new leader to see the task running', async () => {
      const tasks = await next.appTasks('/idler');
      return tasks.length === 1 && tasks[0]?.state === 'TASK_RUNNING' ? tasks : undefined;
    });
    expect((await next.appTasks('/idler')).map((t) => t.id)).toEqual(taskIds);
    received = [];
    const scaled = await next.putApp('/idler', { instances: 2 });
    await next.waitForDeployment(scaled.deploymentId, { timeoutMs: 60_000 });
    await waitUntil('the deployment at the callback', () => received.includes('deployment_success'));
  });

  it('keeps a POSTed maintenance schedule in the registry: its machine drains, on the next leading master too', {
    timeout: 60_000,
  }, async () => {
    const hostname = new URL(one(status.agents, 'agent', () => true).url ?? '').hostname;
    const schedule = {
      windows: [
        {
          machine_ids: [{ hostname, ip: hostname }],
          unavailability: { start: { nanoseconds: Date.now() * 1e6 + 3_600e9 }, duration: { nanoseconds: 600e9 } },
        },
      ],
    };
    const posted = await fetch(`${standby}/master/maintenance/schedule`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(schedule),
    });
    expect(posted.status).toBe(200);
    const draining = { draining_machines: [{ id: { hostname, ip: hostname } }] };
    expect(await new MesosMasterClient(leader).maintenanceStatus()).toEqual(draining);
    await home.ok('kill', 'leader', '--name', CLUSTER);
    const next = await waitUntil('another master to lead', async () => {
      const masters = (await home.status(CLUSTER)).masters;
      return masters.find((m) => m.role === 'leading' && m.url !== leader)?.url;
    });
    const client = new MesosMasterClient(next);
    expect(await client.maintenanceSchedule()).toEqual(schedule);
    expect(await client.maintenanceStatus()).toEqual(draining);
  });
});
