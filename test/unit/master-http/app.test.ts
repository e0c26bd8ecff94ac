// The master's HTTP app against a fake master: redirects and 503s by role, JSONP, the scheduler API's
// stream handling (events framed as RecordIO after the 200, closing, client disconnects), /master/roles,
// the maintenance endpoints, a standby's metrics, and the master's log through /files/read and /files/download.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MesosMasterClient, type MaintenanceScheduleJson } from '../../../src/api/mesos.js';
import { BUILD } from '../../../src/common/build-info.js';
import { formatLogRecord } from '../../../src/common/log-text.js';
import { ReadableLog } from '../../../src/common/readable-log.js';
import { MESOS_DIALECT, requestGuard } from '../../../src/common/request-guard.js';
import type { Call, Event } from '../../../src/master/core/v1.js';
import { createMasterApp, type HttpRole, type MasterHttpTarget } from '../../../src/master/http/app.js';
import { SchedulerStreams } from '../../../src/master/http/streams.js';
import { masterInfo } from '../../../src/master/info.js';
import { NotLeadingError, type CallAnswer } from '../../../src/master/leading.js';
import { waitUntil } from '../../helpers/ensemble.js';
import { Harness } from '../master/harness.js';

type Answerer = (target: FakeMaster, streamId: string | null, call: Call) => Promise<CallAnswer | null>;

