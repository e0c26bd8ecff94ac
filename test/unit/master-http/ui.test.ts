// The master's web UI: served at the root with its stylesheets and compiled module beside the Mesos
// endpoints (which keep answering as before), and the hash routes its pages use.
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadableLog } from '../../../src/common/readable-log.js';
import { MESOS_DIALECT, requestGuard } from '../../../src/common/request-guard.js';
import { createMasterApp, type MasterHttpTarget } from '../../../src/master/http/app.js';
import { SchedulerStreams } from '../../../src/master/http/streams.js';
import { masterInfo } from '../../../src/master/info.js';
import { agentHref, parseRoute, sandboxHref } from '../../../src/ui/master/route.js';

const leader = masterInfo({ id: 'l', ip: '127.0.0.1', port: 6000, hostname: '127.0.0.1' });

/** A standby master that knows the leader: the UI must be served by any master. */
const standby: MasterHttpTarget = {
  role: () => ({ kind: 'standby', leader }),
  info: masterInfo({ id: 'me', ip: '127.0.0.1', port: 5050, hostname: '127.0.0.1' }),
  identity: { version: '1.11.0', build_date: 'd', build_time: 1, build_user: 'u', startedAt: 0, flags: {} },
  streams: new SchedulerStreams(() => {}),
  log: new ReadableLog(join(tmpdir(), 'minicluster-no-such-master.log')),
  now: () => 0,
  schedulerCall: () => Promise.resolve(null),
  updateMaintenance: () => Promise.resolve(null),
};

describe('the master serving its UI', () => {
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer(
      createMasterApp(standby, requestGuard({ dialect: MESOS_DIALECT, log: pino({ level: 'silent' }) })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers / with the page, which loads its assets by relative URLs', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    for (const asset of ['assets/common.css', 'assets/master/style.css', 'assets/master/main.js']) {
      expect(html).toContain(`"${asset}"`);
      expect((await fetch(`${url}/${asset}`)).status, asset).toBe(200);
    }
  });

  it('leaves the Mesos endpoints as they were', async () => {
    expect((await fetch(`${url}/state`, { redirect: 'manual' })).headers.get('location')).toBe(
      '//127.0.0.1:6000/master/state',
    );
    expect((await fetch(`${url}/master/redirect`, { redirect: 'manual' })).headers.get('location')).toBe(
      '//127.0.0.1:6000',
    );
    expect(await (await fetch(`${url}/metrics/snapshot?jsonp=cb`)).text()).toMatch(
      /^cb\(\{"master\/elected":0,"master\/uptime_secs":0,.*\}\);$/,
    );
    expect((await fetch(`${url}/assets/nothing.js`)).status).toBe(404);
  });
});

describe('the UI routes', () => {
  it('reads the pages from the hash, the summary for anything else', () => {
    expect(parseRoute('')).toEqual({ page: 'summary' });
    expect(parseRoute('#/')).toEqual({ page: 'summary' });
    expect(parseRoute('#/agents')).toEqual({ page: 'agents' });
    expect(parseRoute('#/frameworks')).toEqual({ page: 'frameworks' });
    expect(parseRoute('#/tasks')).toEqual({ page: 'tasks' });
    expect(parseRoute('#/roles')).toEqual({ page: 'roles' });
    expect(parseRoute('#/maintenance')).toEqual({ page: 'maintenance' });
    expect(parseRoute('#/log')).toEqual({ page: 'log' });
    expect(parseRoute('#/nowhere/else')).toEqual({ page: 'summary' });
  });

  it('round-trips a sandbox path of a task whose id needs escaping', () => {
    const href = sandboxHref('web.instance-1/a b', 'logs/out file');
    expect(href).toBe('#/tasks/web.instance-1%2Fa%20b/sandbox?path=logs%2Fout+file');
    expect(parseRoute(href)).toEqual({ page: 'sandbox', taskId: 'web.instance-1/a b', path: 'logs/out file' });
    expect(parseRoute(sandboxHref('t'))).toEqual({ page: 'sandbox', taskId: 't', path: '' });
  });

  it("reads an agent's page and its log page", () => {
    const agentId = '7c5e-S0';
    expect(parseRoute(agentHref(agentId))).toEqual({ page: 'agent', agentId });
    expect(parseRoute(`${agentHref(agentId)}/log`)).toEqual({ page: 'agentLog', agentId });
  });
});
