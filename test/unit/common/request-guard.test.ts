// The request guard on a bare express app: which Hosts, Origins and bodies each dialect lets through, the
// site's other ports as own origins, refusals logged once per foreign value, and the token comparison.
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../../../src/cluster/control.js';
import {
  type Dialect,
  MARATHON_DIALECT,
  MESOS_DIALECT,
  type Site,
  requestGuard,
  sameSecret,
} from '../../../src/common/request-guard.js';
import { rawRequest } from '../../helpers/raw-http.js';

const JSON_BODY = { 'Content-Type': 'application/json' };
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** An app behind the guard: POST /thing answers 201, GET /thing 200; `logs` are the guard's log lines. */
async function guarded(dialect: Dialect, site: Site = {}): Promise<{ url: string; port: number; logs: string[] }> {
  const logs: string[] = [];
  const log = pino(
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        logs.push((JSON.parse(chunk.toString('utf8')) as { msg: string }).msg);
        done();
      },
    }),
  );
  const app = express();
  app.use(requestGuard({ dialect, log, site }).http);
  app.post('/thing', (_req, res) => void res.status(201).send('made'));
  app.get('/thing', (_req, res) => void res.send('read'));
  const server = await listen(app);
  closers.push(() => closeServer(server));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/thing`, port, logs };
}

function post(url: string, headers: Record<string, string>, body = '{"id":"/x"}') {
  return rawRequest(url, { method: 'POST', headers, body });
}

describe('the request guard', () => {
  it('reads Marathon bodies declared as JSON only, with or without parameters', async () => {
    const { url } = await guarded(MARATHON_DIALECT);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await post(url, { 'Content-Type': type });
      expect([answer.status, answer.contentType, JSON.parse(answer.text)]).toEqual([
        415,
        'application/json; charset=utf-8',
        { message: 'Unsupported Media Type' },
      ]);
    }
    expect((await post(url, {})).status).toBe(415);
    expect((await post(url, { 'Content-Type': 'Application/JSON; charset=utf-8' })).status).toBe(201);
    expect((await rawRequest(url, { method: 'POST' })).status).toBe(201);
    expect((await rawRequest(url, { method: 'GET', headers: { 'Content-Type': 'text/plain' } })).status).toBe(200);
  });

  it('words body refusals as Mesos does: exact media types, 400 without one, text/plain answers', async () => {
    const { url } = await guarded(MESOS_DIALECT);
    expect(await post(url, {})).toMatchObject({ status: 400, text: "Expecting 'Content-Type' to be present" });
    expect(await post(url, { 'Content-Type': 'text/plain' })).toMatchObject({
      status: 415,
      contentType: 'text/plain; charset=utf-8',
      text: "Expecting 'Content-Type' of application/json or application/x-protobuf",
    });
    expect((await post(url, { 'Content-Type': 'application/x-protobuf' })).status).toBe(415);
    expect((await post(url, { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(415);
    expect((await post(url, JSON_BODY)).status).toBe(201);
  });

  it('answers only to loopback names and configured ones, and logs each foreign Host once', async () => {
    const { url, port, logs } = await guarded(MARATHON_DIALECT, { hostnames: ['node-1.local'] });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `NODE-1.local:${port}`, 'localhost'])
      expect([host, (await rawRequest(url, { headers: { Host: host } })).status]).toEqual([host, 200]);
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.2:${port}`,
      `[::2]:${port}`,
      `localhost.:${port}`,
    ])
      expect([host, (await rawRequest(url, { headers: { Host: host } })).status]).toEqual([host, 421]);
    const again = await post(url, { ...JSON_BODY, Host: `evil.example:${port}` });
    expect(again.status).toBe(421);
    expect(JSON.parse(again.text)).toEqual({
      message: `Host 'evil.example:${port}' is not a name this server answers to`,
    });
    expect(logs.filter((line) => line.includes('evil.example'))).toHaveLength(2);
    expect(logs.filter((line) => line.includes(`'evil.example:${port}'`))).toHaveLength(1);
  });

  it("refuses changes from other origins, lets reads and the site's own pages through", async () => {
    const { url, port, logs } = await guarded(MARATHON_DIALECT, { ports: [40001] });
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, 'http://127.0.0.1:40001'])
      expect([origin, (await post(url, { ...JSON_BODY, Origin: origin })).status]).toEqual([origin, 201]);
    const foreign = ['http://evil.example', 'null', 'http://127.0.0.1:40002', `https://127.0.0.1:${port}`];
    for (const origin of foreign) {
      expect([origin, (await post(url, { ...JSON_BODY, Origin: origin })).status]).toEqual([origin, 403]);
      expect([origin, (await rawRequest(url, { method: 'DELETE', headers: { Origin: origin } })).status]).toEqual([
        origin,
        403,
      ]);
      expect([origin, (await rawRequest(url, { headers: { Origin: origin } })).status]).toEqual([origin, 200]);
    }
    expect(logs.filter((line) => line.includes('Origin'))).toHaveLength(foreign.length);
  });

  it('screens WebSocket upgrades for Host and Origin', () => {
    const guard = requestGuard({ dialect: MESOS_DIALECT, log: pino({ level: 'silent' }), site: { ports: [40001] } });
    const upgrade = (headers: Record<string, string>) =>
      guard.upgrade({ headers, socket: { localPort: 40000 } } as unknown as IncomingMessage)?.status ?? 101;
    expect(upgrade({ host: '127.0.0.1:40000' })).toBe(101);
    expect(upgrade({ host: '127.0.0.1:40000', origin: 'http://localhost:40001' })).toBe(101);
    expect(upgrade({ host: '127.0.0.1:40000', origin: 'http://evil.example' })).toBe(403);
    expect(upgrade({ host: 'evil.example:40000' })).toBe(421);
    expect(upgrade({})).toBe(421);
  });

  it('compares secrets whatever their lengths', () => {
    expect(sameSecret('a'.repeat(48), 'a'.repeat(48))).toBe(true);
    expect(sameSecret('a'.repeat(47), 'a'.repeat(48))).toBe(false);
    expect(sameSecret('', 'a'.repeat(48))).toBe(false);
    expect(sameSecret(`${'a'.repeat(47)}b`, 'a'.repeat(48))).toBe(false);
  });
});
