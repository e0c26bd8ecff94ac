// Every server of the cluster behind its request guard, one table: a master (with its agent link), an agent,
// the Marathon API, the Chronos API, the dashboard (with its WebSocket) and the control API refuse text/plain and form bodies,
// a foreign Host (logged once) and changes or upgrades from a foreign Origin, and keep serving the CLI, their
// own pages and the JSONP reads of the Mesos-style UI; the token is never logged; the cluster dir is private.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClusterFile } from '../../src/cluster/cluster-file.js';
import { clusterPaths, type ClusterPaths } from '../../src/cluster/paths.js';
import { clusterSpec } from '../../src/cluster/spec.js';
import { Supervisor } from '../../src/cluster/supervisor.js';
import { createLogger } from '../../src/common/logging.js';
import { AGENT_LINK_PATH } from '../../src/master/core/protocol.js';
import { startAgentRig } from '../helpers/agents.js';
import { ChronosHarness } from '../helpers/chronos-harness.js';
import { TestEnsemble } from '../helpers/ensemble.js';
import { MarathonHarness } from '../helpers/marathon-harness.js';
import { TestMasters } from '../helpers/masters.js';
import { type RawAnswer, type RawRequest, rawRequest, upgradeStatus } from '../helpers/raw-http.js';
import { writeFakeMember } from './fake-members.js';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const FOREIGN_ORIGIN = 'http://evil.example';
const APP = JSON.stringify({ id: '/guarded', cmd: 'sleep 1000', cpus: 0.05, mem: 16 });
const JOB = JSON.stringify({ name: 'guarded', command: 'true', schedule: 'R/2031-01-01T00:00:00Z/P1D' });

/** One running server as a table row sees it. */
interface Served {
  url: string;
  /** A change as the CLI (or the server's own page) sends it: JSON body, token where one is needed. */
  change: RawRequest & { path: string };
  /** What the server answers to `change` once the guard lets it through. */
  changed: { status: readonly number[]; text: RegExp };
  /** A read that must keep working from anywhere: JSONP where the Mesos-style UI uses it. */
  read: { path: string; headers?: Record<string, string>; text: RegExp };
  /** Its WebSocket endpoint, if it has one. */
  upgrade?: { path: string };
  /** Whether the change took effect (for a server where a refused change could leave a trace). */
  changedState?: () => Promise<boolean>;
  /** Messages of its log lines so far (the harness's scheduler logs nowhere). */
  logs?: () => string[];
  /** A secret its logs must never contain. */
  secret?: string;
  stop(): Promise<void>;
}

interface Row {
  name: string;
  start(): Promise<Served>;
}

/** The 'msg' of each pino JSON line of `file`. */
function messages(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));
}