const logDir = mkdtempSync(join(tmpdir(), 'minicluster-master-log-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

class FakeMaster implements MasterHttpTarget {
  readonly info = masterInfo({ id: 'me', ip: '127.0.0.1', port: 5050, hostname: '127.0.0.1' });
  readonly identity = { ...BUILD, startedAt: 0, flags: { zk: 'zk://x/mesos', log_dir: logDir } };
  readonly log = new ReadableLog(join(logDir, 'master-1.log'));
  readonly closed: string[] = [];
  readonly streams = new SchedulerStreams((id) => this.closed.push(id));
  current: HttpRole = { kind: 'standby', leader: null };
  answer: Answerer = () => Promise.resolve({ kind: 'callAnswer', status: 202 });
  /** The leading master's core, when this master leads. */
  harness: Harness | null = null;

  /** Leads with a fresh core. */
  lead(): Harness {
    this.harness = new Harness();
    this.current = { kind: 'leading', view: this.harness.master.view() };
    return this.harness;
  }

  role(): HttpRole {
    return this.current;
  }

  now(): number {
    return 10_000;
  }

  schedulerCall(streamId: string | null, call: Call): Promise<CallAnswer | null> {
    return this.answer(this, streamId, call);
  }

  async updateMaintenance(schedule: MaintenanceScheduleJson): Promise<CallAnswer | null> {
    const out = this.harness?.send({ kind: 'updateMaintenance', schedule }) ?? [];
    return out.find((o): o is CallAnswer => o.kind === 'callAnswer') ?? null;
  }
}

let server: Server | null = null;

async function serve(target: MasterHttpTarget): Promise<string> {
  server = createServer(
    createMasterApp(target, requestGuard({ dialect: MESOS_DIALECT, log: pino({ level: 'silent' }) })),
  );
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

const subscribeBody = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n' } } });
const post = (url: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${url}/api/v1/scheduler`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
const event = (type: 'HEARTBEAT'): Event => ({ type });

describe('by role', () => {
  it('503 while no leader is known or while recovering; metrics still answer', async () => {
    const target = new FakeMaster();
    const url = await serve(target);
    expect(await (await fetch(`${url}/master/state`)).text()).toBe('No leader elected');
    expect((await fetch(`${url}/master/redirect`, { redirect: 'manual' })).status).toBe(503);
    target.current = { kind: 'recovering' };
    const recovering = await post(url, subscribeBody);
    expect([recovering.status, await recovering.text()]).toEqual([503, 'Master has not finished recovery']);
    expect(await (await fetch(`${url}/metrics/snapshot`)).json()).toMatchObject({
      'master/elected': 0,
      'master/uptime_secs': 10,
      'master/tasks_running': 0,
    });
  });

  it('307 to the leader keeps the path the master actor saw and the query', async () => {
    const target = new FakeMaster();
    target.current = {
      kind: 'standby',
      leader: masterInfo({ id: 'l', ip: '127.0.0.1', port: 6000, hostname: 'leader.local' }),
    };
    const url = await serve(target);
    const res = await fetch(`${url}/frameworks?framework_id=x`, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('//leader.local:6000/master/frameworks?framework_id=x');
    expect((await fetch(`${url}/redirect`, { redirect: 'manual' })).headers.get('location')).toBe(
      '//leader.local:6000',
    );
  });

  it('serves the leading master view, with JSONP and a refused callback', async () => {
    const target = new FakeMaster();
    target.current = { kind: 'leading', view: new Harness().master.view() };
    const url = await serve(target);
    expect(await (await fetch(`${url}/master/tasks`)).json()).toEqual({ tasks: [] });
    expect(await (await fetch(`${url}/master/slaves?jsonp=cb`)).text()).toBe(
      'cb({"slaves":[],"recovered_slaves":[]});',
    );
    expect((await fetch(`${url}/master/state?jsonp=alert(1)`)).status).toBe(400);
    expect((await (await fetch(`${url}/metrics/snapshot`)).json()) as object).toMatchObject({ 'master/elected': 1 });
    expect(await (await fetch(`${url}/redirect`, { redirect: 'manual' })).headers.get('location')).toBe(
      '//127.0.0.1:5050',
    );
  });
});

describe('the scheduler API', () => {
  it('opens a RecordIO stream after the 200, with the events sent before it', async () => {
    const target = new FakeMaster();
    target.current = { kind: 'leading', view: new Harness().master.view() };
    target.answer = async (t, streamId) => {
      t.streams.send(streamId ?? '', event('HEARTBEAT'));
      return { kind: 'callAnswer', status: 200 };
    };
    const url = await serve(target);
    const res = await post(url, subscribeBody);
    const streamId = res.headers.get('mesos-stream-id') ?? '';
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const reader = res.body?.getReader();
    expect(Buffer.from((await reader?.read())?.value ?? []).toString()).toBe('20\n{"type":"HEARTBEAT"}');
    target.streams.send(streamId, event('HEARTBEAT'));
    expect(Buffer.from((await reader?.read())?.value ?? []).toString()).toBe('20\n{"type":"HEARTBEAT"}');
    await reader?.cancel();
    await waitUntil('the master to see the stream close', () => target.closed.includes(streamId));
  });

  it('ends a stream closed before its 200 right after its events', async () => {
    const target = new FakeMaster();
    target.current = { kind: 'leading', view: new Harness().master.view() };
    target.answer = async (t, streamId) => {
      t.streams.send(streamId ?? '', { type: 'ERROR', error: { message: 'Framework has been removed' } });
      t.streams.close(streamId ?? '');
      return { kind: 'callAnswer', status: 200 };
    };
    const res = await post(await serve(target), subscribeBody);
    const error = '{"type":"ERROR","error":{"message":"Framework has been removed"}}';
    expect(await res.text()).toBe(`${error.length}\n${error}`);
    expect(target.streams.size).toBe(0);
  });

  it('406 without an acceptable Accept, 503 when the master stops leading before answering', async () => {
    const target = new FakeMaster();
    target.current = { kind: 'leading', view: new Harness().master.view() };
    target.answer = () => Promise.reject(new NotLeadingError('This master is no longer the leading master'));
    const url = await serve(target);
    expect((await post(url, subscribeBody, { Accept: 'text/html' })).status).toBe(406);
    const res = await post(url, subscribeBody);
    expect([res.status, await res.text()]).toEqual([503, 'This master is no longer the leading master']);
    expect(target.streams.size).toBe(0);
  });
});

describe('the endpoints of the web UI', () => {
  it('takes a POSTed maintenance schedule and shows its machines draining; 400 for what Mesos refuses', async () => {
    const target = new FakeMaster();
    const core = target.lead();
    const url = await serve(target);
    const post = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
      fetch(`${url}/master/maintenance/schedule`, { method: 'POST', headers, body });
    const window = {
      machine_ids: [{ hostname: 'Agent-1.Local', ip: '127.0.0.1' }],
      unavailability: { start: { nanoseconds: 1.7e18 }, duration: { nanoseconds: 3.6e12 } },
    };
    const ok = await post(JSON.stringify({ windows: [window] }));
    expect([ok.status, await ok.text()]).toEqual([200, '']);
    const stored = { ...window, machine_ids: [{ hostname: 'agent-1.local', ip: '127.0.0.1' }] };
    const client = new MesosMasterClient(url);
    expect(await client.maintenanceSchedule()).toEqual({ windows: [stored] });
    expect(await client.maintenanceStatus()).toEqual({ draining_machines: [{ id: stored.machine_ids[0] }] });
    expect(await (await fetch(`${url}/maintenance/status?jsonp=cb`)).text()).toBe(
      `cb(${JSON.stringify({ draining_machines: [{ id: stored.machine_ids[0] }] })});`,
    );
    expect(core.master.view().state.maintenance).toEqual([stored]);
    const refused = async (body: string): Promise<[number, string]> => {
      const res = await post(body);
      return [res.status, await res.text()];
    };
    expect(await refused('{')).toEqual([400, expect.stringMatching(/^Failed to parse JSON/)]);
    expect(await refused('{"windows":[{}]}')).toEqual([
      400,
      'Failed to convert JSON into Schedule protobuf: Missing required fields: windows[0].unavailability',
    ]);
    expect(await refused(JSON.stringify({ windows: [window, window] }))).toEqual([
      400,
      `Machine '{"hostname":"agent-1.local","ip":"127.0.0.1"}' appears more than once in the schedule`,
    ]);
    expect((await post('{}', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect(await (await post('{}')).text()).toBe('');
    expect(await client.maintenanceSchedule()).toEqual({});
  });

  it('/master/roles and the maintenance endpoints on the leader, as JSON and JSONP; 307 on a standby', async () => {
    const target = new FakeMaster();
    target.lead();
    const url = await serve(target);
    const client = new MesosMasterClient(url);
    expect((await client.roles()).roles.map((r) => r.name)).toEqual(['*']);
    expect(await client.maintenanceSchedule()).toEqual({});
    expect(await client.maintenanceStatus()).toEqual({});
    const roles = await fetch(`${url}/master/roles?jsonp=angular.callbacks._3`);
    expect(roles.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await roles.text()).toMatch(/^angular\.callbacks\._3\(\{"roles":\[\{"name":"\*","weight":1,/);
    expect(await (await fetch(`${url}/maintenance/schedule?jsonp=cb`)).text()).toBe('cb({});');
    target.current = {
      kind: 'standby',
      leader: masterInfo({ id: 'l', ip: '127.0.0.1', port: 6000, hostname: 'leader.local' }),
    };
    for (const path of ['/master/roles', '/master/maintenance/schedule', '/master/maintenance/status'])
      expect((await fetch(`${url}${path}?jsonp=cb`, { redirect: 'manual' })).headers.get('location')).toBe(
        `//leader.local:6000${path}?jsonp=cb`,
      );
    const posted = await fetch(`${url}/master/maintenance/schedule`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      redirect: 'manual',
    });
    expect([posted.status, posted.headers.get('location')]).toEqual([
      307,
      '//leader.local:6000/master/maintenance/schedule',
    ]);
  });

  it('/version reports the build facts of the package', async () => {
    const url = await serve(new FakeMaster());
    expect(await new MesosMasterClient(url).version()).toEqual(BUILD);
  });

  it("pages through the master's log at /master/log as readable lines, as /files/read does", async () => {
    const target = new FakeMaster();
    const records = [
      { level: 30, time: 1_700_000_000_000, component: 'master-1', msg: 'Elected as the leading master!' },
      { level: 40, time: 1_700_000_001_000, component: 'master-1', msg: 'Agent lost', agent: 'S1' },
    ];
    appendFileSync(target.log.file, `${JSON.stringify(records[0])}\n${JSON.stringify(records[1])}\n{"msg":"half`);
    const url = await serve(target);
    const text = records.map((r) => `${formatLogRecord(r)}\n`).join('');
    const read = async (query: string) => (await fetch(`${url}/files/read?path=/master/log${query}`)).json();
    expect(await read('&offset=-1')).toEqual({ offset: Buffer.byteLength(text), data: '' });
    expect(await read('&offset=0')).toEqual({ offset: 0, data: text });
    expect(await read('&offset=5&length=7')).toEqual({ offset: 5, data: text.slice(5, 12) });
    expect(await read(`&offset=${Buffer.byteLength(text) + 10}`)).toEqual({
      offset: Buffer.byteLength(text),
      data: '',
    });
    appendFileSync(target.log.file, ' a line"}\n');
    expect((await read(`&offset=${Buffer.byteLength(text)}`)) as object).toEqual({
      offset: Buffer.byteLength(text),
      data: 'half a line\n',
    });
    expect(await (await fetch(`${url}/files/read?path=/master/log&offset=0&length=4&jsonp=cb`)).text()).toBe(
      `cb(${JSON.stringify({ offset: 0, data: text.slice(0, 4) })});`,
    );
    const download = await fetch(`${url}/files/download?path=/master/log`);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename=master-1.log');
    expect(await download.text()).toBe(`${text}half a line\n`);
    expect(await (await fetch(`${url}/files/debug`)).json()).toEqual({ '/master/log': target.log.file });
    expect((await fetch(`${url}/files/read?path=/etc/passwd&offset=0`)).status).toBe(404);
    expect((await fetch(`${url}/files/read?offset=0`)).status).toBe(400);
    expect((await fetch(`${url}/files/read?path=/master/log&offset=x`)).status).toBe(400);
  });
});
