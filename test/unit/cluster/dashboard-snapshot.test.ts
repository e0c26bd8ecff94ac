// The dashboard's snapshot: members with their connections, agents with used/total resources and
// their tasks from the leading master's state, apps with their counts and task endpoints, the
// timeline newest first with the CLI's lines, and how Marathon's errors reach the page.
import { describe, expect, it } from 'vitest';
import { MarathonHttpError, type AppInfoJson } from '../../../src/api/marathon.js';
import type { MasterStateJson } from '../../../src/api/mesos.js';
import { DeployError } from '../../../src/api/deploy.js';
import { UserError } from '../../../src/common/errors.js';
import { MAX_DASHBOARD_EVENTS } from '../../../src/common/limits.js';
import { errorAnswer } from '../../../src/cluster/dashboard/actions.js';
import {
  buildSnapshot,
  countPorts,
  portsIn,
  timelineLines,
  type SnapshotInput,
} from '../../../src/cluster/dashboard/snapshot.js';
import type { TimelineEvent } from '../../../src/cluster/core/timeline.js';
import type { ClusterStatus } from '../../../src/cluster/status.js';

const STATUS: ClusterStatus = {
  name: 'default',
  profile: 'demo',
  phase: 'ready',
  waiting: null,
  supervisorPid: 42,
  zk: 'zk://127.0.0.1:2181/mesos',
  ensemble: [
    {
      name: 'zk-1',
      sid: 1,
      kind: 'participant',
      clientPort: 2181,
      quorumPort: 2888,
      electionPort: 3888,
      pid: 7,
      role: 'leader',
      state: 'running',
      zxid: '0x100000002',
    },
    {
      name: 'zk-2',
      sid: 2,
      kind: 'participant',
      clientPort: 2182,
      quorumPort: 2889,
      electionPort: 3889,
      pid: null,
      role: null,
      state: 'killed',
      zxid: null,
    },
  ],
  masters: [
    { name: 'master-1', url: 'http://127.0.0.1:5050', role: 'leading', state: 'running', pid: 42 },
    { name: 'master-2', url: 'http://127.0.0.1:5051', role: 'standby', state: 'running', pid: 42 },
  ],
  agents: [
    {
      name: 'agent-1',
      url: 'http://127.0.0.1:5061',
      id: 'M-S0',
      state: 'running',
      pid: 42,
      registered: true,
      master: 'master-1',
      portRange: { begin: 31000, end: 31499 },
      resources: { cpus: 1, mem: 512, disk: 100, ports: '[31000-31499]' },
      tasks: 1,
    },
    {
      name: 'agent-2',
      url: 'http://127.0.0.1:5062',
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
  ],
  dashboard: 'http://127.0.0.1:9090/?token=t',
};

const TASK = { framework_id: 'fw-1', statuses: [] };
const MASTER_STATE = {
  slaves: [
    {
      id: 'M-S0',
      hostname: '127.0.0.1',
      pid: 'slave(1)@127.0.0.1:5061',
      active: true,
      resources: { cpus: 1, mem: 512, disk: 100, ports: '[31000-31499]' },
      used_resources: { cpus: 0.1, mem: 32, disk: 0, ports: '[31000-31001]' },
    },
  ],
  frameworks: [
    {
      id: 'fw-1',
      tasks: [
        {
          ...TASK,
          id: 'web.1',
          name: 'web',
          slave_id: 'M-S0',
          state: 'TASK_RUNNING',
          resources: { cpus: 0.05, mem: 16, ports: '[31000-31000]' },
        },
        {
          ...TASK,
          id: 'web.2',
          name: 'web',
          slave_id: 'M-S0',
          state: 'TASK_STAGING',
          resources: { cpus: 0.05, mem: 16, ports: '[31001-31001]' },
        },
      ],
    },
  ],
} as unknown as MasterStateJson;

const APP = {
  id: '/web',
  instances: 2,
  version: 'v1',
  tasksRunning: 1,
  tasksHealthy: 1,
  tasksStaged: 1,
  deployments: [{ id: 'd-1' }],
  tasks: [
    {
      id: 'web.1',
      appId: '/web',
      host: '127.0.0.1',
      ports: [31000],
      state: 'TASK_RUNNING',
      healthCheckResults: [{ alive: true }],
    },
    { id: 'web.2', appId: '/web', host: '127.0.0.1', ports: [31001], state: 'TASK_STAGING', healthCheckResults: [] },
  ],
} as AppInfoJson;

function event(seq: number, body: Partial<TimelineEvent> = {}): TimelineEvent {
  return {
    type: 'master-elected',
    master: `master-${seq}`,
    leaderlessMs: 900,
    at: 1000 * seq,
    seq,
    ...body,
  } as TimelineEvent;
}

function input(over: Partial<SnapshotInput> = {}): SnapshotInput {
  return {
    status: STATUS,
    masterState: MASTER_STATE,
    lastMasterState: MASTER_STATE,
    queue: [],
    apps: [APP],
    connections: new Map([['zk-1', 4]]),
    events: [],
    chart: { running: [], gaps: [] },
    elections: { list: [], contest: [], traffic: [] },
    now: 5,
    ...over,
  };
}

describe('buildSnapshot', () => {
  it('shows members with role, zxid and connections, and masters with the leading one', () => {
    const s = buildSnapshot(input());
    expect(s.members).toEqual([
      { name: 'zk-1', kind: 'participant', role: 'leader', state: 'running', zxid: '0x100000002', connections: 4 },
      { name: 'zk-2', kind: 'participant', role: null, state: 'killed', zxid: null, connections: null },
    ]);
    expect(s.masters.filter((m) => m.role === 'leading').map((m) => m.name)).toEqual(['master-1']);
    expect(s.schedulers).toEqual([
      { name: 'scheduler-1', url: 'http://127.0.0.1:8080', role: 'leading', state: 'running', subscribed: true },
    ]);
    expect(s.cluster).toEqual({ name: 'default', profile: 'demo', phase: 'ready' });
  });

  it("gives agents used/total cpus, mem and ports and their tasks from the leading master's state", () => {
    const [one, two] = buildSnapshot(input()).agents;
    expect(one?.used).toEqual({ cpus: 0.1, mem: 32, ports: 2 });
    expect(one?.total).toEqual({ cpus: 1, mem: 512, ports: 500 });
    expect(one?.tasks).toEqual([
      { id: 'web.1', name: 'web', state: 'TASK_RUNNING', endpoints: ['127.0.0.1:31000'] },
      { id: 'web.2', name: 'web', state: 'TASK_STAGING', endpoints: ['127.0.0.1:31001'] },
    ]);
    expect(two).toMatchObject({ name: 'agent-2', state: 'killed', used: null, total: null, tasks: [] });
  });

  it('leaves resources unknown while no master has ever led', () => {
    const [one] = buildSnapshot(input({ masterState: null, lastMasterState: null })).agents;
    expect(one).toMatchObject({ used: null, total: null, tasks: [], registered: true, master: 'master-1' });
  });

  it("keeps the last leading master's figures, marked stale, while none leads", () => {
    const [now] = buildSnapshot(input()).agents;
    const [during] = buildSnapshot(input({ masterState: null })).agents;
    expect(now?.stale).toBe(false);
    expect(now?.tasks.length).toBeGreaterThan(0);
    expect(during).toEqual({ ...now, stale: true });
  });

  it('says why an app waits, from its queue entry, and counts its health checks', () => {
    const queued = { app: { id: '/web' }, count: 1, processedOffersSummary: { rejectSummaryLaunchAttempt: [] } };
    const [web] = buildSnapshot(input({ queue: [queued] })).apps ?? [];
    expect(web?.waiting).toBe('1 instance(s) not placed, waiting for offers');
    expect(buildSnapshot(input()).apps?.[0]?.waiting).toBeNull();
  });

  it('shows apps with instances, running, healthy and task endpoints, and null while the scheduler does not answer', () => {
    expect(buildSnapshot(input()).apps).toEqual([
      {
        id: '/web',
        instances: 2,
        running: 1,
        healthy: 1,
        staged: 1,
        healthChecks: 0,
        deploying: true,
        waiting: null,
        tasks: [
          { id: 'web.1', state: 'TASK_RUNNING', endpoints: ['127.0.0.1:31000'], healthy: true },
          { id: 'web.2', state: 'TASK_STAGING', endpoints: ['127.0.0.1:31001'], healthy: null },
        ],
        unservedPorts: [],
      },
    ]);
    expect(buildSnapshot(input({ apps: null })).apps).toBeNull();
  });

  it("flags an app's service ports the leading scheduler's load balancer cannot serve, with why", () => {
    const reason = 'listen EADDRINUSE: address already in use 127.0.0.1:10000';
    const leading = { ...STATUS.schedulers[0], unservedPorts: [{ servicePort: 10000, appId: '/web', reason }] };
    const status = { ...STATUS, schedulers: [leading] } as ClusterStatus;
    expect(buildSnapshot(input({ status })).apps?.[0]?.unservedPorts).toEqual([{ servicePort: 10000, reason }]);
  });
});

describe('timelineLines', () => {
  it("lists the newest events first with the CLI's one-line text", () => {
    const failover = event(2, {
      type: 'failover',
      lost: 'master-1',
      how: 'killed',
      leader: 'master-2',
      leaderlessMs: 900,
      reregistered: 2,
      agents: 2,
      afterMs: 1100,
      tasks: 3,
    } as Partial<TimelineEvent>);
    expect(timelineLines([event(1), failover])).toEqual([
      {
        seq: 2,
        at: 2000,
        type: 'failover',
        text: 'master-1 lost (killed) → master-2 leading after 0.9 s → 2/2 agents re-registered after 1.1 s; 3 tasks kept running',
      },
      { seq: 1, at: 1000, type: 'master-elected', text: 'master-1 elected as the leading master after 0.9 s' },
    ]);
  });

  it('keeps only the newest MAX_DASHBOARD_EVENTS', () => {
    const lines = timelineLines(Array.from({ length: MAX_DASHBOARD_EVENTS + 5 }, (_, i) => event(i + 1)));
    expect(lines).toHaveLength(MAX_DASHBOARD_EVENTS);
    expect(lines[0]?.seq).toBe(MAX_DASHBOARD_EVENTS + 5);
  });
});

describe('port ranges', () => {
  it("counts and lists the ports of Mesos's v0 ranges text", () => {
    expect(countPorts('[31000-31499]')).toBe(500);
    expect(countPorts('[31000-31001, 31010-31010]')).toBe(3);
    expect(countPorts(undefined)).toBe(0);
    expect(portsIn('[31000-31001, 31010-31010]')).toEqual([31000, 31001, 31010]);
  });
});

describe('errorAnswer', () => {
  it("passes Marathon's status and body through, so the page can list errors by path", () => {
    const body = { message: 'Invalid JSON', details: [{ path: '/cpus', errors: ['error.min'] }] };
    expect(errorAnswer(new MarathonHttpError(422, body))).toEqual([422, body]);
    expect(errorAnswer(new MarathonHttpError(503, 'no leader'))).toEqual([503, { message: 'no leader' }]);
  });

  it('answers what the user can fix with 4xx and anything else with 500', () => {
    expect(errorAnswer(new DeployError('the definition has no "id"'))).toEqual([
      422,
      { message: 'the definition has no "id"' },
    ]);
    expect(errorAnswer(new UserError('master-1 is not running'))).toEqual([
      409,
      { message: 'master-1 is not running' },
    ]);
    expect(errorAnswer(Object.assign(new SyntaxError('Unexpected end of JSON input'), { status: 400 }))).toEqual([
      400,
      { message: 'Unexpected end of JSON input' },
    ]);
    expect(errorAnswer(new Error('boom'))).toEqual([500, { message: 'boom' }]);
  });
});
