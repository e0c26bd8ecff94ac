// CLI text output: zkCli's stat layout (checked against a capture from ZooKeeper 3.8), tables, the
// status of masters and agents, task updates and component log lines.
import { describe, expect, it } from 'vitest';
import {
  clockTime,
  formatKilled,
  formatLogRecord,
  formatStarted,
  formatStat,
  formatStatus,
  formatTaskStatus,
  javaDate,
  table,
} from '../../../src/cli/format.js';
import type { ClusterStatus } from '../../../src/cluster/status.js';

/** zkCli `stat /` against ZooKeeper 3.8.0 (JVM in UTC), after its connection banner. */
const ZKCLI_STAT_ROOT = `cZxid = 0x0
ctime = Thu Jan 01 00:00:00 UTC 1970
mZxid = 0x0
mtime = Thu Jan 01 00:00:00 UTC 1970
pZxid = 0x51
cversion = 6
dataVersion = 0
aclVersion = 0
ephemeralOwner = 0x0
dataLength = 0
numChildren = 6`;

describe('formatStat', () => {
  it('prints the root Stat exactly like zkCli', () => {
    const root = {
      czxid: 0n,
      mzxid: 0n,
      pzxid: 0x51n,
      ephemeralOwner: 0n,
      ctime: 0,
      mtime: 0,
      version: 0,
      cversion: 6,
      aversion: 0,
      dataLength: 0,
      numChildren: 6,
    };
    expect(formatStat(root)).toBe(ZKCLI_STAT_ROOT);
  });

  it('formats times like java.util.Date in UTC and owners in hex', () => {
    expect(javaDate(Date.UTC(2024, 11, 29, 17, 54, 3))).toBe('Sun Dec 29 17:54:03 UTC 2024');
    const stat = formatStat({
      czxid: 0x100000002n,
      mzxid: 0n,
      pzxid: 0n,
      ephemeralOwner: 0x3000a4b2c0000n,
      ctime: 0,
      mtime: 0,
      version: 1,
      cversion: 0,
      aversion: 0,
      dataLength: 5,
      numChildren: 0,
    });
    expect(stat).toContain('cZxid = 0x100000002');
    expect(stat).toContain('ephemeralOwner = 0x3000a4b2c0000');
    expect(stat).toContain('dataVersion = 1');
  });
});

describe('table', () => {
  it('pads columns to the widest cell', () => {
    expect(
      table(
        ['NAME', 'ROLE'],
        [
          ['zk-1', 'follower'],
          ['zk-10', '-'],
        ],
      ),
    ).toBe('NAME   ROLE\nzk-1   follower\nzk-10  -');
  });
});

describe('formatStatus', () => {
  it('shows masters with their role and agents with their registration, resources and tasks', () => {
    const status: ClusterStatus = {
      name: 'default',
      profile: 'demo',
      phase: 'ready',
      waiting: null,
      supervisorPid: 42,
      zk: 'zk://127.0.0.1:2181/mesos',
      ensemble: [],
      masters: [{ name: 'master-1', url: 'http://127.0.0.1:5050', role: 'leading', state: 'running', pid: 42 }],
      agents: [
        {
          name: 'agent-1',
          url: 'http://127.0.0.1:5051',
          id: 'M-S0',
          state: 'running',
          pid: 42,
          registered: true,
          master: 'master-1',
          portRange: { begin: 31000, end: 31499 },
          resources: { cpus: 1, mem: 512, disk: 100, ports: '[31000-31499]' },
          tasks: 2,
        },
        {
          name: 'agent-2',
          url: 'http://127.0.0.1:5052',
          id: null,
          state: 'killed',
          pid: null,
          registered: false,
          master: null,
          portRange: { begin: 31500, end: 31999 },
          resources: null,
          tasks: null,
        },
      ],
      marathon: 'http://127.0.0.1:8080',
      schedulers: [
        {
          name: 'scheduler-1',
          url: 'http://127.0.0.1:8080',
          role: 'leading',
          state: 'running',
          pid: 42,
          subscribed: true,
          frameworkId: 'fw-1',
          unservedPorts: [],
        },
        {
          name: 'scheduler-2',
          url: 'http://127.0.0.1:8081',
          role: 'standby',
          state: 'running',
          pid: 42,
          subscribed: false,
          frameworkId: null,
          unservedPorts: [],
        },
      ],
      dashboard: 'http://127.0.0.1:8090/?token=abc',
    };
    expect(formatStatus(status).split('\n')).toEqual([
      'cluster default (profile demo, ready, supervisor pid 42)',
      'zk: zk://127.0.0.1:2181/mesos',
      'marathon: http://127.0.0.1:8080',
      'dashboard: http://127.0.0.1:8090/?token=abc',
      '',
      'MASTER    ROLE     STATE    PID  URL',
      'master-1  leading  running  42   http://127.0.0.1:5050',
      '',
      'AGENT    STATE    MASTER    ADDRESS         ID    CPUS  MEM  PORTS        TASKS',
      'agent-1  running  master-1  127.0.0.1:5051  M-S0  1     512  31000-31499  2',
      'agent-2  killed   -         127.0.0.1:5052  -     -     -    -            -',
      '',
      'SCHEDULER    ROLE     STATE    FRAMEWORK           URL',
      'scheduler-1  leading  running  subscribed as fw-1  http://127.0.0.1:8080',
      'scheduler-2  standby  running  not subscribed      http://127.0.0.1:8081',
    ]);
  });
});

