// The cluster file: round trip, what counts as a running cluster, ports (the dashboard's too), port slices and
// service port ranges of neighbours, and process liveness (an unreaped zombie is not alive).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClusterFile,
  connectString,
  isAlive,
  otherClusters,
  readClusterFile,
  requireRunning,
  runningCluster,
  writeClusterFile,
} from '../../../src/cluster/cluster-file.js';
import { clusterPaths } from '../../../src/cluster/paths.js';
import { waitUntil } from '../../helpers/ensemble.js';

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((h) => rmSync(h, { recursive: true, force: true })));

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'minicluster-file-'));
  homes.push(dir);
  return dir;
}

function file(name: string, pid: number, firstPort: number): ClusterFile {
  return {
    name,
    profile: 'demo',
    zk: `zk://127.0.0.1:${firstPort}/mesos`,
    members: [
      {
        name: 'zk-1',
        sid: 1,
        role: 'participant',
        host: '127.0.0.1',
        clientPort: firstPort,
        quorumPort: firstPort + 1,
        electionPort: firstPort + 2,
      },
    ],
    masters: [{ name: 'master-1', port: firstPort + 3 }],
    agents: [
      {
        name: 'agent-1',
        port: firstPort + 4,
        workDir: '/w',
        resources: 'cpus:1',
        portRange: { begin: firstPort * 10, end: firstPort * 10 + 499 },
      },
    ],
    servicePorts: { begin: firstPort * 2, end: firstPort * 2 + 999 },
    dashboard: { port: firstPort + 5 },
    supervisor: { pid, controlUrl: 'http://127.0.0.1:1', token: 't', phase: 'ready', startedAt: 0 },
  };
}

describe('cluster file', () => {
  it('round-trips, and counts as running only while its supervisor lives and has not stopped or failed', () => {
    const paths = clusterPaths('c', { MINICLUSTER_HOME: home() });
    expect(readClusterFile(paths)).toBeNull();
    writeClusterFile(paths, file('c', process.pid, 4000));
    expect(runningCluster(paths)?.members[0]?.clientPort).toBe(4000);
    writeClusterFile(paths, {
      ...file('c', process.pid, 4000),
      supervisor: { ...file('c', process.pid, 4000).supervisor, phase: 'failed' },
    });
    expect(runningCluster(paths)).toBeNull();
    expect(() => requireRunning(paths)).toThrow('cluster c is not running (start it with: minicluster up --name c)');
  });

  it('lists the ports, agent port slices and service port ranges of the other clusters in the same home', () => {
    const dir = home();
    writeClusterFile(clusterPaths('a', { MINICLUSTER_HOME: dir }), file('a', 1, 5000));
    writeClusterFile(clusterPaths('b', { MINICLUSTER_HOME: dir }), file('b', 1, 6000));
    expect(otherClusters(clusterPaths('a', { MINICLUSTER_HOME: dir }))).toEqual({
      ports: [6000, 6001, 6002, 6003, 6004, 6005],
      portRanges: [{ begin: 60000, end: 60499 }],
      servicePortRanges: [{ begin: 12000, end: 12999 }],
    });
  });

  it('builds ZooKeeper connect strings', () => {
    expect(connectString(file('a', 1, 7000).members, '/mesos')).toBe('127.0.0.1:7000/mesos');
  });
});

describe('isAlive', () => {
  it.runIf(existsSync('/proc/self/stat'))('treats an exited but unreaped process as gone', async () => {
    // `sh` forks a short child and execs into a process that never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = Number(
      await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))),
    );
    try {
      await waitUntil('the short child to exit', () => !isAlive(zombie), 5_000);
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(isAlive(parent.pid ?? 0)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
