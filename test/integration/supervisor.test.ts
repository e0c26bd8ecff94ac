// The supervisor with stand-in members and no masters or agents: layout, readiness, the control API
// (status, kill, start, events, down), failed starts, and that no member process outlives it.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/api/control.js';
import { createLogger } from '../../src/common/logging.js';
import { UserError } from '../../src/common/errors.js';
import { isAlive, readClusterFile } from '../../src/cluster/cluster-file.js';
import { clusterPaths, type ClusterPaths } from '../../src/cluster/paths.js';
import { clusterSpec } from '../../src/cluster/spec.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { Supervisor } from '../../src/cluster/supervisor.js';
import { readTimeline } from '../../src/cluster/timeline-store.js';
import { waitUntil } from '../helpers/ensemble.js';
import { writeFakeMember } from './fake-members.js';

const homes: string[] = [];
const running: Supervisor[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.down().then(() => s.close())));
  homes.splice(0).forEach((h) => rmSync(h, { recursive: true, force: true }));
});

async function supervisor(options: { name?: string; failSid?: number; observers?: number; home?: string } = {}) {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'minicluster-sup-'));
  if (options.home === undefined) homes.push(home);
  const paths = clusterPaths(options.name ?? 'test', { MINICLUSTER_HOME: home });
  const probes: string[] = [];
  const sup = await Supervisor.prepare({
    paths,
    spec: clusterSpec({ observers: options.observers ?? 0, masters: 0, agents: 0 }),
    log: createLogger({ component: 'supervisor', file: paths.log('supervisor'), sync: true }),
    probeWrite: async (connect) => void probes.push(connect),
    memberEntry: writeFakeMember(home, options.failSid),
  });
  running.push(sup);
  return { sup, paths, probes, home };
}

function leaders(status: ClusterStatus): string[] {
  return status.ensemble.filter((m) => m.role === 'leader').map((m) => m.name);
}

function controlOf(paths: ClusterPaths): ControlClient {
  const file = readClusterFile(paths);
  if (file === null) throw new Error('no cluster file');
  return new ControlClient(file.supervisor.controlUrl, file.supervisor.token);
}

