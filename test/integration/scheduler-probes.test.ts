// HealthProbes against real servers on loopback: HTTP and HTTPS status codes, TCP connects, timeouts,
// one probe in flight at a time, and probes that stop when an instance leaves TASK_RUNNING.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HEALTH_CHECK_DEFAULTS, type HealthCheck } from '../../src/scheduler/core/app-types.js';
import type { SchedulerInput } from '../../src/scheduler/core/messages.js';
import type { AppVersion, Instance } from '../../src/scheduler/core/model.js';
import { HealthProbes } from '../../src/scheduler/io/probes.js';
import { waitUntil } from '../helpers/ensemble.js';
import { appVersion, instance, view } from '../unit/scheduler/health-fixtures.js';

type HealthInput = Extract<SchedulerInput, { type: 'health' }>;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function listen<S extends Server | HttpServer>(server: S): Promise<number> {
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

/** Probes whose health results are collected; `onHealth` runs as each one arrives. */
function probes(onHealth: () => void = () => undefined): { probes: HealthProbes; results: HealthInput[] } {
  const results: HealthInput[] = [];
  const collect = (input: SchedulerInput): void => {
    if (input.type !== 'health') return;
    results.push(input);
    onHealth();
  };
  const probes = new HealthProbes({ onResult: collect, now: () => Date.now(), logger: pino({ level: 'silent' }) });
  cleanups.push(() => probes.close());
  return { probes, results };
}

function app(check: Partial<HealthCheck>): AppVersion {
  const healthCheck: HealthCheck = {
    ...HEALTH_CHECK_DEFAULTS,
    portIndex: 0,
    intervalSeconds: 0.05,
    timeoutSeconds: 1,
    ...check,
  };
  return {
    ...appVersion({ id: '/web', cmd: 'serve', portDefinitions: [{ port: 10080 }] }),
    healthChecks: [healthCheck],
  };
}

const lastOf = (results: HealthInput[], taskId: string): HealthInput | undefined =>
  results.filter((r) => r.taskId === taskId).at(-1);

describe('HealthProbes', () => {
  it('HTTP: 200–399 is alive, other statuses are not, and the change is reported', async () => {
    let status = 200;
    const port = await listen(
      createHttpServer((req, res) => res.writeHead(req.url === '/health' ? status : 404).end()),
    );
    const web = instance({ appId: '/web', hostPorts: [port] });
    const { probes: p, results } = probes();
    p.sync(view([app({ protocol: 'HTTP', path: '/health' })], [web]));
    const first = await waitUntil('a first result', () => results[0]);
    expect(first).toMatchObject({ type: 'health', taskId: web.taskId, checkIndex: 0, alive: true, cause: null });
    status = 302;
    const seen = results.length;
    await waitUntil('two more results after the redirect', () => results.length >= seen + 2);
    expect(lastOf(results, web.taskId)?.alive).toBe(true);
    status = 503;
    await waitUntil('a failing result', () => lastOf(results, web.taskId)?.alive === false);
    expect(lastOf(results, web.taskId)?.cause).toBe('HTTP status 503');
    status = 200;
    await waitUntil('alive again', () => lastOf(results, web.taskId)?.alive === true);
  });

  it('TCP: a connection is alive, a refused one is not', async () => {
    const server = createTcpServer((socket) => socket.end());
    const port = await listen(server);
    const db = instance({ appId: '/web', hostPorts: [port] });
    const { probes: p, results } = probes();
    p.sync(view([app({ protocol: 'TCP' })], [db]));
    await waitUntil('alive', () => lastOf(results, db.taskId)?.alive === true);
    await new Promise((resolve) => server.close(resolve));
    const failed = await waitUntil('refused', () => results.find((r) => !r.alive));
    expect(failed.cause).toMatch(/ECONNREFUSED/);
  });

  it('a server that does not answer fails after timeoutSeconds, with one probe in flight at a time', async () => {
    let requests = 0;
    const port = await listen(createHttpServer(() => void requests++));
    const slow = instance({ appId: '/web', hostPorts: [port] });
    const requestsAtResult: number[] = [];
    const { probes: p, results } = probes(() => requestsAtResult.push(requests));
    p.sync(view([app({ protocol: 'HTTP', timeoutSeconds: 0.4, intervalSeconds: 0.05 })], [slow]));
    const failed = await waitUntil('a timeout', () => results[0]);
    expect(failed).toMatchObject({ alive: false, cause: 'no answer within 400 ms' });
    // Every 50 ms for 400 ms would be eight requests; one in flight at a time makes it the first only.
    expect(requestsAtResult[0]).toBe(1);
  });

  it('probes only TASK_RUNNING instances with Marathon-level checks, and stops when they leave', async () => {
    let requests = 0;
    const port = await listen(
      createHttpServer((_, res) => {
        requests++;
        res.end();
      }),
    );
    const running = instance({ appId: '/web', hostPorts: [port] });
    const staging = instance({ appId: '/web', hostPorts: [port], state: 'TASK_STAGING' });
    const { probes: p, results } = probes();
    p.sync(view([app({ protocol: 'COMMAND', command: { value: 'true' } })], [running]));
    expect(p.size).toBe(0);
    p.sync(view([app({ protocol: 'HTTP' })], [running, staging]));
    expect(p.size).toBe(1);
    await waitUntil('results', () => results.length >= 2);
    expect(new Set(results.map((r) => r.taskId))).toEqual(new Set([running.taskId]));
    p.sync(view([app({ protocol: 'HTTP' })], [{ ...running, state: 'TASK_KILLING' } satisfies Instance]));
    expect(p.size).toBe(0);
    const seen = requests;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requests).toBeLessThanOrEqual(seen + 1);
  });

  const openssl = ((): boolean => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!openssl)(
    `HTTPS: a self-signed certificate is accepted${openssl ? '' : ' (skipped: no openssl to make the certificate)'}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'probe-tls-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      );
      const port = await listen(
        createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_, res) => res.writeHead(204).end()),
      );
      const secure = instance({ appId: '/web', hostPorts: [port] });
      const { probes: p, results } = probes();
      p.sync(view([app({ protocol: 'HTTPS' })], [secure]));
      expect(await waitUntil('a result', () => results[0])).toMatchObject({ alive: true });
    },
  );
});
