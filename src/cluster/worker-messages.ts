// Checks on what master, agent and scheduler worker threads post to the supervisor (see src/master/worker.ts and
// src/agent/worker.ts, src/scheduler/worker.ts): a well-formed message, or null.
import type { AgentWorkerMessage } from '../agent/worker.js';
import type { MasterStep } from '../common/election-record.js';
import type { MasterElectionMessage, MasterWorkerMessage } from '../master/worker.js';
import type { TimelineReport } from '../scheduler/timeline-report.js';
import type { SchedulerWorkerMessage } from '../scheduler/worker.js';
import type { UnservedPort } from '../scheduler/io/load-balancer.js';

type Fields = Record<string, unknown>;

function fields(raw: unknown): Fields | null {
  return typeof raw === 'object' && raw !== null ? (raw as Fields) : null;
}

const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function parseMasterMessage(raw: unknown): MasterWorkerMessage | null {
  const m = fields(raw);
  if (m?.['type'] === 'ready' && typeof m['url'] === 'string') return { type: 'ready', url: m['url'] };
  const role = m?.['role'];
  if (m?.['type'] !== 'state' || (role !== 'leading' && role !== 'standby') || !isNullableString(m['leader']))
    return null;
  return { type: 'state', role, leader: m['leader'] };
}

/** The steps a master reports of its contest, so that a message naming another is refused. */
const MASTER_STEPS: Record<MasterStep['step'], true> = {
  session: true,
  candidate: true,
  watching: true,
  elected: true,
  'session-lost': true,
};

export function parseMasterElection(raw: unknown): MasterElectionMessage | null {
  const m = fields(raw);
  const step = fields(m?.['step']);
  const name = step?.['step'];
  if (m?.['type'] !== 'election' || typeof m['at'] !== 'number' || typeof name !== 'string') return null;
  return Object.hasOwn(MASTER_STEPS, name) ? { type: 'election', at: m['at'], step: step as MasterStep } : null;
}

export function parseAgentMessage(raw: unknown): AgentWorkerMessage | null {
  const m = fields(raw);
  if (m?.['type'] === 'ready') return { type: 'ready' };
  const { registered, agentId, master, tasks } = m ?? {};
  if (
    m?.['type'] !== 'state' ||
    typeof registered !== 'boolean' ||
    !isNullableString(agentId) ||
    !isNullableString(master) ||
    !isCount(tasks)
  )
    return null;
  return { type: 'state', registered, agentId, master, tasks };
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isPorts = (v: unknown): v is number[] => Array.isArray(v) && v.every(isCount);

export function parseSchedulerMessage(raw: unknown): SchedulerWorkerMessage | null {
  const m = fields(raw);
  if (m?.['type'] === 'ready' && typeof m['url'] === 'string') return { type: 'ready', url: m['url'] };
  if (m?.['type'] === 'deployment' || m?.['type'] === 'task') return parseTimelineReport(m);
  const { role, leader, subscribed, frameworkId, unservedPorts } = m ?? {};
  if (m?.['type'] !== 'state' || (role !== 'leading' && role !== 'standby')) return null;
  if (!isNullableString(leader) || typeof subscribed !== 'boolean' || !isNullableString(frameworkId)) return null;
  if (!Array.isArray(unservedPorts) || !unservedPorts.every(isUnservedPort)) return null;
  return { type: 'state', role, leader, subscribed, frameworkId, unservedPorts };
}

function isUnservedPort(raw: unknown): raw is UnservedPort {
  const u = fields(raw);
  return isCount(u?.['servicePort']) && typeof u?.['appId'] === 'string' && typeof u['reason'] === 'string';
}

function parseTimelineReport(m: Fields): TimelineReport | null {
  if (m['type'] === 'deployment') {
    const { phase, id, steps, apps, reason } = m;
    if (phase !== 'started' && phase !== 'succeeded' && phase !== 'failed') return null;
    if (typeof id !== 'string' || !isStrings(steps) || !isStrings(apps) || typeof reason !== 'string') return null;
    return { type: 'deployment', phase, id, steps, apps, reason };
  }
  const { taskId, appId, state, host, ports, message } = m;
  if (typeof taskId !== 'string' || typeof appId !== 'string' || typeof state !== 'string') return null;
  if (typeof host !== 'string' || !isPorts(ports) || typeof message !== 'string') return null;
  return { type: 'task', taskId, appId, state, host, ports, message };
}