describe('Supervisor', () => {
  it('is ready once every member has a role, one leads and the write probe passed', async () => {
    const { sup, paths, probes } = await supervisor({ observers: 1 });
    const status = await sup.up();
    expect(status.phase).toBe('ready');
    expect(leaders(status)).toEqual(['zk-4']);
    expect(status.ensemble.map((m) => [m.name, m.kind, m.state])).toEqual([
      ['zk-1', 'participant', 'running'],
      ['zk-2', 'participant', 'running'],
      ['zk-3', 'participant', 'running'],
      ['zk-4', 'observer', 'running'],
    ]);
    const ports = status.ensemble.flatMap((m) => [m.clientPort, m.quorumPort, m.electionPort]);
    expect(new Set(ports).size).toBe(12);
    expect(status.zk).toBe(`zk://${status.ensemble.map((m) => `127.0.0.1:${m.clientPort}`).join(',')}/mesos`);
    expect(probes).toEqual([status.zk.slice('zk://'.length, -'/mesos'.length)]);
    const file = readClusterFile(paths);
    expect(file?.supervisor).toMatchObject({ pid: process.pid, phase: 'ready' });
    expect(statSync(paths.clusterFile).mode & 0o777).toBe(0o600);
    const config = JSON.parse(readFileSync(paths.output('zk-4'), 'utf8').split('\n')[0] ?? '');
    expect(config).toMatchObject({
      sid: 4,
      role: 'observer',
      host: '127.0.0.1',
      clientPort: status.ensemble[3]?.clientPort,
      dataDir: paths.memberDataDir(4),
      logFile: paths.log('zk-4'),
      tickMs: 100,
      initLimit: 10,
      syncLimit: 5,
      fourLetterWords: '*',
      supervisorPid: process.pid,
    });
    expect(config.servers.map((s: { sid: number; role: string }) => `${s.sid}:${s.role}`)).toEqual([
      '1:participant',
      '2:participant',
      '3:participant',
      '4:observer',
    ]);
  });

  it('kills the leader, sees the next one elected, starts the member again and stops everything on down', async () => {
    const { sup, paths } = await supervisor();
    const first = await sup.up();
    const control = controlOf(paths);
    const pids = first.ensemble.map((m) => m.pid ?? 0);

    const killed = await control.kill('zk-leader');
    expect(killed).toMatchObject({ name: 'zk-3', role: 'leader', pid: pids[2] });
    expect(isAlive(killed.pid)).toBe(false);
    const after = await waitUntil('a new leader', async () => {
      const s = await control.status();
      return leaders(s).length === 1 && s;
    });
    expect(leaders(after)).toEqual(['zk-2']);
    expect(after.ensemble[2]).toMatchObject({ state: 'killed', pid: null, role: null });
    const elected = readTimeline(paths.eventsFile).filter((e) => e.type === 'leader-elected');
    // zk-2 may lead briefly at start, before zk-3 answers; the last two elections are the failover.
    expect(elected.map((e) => e.type === 'leader-elected' && e.member).slice(-2)).toEqual(['zk-3', 'zk-2']);

    await expect(control.kill('zk-3')).rejects.toThrow('zk-3 is not running');
    await expect(control.kill('master-1')).rejects.toThrow(
      'no component named "master-1" (this cluster has zk-1, zk-2, zk-3, zk-leader)',
    );
    await expect(control.kill('scheduler')).rejects.toThrow(
      'no component named "scheduler" (this cluster has zk-1, zk-2, zk-3, zk-leader)',
    );
    await expect(control.start('zk-1')).rejects.toThrow(/zk-1 is already running/);
    await expect(control.start('zk-9')).rejects.toThrow(/no component named "zk-9"/);

    const started = await control.start('zk-3');
    expect(isAlive(started.pid)).toBe(true);
    const back = await waitUntil('zk-3 back', async () => {
      const s = await control.status();
      return s.ensemble[2]?.state === 'running' && leaders(s).length === 1 && s;
    });
    expect(back.ensemble[2]?.pid).toBe(started.pid);

    const live = await control.status();
    await control.down();
    await sup.closed;
    for (const m of live.ensemble) expect(isAlive(m.pid ?? 0)).toBe(false);
    expect(readClusterFile(paths)?.supervisor.phase).toBe('stopped');
    expect(readTimeline(paths.eventsFile).at(-1)?.type).toBe('cluster-stopped');
  });

  it('streams timeline events to followers and refuses requests without the token', async () => {
    const { sup, paths } = await supervisor();
    await sup.up();
    const file = readClusterFile(paths);
    const url = file?.supervisor.controlUrl ?? '';
    expect((await fetch(`${url}/status`)).status).toBe(401);
    await expect(new ControlClient(url, 'wrong').status()).rejects.toThrow(/control token/);

    const control = controlOf(paths);
    const abort = new AbortController();
    const seen: string[] = [];
    const after = readTimeline(paths.eventsFile).at(-1)?.seq ?? 0;
    const following = (async () => {
      try {
        for await (const event of control.events({ after, follow: true, signal: abort.signal })) {
          seen.push(event.type === 'member-killed' ? `killed ${event.member}` : event.type);
          if (event.type === 'member-killed') abort.abort();
        }
      } catch {
        // aborted
      }
    })();
    await control.kill('zk-1');
    await following;
    expect(seen).toContain('killed zk-1');
  });

  it('names the member that failed to start, with its ports, data dir and log, and leaves nothing running', async () => {
    const { sup, paths } = await supervisor({ failSid: 2 });
    const failure = sup.up();
    await expect(failure).rejects.toThrow(UserError);
    const message = await failure.catch((err: Error) => err.message);
    expect(message).toMatch(/^zk-2 failed to start: zk-2 exited with code 3 before it was ready/);
    expect(message).toContain(`data dir ${paths.memberDataDir(2)}`);
    expect(message).toContain(`log ${paths.log('zk-2')}`);
    expect(message).toMatch(/client port \d+, quorum port \d+, election port \d+/);
    expect(message).toContain('Error: fake member 2 refuses to start');
    await sup.closed;
    expect((await sup.status()).ensemble.every((m) => m.pid === null && m.state !== 'running')).toBe(true);
    expect(readClusterFile(paths)?.supervisor).toMatchObject({ phase: 'failed', error: message });
  });

  it('keeps its ports across restarts and never takes ports of another cluster in the same home', async () => {
    const a = await supervisor({ name: 'a' });
    const firstA = await a.sup.up();
    const b = await supervisor({ name: 'b', home: a.home });
    const statusB = await b.sup.up();
    const portsOf = (s: ClusterStatus) => s.ensemble.flatMap((m) => [m.clientPort, m.quorumPort, m.electionPort]);
    expect(portsOf(statusB).filter((p) => portsOf(firstA).includes(p))).toEqual([]);
    await a.sup.down();
    await a.sup.close();
    const again = await supervisor({ name: 'a', home: a.home });
    expect(portsOf(await again.sup.up())).toEqual(portsOf(firstA));
  });
});