describe('formatStatus widths', () => {
  it('fits 120 columns with full Mesos agent and framework ids, and prints the dashboard URL whole', () => {
    const id = 'd90b3662-18c7-43d0-b6d3-c2f88ab716bb';
    const agent = (n: number) => ({
      name: `agent-${n}`,
      url: `http://127.0.0.1:3676${n}`,
      id: `${id}-S${n - 1}`,
      state: 'running' as const,
      pid: 28481,
      registered: true,
      master: 'master-1',
      portRange: { begin: 31000, end: 31499 },
      resources: { cpus: 1, mem: 11540, disk: 126449, ports: '[31000-31499]' },
      tasks: 12,
    });
    const dashboard = `http://127.0.0.1:41393/?token=${'f0'.repeat(24)}`;
    const lines = formatStatus({
      name: 'default',
      profile: 'realistic',
      phase: 'ready',
      waiting: null,
      supervisorPid: 28481,
      zk: 'zk://127.0.0.1:39589,127.0.0.1:40765,127.0.0.1:44109/mesos',
      ensemble: [],
      masters: [{ name: 'master-1', url: 'http://127.0.0.1:35989', role: 'leading', state: 'running', pid: 28481 }],
      agents: [agent(1), agent(2)],
      marathon: 'http://127.0.0.1:41107',
      schedulers: [],
      dashboard,
    }).split('\n');
    expect(lines.filter((l) => l.length > 120)).toEqual([]);
    expect(lines).toContain(`dashboard: ${dashboard}`);
    expect(lines).toContain(`agent-1  running  master-1  127.0.0.1:36761  ${id}-S0  1     11540  31000-31499  12`);
  });
});

describe('task updates and log lines', () => {
  it("reports a status update in mesos-execute's words", () => {
    const status = { task_id: { value: 't' }, state: 'TASK_FAILED' as const, message: 'Command exited with status 3' };
    expect(formatTaskStatus('job', status, 'agent-2')).toBe(
      "Received status update TASK_FAILED for task 'job' on agent-2 (Command exited with status 3)",
    );
  });

  it('prints a pino record as time, level, message and the other fields', () => {
    const line = formatLogRecord({
      level: 40,
      time: 0,
      pid: 1,
      hostname: 'h',
      component: 'agent-1',
      msg: 'Pulling image',
      image: 'busybox',
      n: 2,
    });
    expect(line).toBe(`${clockTime(0)}  WARN   Pulling image  image=busybox  n=2`);
    expect(formatLogRecord({ msg: 'not JSON' })).toBe('not JSON');
  });
});

describe('kills and starts', () => {
  it("names a worker thread's pid as its supervisor's, and a process's as its own", () => {
    const at = Date.UTC(2024, 0, 1);
    expect(formatKilled({ name: 'master-2', pid: 2402, thread: true, role: 'leading', at })).toBe(
      `killed master-2 (leading, thread of supervisor 2402) at ${clockTime(at)}`,
    );
    expect(formatKilled({ name: 'zk-1', pid: 4250, thread: false, role: null, at })).toBe(
      `killed zk-1 (pid 4250) at ${clockTime(at)}`,
    );
  });

  it('says which component a word for a kind brought back', () => {
    expect(formatStarted({ name: 'master-2', pid: 2402, thread: true, was: 'the leading master' })).toBe(
      'started master-2, which was the leading master (thread of supervisor 2402)',
    );
    expect(formatStarted({ name: 'zk-3', pid: 4251, thread: false, was: null })).toBe('started zk-3 (pid 4251)');
  });
});
