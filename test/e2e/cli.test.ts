// The CLI end to end (node bin/run.js, temporary MINICLUSTER_HOME): up --detach, status, zk writes
// and reads, killing the leader, failover, starting the killed leader by that word, down, a restart that
// keeps the data, two named clusters side by side (ports and agent port slices apart), and members that die with their supervisor.
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/cluster/cluster-file.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { waitUntil } from '../helpers/ensemble.js';
import { CliHome } from './cli-helpers.js';

const home = new CliHome();
const ok = (...args: string[]): Promise<string> => home.ok(...args);
const cli = (...args: string[]) => home.run(...args);
/** The ensemble alone: these tests are about it (test/e2e/mesos.test.ts covers masters and agents). */
const up = (name: string): Promise<ClusterStatus> => home.up(name, '--masters', '0', '--agents', '0');
const status = (name: string): Promise<ClusterStatus> => home.status(name);

function leaders(s: ClusterStatus): string[] {
  return s.ensemble.filter((m) => m.role === 'leader').map((m) => m.name);
}

function pids(s: ClusterStatus): number[] {
  return [s.supervisorPid, ...s.ensemble.flatMap((m) => (m.pid === null ? [] : [m.pid]))];
}

afterAll(() => home.cleanup(), 120_000);

describe('minicluster CLI', () => {
  it('survives a leader kill with its data, brings the member back, stops cleanly and restarts with the data', {
    timeout: 240_000,
  }, async () => {
    const first = await up('e2e');
    expect(leaders(first)).toHaveLength(1);
    expect(leaders(await status('e2e'))).toHaveLength(1);
    expect(first.ensemble.every((m) => m.state === 'running' && m.pid !== null)).toBe(true);
    expect(first.zk).toMatch(/^zk:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\/mesos$/);

    expect(await ok('zk', 'create', '/e2e', 'hello', '--name', 'e2e')).toBe('Created /e2e');
    const killedLeader = leaders(first)[0];
    const killed = await ok('kill', 'zk-leader', '--name', 'e2e');
    expect(killed).toMatch(
      new RegExp(`^killed ${killedLeader} \\(leader, pid \\d+\\) at \\d\\d:\\d\\d:\\d\\d\\.\\d{3}$`),
    );

    const failedOver = await waitUntil(
      'a new leader',
      async () => {
        const s = await status('e2e');
        return leaders(s).length === 1 && leaders(s)[0] !== killedLeader && s;
      },
      30_000,
    );
    expect(failedOver.ensemble.find((m) => m.name === killedLeader)).toMatchObject({ state: 'killed', pid: null });
    expect(await ok('zk', 'get', '/e2e', '--name', 'e2e')).toBe('hello');

    expect(await ok('start', 'zk-leader', '--name', 'e2e')).toMatch(
      new RegExp(`^started ${killedLeader}, which was the ensemble leader \\(pid \\d+\\)$`),
    );
    const noneDown = await cli('start', 'zk', '--name', 'e2e');
    expect(noneDown.exitCode).toBe(1);
    expect(noneDown.stderr.trim()).toBe('error: no ensemble member is down (zk-1, zk-2 and zk-3 running)');
    const rejoined = await waitUntil(
      `${killedLeader} following`,
      async () => {
        const s = await status('e2e');
        return s.ensemble.find((m) => m.name === killedLeader)?.role === 'follower' && s;
      },
      30_000,
    );
    const events = await ok('events', '--name', 'e2e');
    expect(events).toMatch(/elected leader after \d+\.\d s without a leader/);
    expect(events).toContain(`${killedLeader} killed`);

    const notYet = await cli('kill', 'leader', '--name', 'e2e');
    expect(notYet.exitCode).toBe(1);
    expect(notYet.stderr.trim()).toBe(
      'error: no component named "leader" (this cluster has zk-1, zk-2, zk-3, zk-leader)',
    );

    expect(await ok('down', '--name', 'e2e')).toBe('cluster e2e stopped');
    for (const pid of pids(rejoined)) expect(isAlive(pid), `pid ${pid} still running`).toBe(false);
    const stopped = await cli('status', '--name', 'e2e');
    expect(stopped.exitCode).toBe(1);
    expect(stopped.stderr.trim()).toBe('error: cluster e2e is not running (start it with: minicluster up --name e2e)');

    await up('e2e');
    expect(await ok('zk', 'get', '/e2e', '--name', 'e2e')).toBe('hello');
    const stat = await ok('zk', 'stat', '/e2e', '--name', 'e2e');
    expect(stat).toMatch(/^cZxid = 0x[0-9a-f]+\nctime = \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\n/);
    expect(stat).toContain('dataLength = 5');
    expect(await ok('zk', 'srvr', 'zk-1', '--name', 'e2e')).toMatch(
      /^Zookeeper version: .*\n[\s\S]*Mode: (leader|follower)/,
    );
    await ok('down', '--name', 'e2e');
  });

  it('runs two named clusters side by side, and their members die with their supervisor', {
    timeout: 180_000,
  }, async () => {
    const a = await home.up('side-a', '--masters', '1');
    const b = await home.up('side-b', '--masters', '1');
    const portsOf = (s: ClusterStatus) => [
      ...s.ensemble.flatMap((m) => [m.clientPort, m.quorumPort, m.electionPort]),
      ...s.masters.map((m) => Number(new URL(m.url).port)),
      ...s.agents.map((g) => Number(new URL(g.url).port)),
    ];
    expect(new Set([...portsOf(a), ...portsOf(b)]).size).toBe(portsOf(a).length + portsOf(b).length);
    const slices = [...a.agents, ...b.agents].map((g) => g.portRange).sort((x, y) => x.begin - y.begin);
    expect(slices.map((r) => r.end - r.begin + 1)).toEqual([500, 500, 500, 500]);
    slices.slice(1).forEach((r, i) => expect(r.begin).toBeGreaterThan(slices[i]?.end ?? 0));
    for (const s of [a, b])
      for (const p of portsOf(s)) expect(slices.some((r) => p >= r.begin && p <= r.end)).toBe(false);

    await ok('zk', 'create', '/only-in-a', 'a', '--name', 'side-a');
    const missing = await cli('zk', 'get', '/only-in-a', '--name', 'side-b');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim()).toBe('error: Node does not exist: /only-in-a');
    expect(await ok('zk', 'ls', '/', '--name', 'side-a')).toContain('only-in-a');

    process.kill(b.supervisorPid, 'SIGKILL');
    await waitUntil('side-b members gone', () => pids(b).every((pid) => !isAlive(pid)), 15_000);
    expect(leaders(await status('side-a'))).toHaveLength(1);
    await ok('down', '--name', 'side-a');
    for (const pid of pids(a)) expect(isAlive(pid)).toBe(false);
  });
});
