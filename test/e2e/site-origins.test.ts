// A cluster started with the CLI (two schedulers): every component's guard knows the ports of the others,
// so a change from one of the cluster's pages (the dashboard, a standby scheduler's UI, whose calls the
// standby proxies to the leader) goes through, and one from any other loopback port is refused; no file of
// the cluster's directory but cluster.json holds the token.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { PortAllocator } from '../../src/common/ports.js';
import { rawRequest, upgradeStatus } from '../helpers/raw-http.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'origins';
const JSON_TYPE = { 'Content-Type': 'application/json' };
const home = new CliHome();

afterAll(() => home.cleanup(), 120_000);

function schedulerUrl(status: ClusterStatus, role: 'leading' | 'standby'): string {
  const found = status.schedulers.find((s) => s.role === role);
  if (found === undefined) throw new Error(`no ${role} scheduler in ${JSON.stringify(status.schedulers)}`);
  return found.url;
}

/** Every regular file under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}

describe("the cluster's own origins", () => {
  let status: ClusterStatus;

  beforeAll(async () => {
    status = await home.up(CLUSTER, '--masters', '1', '--agents', '1', '--schedulers', '2');
  }, 120_000);

  it("lets the dashboard's and a standby's pages change apps, and no other loopback port", async () => {
    const dashboard = new URL(status.dashboard ?? '').origin;
    const standby = schedulerUrl(status, 'standby');
    const stranger = `http://127.0.0.1:${await new PortAllocator().allocate()}`;
    const put = (origin: string, id: string) =>
      rawRequest(`${standby}/v2/apps/${id}`, {
        method: 'PUT',
        headers: { ...JSON_TYPE, Origin: origin },
        body: JSON.stringify({ cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 0 }),
      });
    expect((await put(dashboard, 'from-dashboard')).status).toBe(201);
    expect((await put(standby, 'from-standby')).status).toBe(201);
    const refused = await put(stranger, 'from-stranger');
    expect(refused.status).toBe(403);
    const apps = await rawRequest(`${schedulerUrl(status, 'leading')}/v2/apps`);
    expect((JSON.parse(apps.text) as { apps: { id: string }[] }).apps.map((a) => a.id).sort()).toEqual([
      '/from-dashboard',
      '/from-standby',
    ]);
  });

  it("opens the dashboard's WebSocket to the cluster's pages only, and keeps the token in cluster.json alone", async () => {
    const token = new URL(status.dashboard ?? '').searchParams.get('token') ?? '';
    const socket = new URL(status.dashboard ?? '');
    socket.pathname = '/ws';
    expect(await upgradeStatus(socket.href, { Origin: socket.origin })).toBe(101);
    expect(await upgradeStatus(socket.href, { Origin: schedulerUrl(status, 'leading') })).toBe(101);
    expect(await upgradeStatus(socket.href, { Origin: 'http://evil.example' })).toBe(403);
    const dir = home.paths(CLUSTER).dir;
    const holding = filesUnder(dir).filter((file) => readFileSync(file, 'utf8').includes(token));
    expect(holding).toEqual([join(dir, 'cluster.json')]);
  });
});
