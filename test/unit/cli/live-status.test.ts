// What `up` shows while the cluster runs: the block a terminal keeps on screen, the one line a pipe
// gets, and the progress lines of long waits.
import { describe, expect, it } from 'vitest';
import type { AppInfoJson } from '../../../src/api/marathon.js';
import { noteText, progressText } from '../../../src/cli/format.js';
import { fitToWidth, statusBlock, statusLine, type LiveSnapshot } from '../../../src/cli/live-status.js';
import type { ClusterStatus } from '../../../src/cluster/status.js';

const member = (name: string, role: 'leader' | 'follower', state: 'running' | 'killed' = 'running') =>
  ({
    name,
    sid: 1,
    kind: 'participant',
    clientPort: 1,
    quorumPort: 2,
    electionPort: 3,
    pid: 7,
    role,
    state,
    zxid: '0x1',
  }) as const;
const master = (name: string, role: 'leading' | 'standby' | null, state: 'running' | 'killed' = 'running') => ({
  name,
  url: 'http://m',
  role,
  state,
  pid: 7,
});
const agent = (name: string, tasks: number, registered = true) => ({
  name,
  url: 'http://a',
  id: `${name}-id`,
  state: 'running' as const,
  pid: 7,
  registered,
  master: registered ? 'master-2' : null,
  portRange: { begin: 31000, end: 31499 },
  resources: null,
  tasks,
});

const status: ClusterStatus = {
  name: 'default',
  profile: 'demo',
  phase: 'ready',
  waiting: null,
  supervisorPid: 42,
  zk: 'zk://127.0.0.1:1/mesos',
  ensemble: [member('zk-1', 'follower'), member('zk-2', 'leader'), member('zk-3', 'follower', 'killed')],
  masters: [master('master-1', null, 'killed'), master('master-2', 'leading'), master('master-3', 'standby')],
  agents: [agent('agent-1', 2), agent('agent-2', 1)],
  marathon: 'http://127.0.0.1:8080',
  schedulers: [
    {
      name: 'scheduler-1',
      url: 'http://127.0.0.1:8080',
      role: 'leading',
      state: 'running',
      pid: 42,
      subscribed: true,
      frameworkId: 'fw',
      unservedPorts: [],
    },
  ],
  dashboard: 'http://127.0.0.1:9090/?token=t',
};

const apps: AppInfoJson[] = [
  {
    id: '/web',
    instances: 3,
    version: 'v',
    tasksRunning: 3,
    tasksHealthy: 2,
    healthChecks: [{ protocol: 'HTTP' }],
    deployments: [],
  },
  { id: '/db', instances: 2, version: 'v', tasksRunning: 1, deployments: [{ id: 'd-1' }] },
];
const snapshot: LiveSnapshot = { status, apps };

describe('statusBlock', () => {
  it('has a line per kind of component: roles, the leading master, registrations with tasks, apps with their counts', () => {
    expect(statusBlock(snapshot, 200)).toEqual([
      'cluster default (demo) ready · marathon http://127.0.0.1:8080 · dashboard http://127.0.0.1:9090 (minicluster ui)',
      'ensemble   zk-1 follower · zk-2 leader · zk-3 killed',
      'masters    master-1 killed · master-2 leading · master-3 standby',
      'agents     agent-1 → master-2, 2 tasks · agent-2 → master-2, 1 task',
      'schedulers scheduler-1 leading, subscribed',
      'apps       /web 3/3 healthy 2 · /db 1/2 deploying',
    ]);
  });

  it('cuts every line to the terminal width and says when the scheduler does not answer', () => {
    const block = statusBlock({ status, apps: null }, 30);
    expect(block.every((line) => [...line].length <= 30)).toBe(true);
    expect(block[0]).toBe('cluster default (demo) ready …');
    expect(statusBlock({ status, apps: null }, 200).at(-1)).toBe('apps       (the scheduler does not answer)');
  });
});

describe('a stopping cluster', () => {
  it('says what the stop waits for, in the block and in the line', () => {
    const stopping = { ...status, phase: 'stopping' as const, waiting: 'agent-1 is killing 2 tasks' };
    expect(statusBlock({ status: stopping, apps }, 200)[0]).toBe(
      'cluster default (demo) stopping (agent-1 is killing 2 tasks) · marathon http://127.0.0.1:8080 · dashboard http://127.0.0.1:9090 (minicluster ui)',
    );
    expect(statusLine({ status: stopping, apps: null })).toMatch(
      /^status: cluster: stopping \(agent-1 is killing 2 tasks\) \| zk: zk-2 leads/,
    );
  });
});

describe('statusLine', () => {
  it('sums the cluster up in one line without control codes', () => {
    const line = statusLine(snapshot);
    expect(line).toBe(
      'status: zk: zk-2 leads, 2/3 up | masters: master-2 leads, 2/3 up | agents: 2/2 registered, 3 tasks | schedulers: scheduler-1 leads, subscribed | apps: /web 3/3 healthy 2, /db 1/2 deploying',
    );
    expect(line).not.toContain('\x1b');
  });

  it('says when nothing leads and leaves out what the cluster does not have', () => {
    const bare = {
      ...status,
      ensemble: [],
      masters: [master('master-1', null, 'killed')],
      agents: [agent('agent-1', 0, false)],
      schedulers: [],
    };
    expect(statusLine({ status: bare, apps: [] })).toBe(
      'status: masters: no leader, 0/1 up | agents: 0/1 registered, 0 tasks | apps: none',
    );
  });
});

describe('progress text', () => {
  it('tells what a wait is at and the seconds since it began', () => {
    expect(progressText('starting cluster default', 'no master is leading yet', 1_234)).toBe(
      'starting cluster default: no master is leading yet  [1.2 s]',
    );
    expect(progressText('deployment d-1', null, 50)).toBe('deployment d-1  [0.1 s]');
    expect(noteText('step 1/2: StartApplication /web', 300)).toBe('step 1/2: StartApplication /web  [0.3 s]');
  });

  it('fits a line to a width', () => {
    expect(fitToWidth('abcdef', 6)).toBe('abcdef');
    expect(fitToWidth('abcdef', 4)).toBe('abc…');
  });
});