async function startMaster(): Promise<Served> {
  const ensemble = await TestEnsemble.start({ participants: 1 });
  const masters = await TestMasters.start({ zk: `zk://${ensemble.connectString}/mesos`, count: 1 });
  const leader = await masters.leading();
  return {
    url: leader.url,
    change: {
      path: '/api/v1/scheduler',
      method: 'POST',
      headers: { ...JSON_TYPE, 'Mesos-Stream-Id': 'none' },
      body: '{"type":"REVIVE","framework_id":{"value":"none"}}',
    },
    changed: { status: [400], text: /Framework 'none' cannot be found/ },
    read: { path: '/master/state?jsonp=show', text: /^show\(\{.*"leader_info"/ },
    upgrade: { path: AGENT_LINK_PATH },
    logs: () => masters.logs(0),
    stop: async () => {
      await masters.stopAll();
      await ensemble.stop();
    },
  };
}

async function startAgent(): Promise<Served> {
  const rig = await startAgentRig({ containerizers: ['mesos'] });
  return {
    url: rig.agent.url,
    change: { path: '/files/read?path=x', method: 'POST', headers: JSON_TYPE, body: '{}' },
    changed: { status: [404], text: /Cannot POST/ },
    read: { path: '/slave(1)/state?jsonp=show', text: /^show\(\{.*"hostname"/ },
    logs: () => messages(rig.agent.config.logFile),
    stop: () => rig.stop(),
  };
}

async function startMarathon(): Promise<Served> {
  const harness = await MarathonHarness.start();
  return {
    url: harness.url,
    change: { path: '/v2/apps/guarded', method: 'PUT', headers: JSON_TYPE, body: APP },
    changed: { status: [201, 200], text: /"deploymentId"/ },
    read: { path: '/v2/apps', text: /^\{"apps":\[/ },
    changedState: async () => (await harness.send('GET', '/v2/apps/guarded')).status === 200,
    stop: () => harness.close(),
  };
}

async function startChronos(): Promise<Served> {
  const harness = await ChronosHarness.start();
  return {
    url: harness.url,
    change: { path: '/v1/scheduler/iso8601', method: 'POST', headers: JSON_TYPE, body: JOB },
    changed: { status: [204], text: /^$/ },
    read: { path: '/v1/scheduler/jobs', text: /^\[/ },
    changedState: async () => (await harness.send('GET', '/v1/scheduler/job/guarded')).status === 200,
    stop: () => harness.close(),
  };
}

interface SupervisedCluster {
  paths: ClusterPaths;
  token: string;
  controlUrl: string;
  dashboardUrl: string;
  stop(): Promise<void>;
}

/** A supervisor with stand-in members, as the supervisor tests run it: the dashboard and the control API. */
async function startSupervisor(): Promise<SupervisedCluster> {
  const home = mkdtempSync(join(tmpdir(), 'minicluster-guard-'));
  const paths = clusterPaths('guarded', { MINICLUSTER_HOME: home });
  const sup = await Supervisor.prepare({
    paths,
    spec: clusterSpec({ observers: 0, masters: 0, agents: 0 }),
    log: createLogger({ component: 'supervisor', file: paths.log('supervisor'), sync: true }),
    probeWrite: async () => {},
    memberEntry: writeFakeMember(home),
  });
  const status = await sup.up();
  const file = readClusterFile(paths);
  if (file === null || status.dashboard === null) throw new Error('the supervisor wrote no cluster file');
  return {
    paths,
    token: file.supervisor.token,
    controlUrl: file.supervisor.controlUrl,
    dashboardUrl: new URL(status.dashboard).origin,
    stop: async () => {
      await sup.down();
      await sup.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function startDashboard(): Promise<Served> {
  const cluster = await startSupervisor();
  const bearer = { Authorization: `Bearer ${cluster.token}` };
  return {
    url: cluster.dashboardUrl,
    change: { path: '/api/components/zk-1/start', method: 'POST', headers: { ...JSON_TYPE, ...bearer }, body: '{}' },
    changed: { status: [409], text: /zk-1 is already running/ },
    read: { path: '/', text: /<html/ },
    upgrade: { path: `/ws?token=${cluster.token}` },
    logs: () => messages(cluster.paths.log('supervisor')),
    secret: cluster.token,
    stop: () => cluster.stop(),
  };
}

async function startControl(): Promise<Served> {
  const cluster = await startSupervisor();
  const bearer = { Authorization: `Bearer ${cluster.token}` };
  return {
    url: cluster.controlUrl,
    change: { path: '/start/zk-1', method: 'POST', headers: bearer },
    changed: { status: [409], text: /zk-1 is already running/ },
    read: { path: '/status', headers: bearer, text: /"phase":"ready"/ },
    logs: () => messages(cluster.paths.log('supervisor')),
    secret: cluster.token,
    stop: () => cluster.stop(),
  };
}

const ROWS: Row[] = [
  { name: 'a master', start: startMaster },
  { name: 'an agent', start: startAgent },
  { name: 'the Marathon API', start: startMarathon },
  { name: 'the Chronos API', start: startChronos },
  { name: 'the dashboard', start: startDashboard },
  { name: 'the control API', start: startControl },
];

describe.each(ROWS)('$name behind the request guard', (row) => {
  let s: Served;
  const send = (request: RawRequest & { path: string }): Promise<RawAnswer> =>
    rawRequest(`${s.url}${request.path}`, request);
  const changeWith = (headers: Record<string, string>, body = s.change.body): Promise<RawAnswer> =>
    send({ ...s.change, headers: { ...s.change.headers, ...headers }, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    s = await row.start();
  }, 60_000);

  afterAll(() => s?.stop(), 30_000);

  it('refuses changes whose bodies are text/plain or a form, which any page can send', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const answer = await changeWith({ 'Content-Type': type }, s.change.body ?? '{}');
      expect([type, answer.status]).toEqual([type, 415]);
    }
    expect(await s.changedState?.()).not.toBe(true);
  });

  it('answers a foreign Host with 421, for reads, changes and upgrades, logs it once and never the token', async () => {
    const host = `rebound-${row.name.replaceAll(' ', '-')}.example:${new URL(s.url).port}`;
    for (let i = 0; i < 3; i++) {
      expect((await send({ ...s.read, headers: { ...s.read.headers, Host: host } })).status).toBe(421);
      expect((await changeWith({ Host: host })).status).toBe(421);
    }
    if (s.upgrade !== undefined) expect(await upgradeStatus(`${s.url}${s.upgrade.path}`, { Host: host })).toBe(421);
    expect(await s.changedState?.()).not.toBe(true);
    const logs = s.logs?.();
    if (logs !== undefined) expect(logs.filter((line) => line.includes(host))).toHaveLength(1);
    if (logs !== undefined && s.secret !== undefined) expect(logs.join('\n')).not.toContain(s.secret);
  });

  it('refuses changes and upgrades from a foreign Origin, and still serves reads (JSONP included)', async () => {
    const refused = await changeWith({ Origin: FOREIGN_ORIGIN });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(`Origin '${FOREIGN_ORIGIN}' is not a page of this cluster`);
    if (s.upgrade !== undefined)
      expect(await upgradeStatus(`${s.url}${s.upgrade.path}`, { Origin: FOREIGN_ORIGIN })).toBe(403);
    expect(await s.changedState?.()).not.toBe(true);
    const read = await send({ ...s.read, headers: { ...s.read.headers, Origin: FOREIGN_ORIGIN } });
    expect(read.status).toBe(200);
    expect(read.text).toMatch(s.read.text);
  });

  it('lets the CLI and its own pages through', async () => {
    const origins: Record<string, string>[] = [
      {},
      { Origin: s.url },
      { Origin: s.url.replace('127.0.0.1', 'localhost') },
    ];
    for (const headers of origins) {
      const answer = await changeWith(headers);
      expect(s.changed.status).toContain(answer.status);
      expect(answer.text).toMatch(s.changed.text);
    }
    if (s.upgrade !== undefined) {
      expect(await upgradeStatus(`${s.url}${s.upgrade.path}`)).toBe(101);
      expect(await upgradeStatus(`${s.url}${s.upgrade.path}`, { Origin: s.url })).toBe(101);
    }
    if (s.changedState !== undefined) expect(await s.changedState()).toBe(true);
  });
});

describe('the cluster directory', () => {
  it('is readable by its owner only, and so are the files the supervisor writes', async () => {
    const cluster = await startSupervisor();
    try {
      const mode = (path: string): number => statSync(path).mode & 0o777;
      expect(mode(cluster.paths.dir)).toBe(0o700);
      expect(mode(cluster.paths.logsDir)).toBe(0o700);
      expect(mode(cluster.paths.clusterFile)).toBe(0o600);
      expect(mode(cluster.paths.eventsFile)).toBe(0o600);
      for (const file of readdirSync(cluster.paths.logsDir))
        expect([file, mode(join(cluster.paths.logsDir, file))]).toEqual([file, 0o600]);
    } finally {
      await cluster.stop();
    }
  });
});
