// Why an app of a deployment waits, read from its /v2/queue entry (with lastUnusedOffers), its health and its last
// task failure: what it asks against what the agents have free, its constraints, backoff.
import { describe, expect, it } from 'vitest';
import type { AppInfoJson, Json } from '../../../src/api/marathon.js';
import { waitReason } from '../../../src/api/wait-reasons.js';

function offer(agentId: string, resources: Json[], reason: string): Json {
  return { offer: { id: `o-${agentId}`, agentId, hostname: '127.0.0.1', resources, attributes: [] }, reason: [reason] };
}

function queued(app: Json, declines: Record<string, number>, unused: Json[]): Json {
  const rejectSummaryLaunchAttempt = Object.entries(declines).map(([reason, declined]) => ({
    reason,
    declined,
    processed: 4,
  }));
  return {
    app,
    count: 1,
    delay: { timeLeftSeconds: 0, overdue: true },
    processedOffersSummary: { rejectSummaryLaunchAttempt },
    lastUnusedOffers: unused,
  };
}

describe('waitReason', () => {
  it('says what the app asks per instance against what each agent has free', () => {
    const app = { id: '/big', cpus: 1, mem: 128, portDefinitions: [{ port: 10000 }] };
    const cpus = (v: number): Json => ({ name: 'cpus', role: '*', scalar: v });
    const entry = queued(app, { InsufficientCpus: 4 }, [
      offer('S1', [cpus(0.95)], 'InsufficientCpus'),
      offer('S0', [cpus(0.05)], 'InsufficientCpus'),
    ]);
    expect(waitReason('/big', entry, null)).toEqual({
      app: '/big',
      unplaced: true,
      reason:
        '1 instance(s) not placed: offers declined: InsufficientCpus (4/4 offers); asks 1 cpu per instance; the agents have 0.05 and 0.95 free',
    });
    const mem = queued(app, { InsufficientMemory: 2 }, [
      offer('S0', [{ name: 'mem', role: '*', scalar: 64 }], 'InsufficientMemory'),
    ]);
    expect(waitReason('/big', mem, null)?.reason).toMatch(
      /; asks 128 MB of memory per instance; the agent offered has 64 free$/,
    );
    const ports = queued(app, { InsufficientPorts: 1 }, [
      offer('S0', [{ name: 'ports', role: '*', ranges: [] }], 'InsufficientPorts'),
    ]);
    expect(waitReason('/big', ports, null)?.reason).toMatch(
      /; asks 1 host port per instance; the agent offered has 0 free$/,
    );
  });

  it('names the constraints that rule the offered agents out', () => {
    const app = {
      id: '/spread',
      cpus: 0.05,
      constraints: [
        ['rack', 'GROUP_BY'],
        ['rack', 'MAX_PER', '2'],
      ],
    };
    const entry = queued(app, { UnfulfilledConstraint: 8 }, [offer('S0', [], 'UnfulfilledConstraint')]);
    expect(waitReason('/spread', entry, null)?.reason).toBe(
      '1 instance(s) not placed: offers declined: UnfulfilledConstraint (8/4 offers); its constraints (rack GROUP_BY, rack MAX_PER 2) rule out the agents offered',
    );
  });

  it('tells backoff, failing health checks and the last failure apart from offers that do not fit', () => {
    const delayed = { ...queued({ id: '/crash' }, {}, []), delay: { timeLeftSeconds: 3, overdue: false } };
    const info = {
      id: '/crash',
      instances: 1,
      version: 'v',
      tasksUnhealthy: 1,
      lastTaskFailure: { taskId: 'crash.1', state: 'TASK_FAILED', message: 'exit 1' },
    } as AppInfoJson;
    expect(waitReason('/crash', delayed, info)).toEqual({
      app: '/crash',
      unplaced: false,
      reason:
        'launches delayed by backoff after task failures; 1 task(s) failing health checks; last task failure: crash.1 TASK_FAILED (exit 1)',
    });
    expect(waitReason('/fine', undefined, null)).toBeNull();
    expect(waitReason('/new', queued({ id: '/new' }, {}, []), null)?.reason).toBe(
      '1 instance(s) not placed, waiting for offers',
    );
  });
});
