// Checks on what master and agent worker threads post to the supervisor (see src/master/worker.ts and
// src/agent/worker.ts): a well-formed message, or null.
import type { AgentWorkerMessage } from '../agent/worker.js';
import type { MasterWorkerMessage } from '../master/worker.js';

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
