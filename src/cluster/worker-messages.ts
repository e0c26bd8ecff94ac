// Checks on what master, agent and scheduler worker threads post to the supervisor (see src/master/worker.ts and
// src/agent/worker.ts, src/scheduler/worker.ts): a well-formed message, or null.
import type { AgentWorkerMessage } from '../agent/worker.js';
import type { MasterWorkerMessage } from '../master/worker.js';
import type { SchedulerWorkerMessage } from '../scheduler/worker.js';

type Fields = Record<string, unknown>;

function fields(raw: unknown): Fields | null {
  return typeof raw === 'object' && raw !== null ? (raw as Fields) : null;
}

const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

export function parseMasterMessage(raw: unknown): MasterWorkerMessage | null {
  const m = fields(raw);
  if (m?.['type'] === 'ready' && typeof m['url'] === 'string') return { type: 'ready', url: m['url'] };
  const role = m?.['role'];
  if (m?.['type'] !== 'state' || (role !== 'leading' && role !== 'standby') || !isNullableString(m['leader'])) return null;
  return { type: 'state', role, leader: m['leader'] };
}

export function parseAgentMessage(raw: unknown): AgentWorkerMessage | null {
  const m = fields(raw);
  if (m?.['type'] === 'ready') return { type: 'ready' };
  const { registered, agentId, master } = m ?? {};
  if (m?.['type'] !== 'state' || typeof registered !== 'boolean' || !isNullableString(agentId) || !isNullableString(master)) return null;
  return { type: 'state', registered, agentId, master };
}

export function parseSchedulerMessage(raw: unknown): SchedulerWorkerMessage | null {
  const m = fields(raw);
  if (m?.['type'] === 'ready' && typeof m['url'] === 'string') return { type: 'ready', url: m['url'] };
  const { role, leader, subscribed, frameworkId } = m ?? {};
  if (m?.['type'] !== 'state' || (role !== 'leading' && role !== 'standby')) return null;
  if (!isNullableString(leader) || typeof subscribed !== 'boolean' || !isNullableString(frameworkId)) return null;
  return { type: 'state', role, leader, subscribed, frameworkId };
}
