// The cluster timeline: what happened to which component and when, as data, and how each event
// reads as one line of text.
import type { ServerState } from '../member-config.js';

export type ZkRole = 'leader' | 'follower' | 'observer' | 'looking';

export type TimelineEventBody =
  | { type: 'cluster-starting'; cluster: string; profile: string }
  | { type: 'cluster-ready'; cluster: string; afterMs: number }
  | { type: 'cluster-failed'; cluster: string; reason: string }
  | { type: 'cluster-stopping'; cluster: string }
  | { type: 'cluster-stopped'; cluster: string }
  | { type: 'member-started'; member: string; pid: number }
  | { type: 'member-state'; member: string; state: ServerState; zxid: string }
  | { type: 'leader-elected'; member: string; leaderlessMs: number }
  | { type: 'leader-lost'; member: string }
  | { type: 'member-killed'; member: string; pid: number; role: ZkRole | null }
  | { type: 'member-exited'; member: string; code: number | null; signal: string | null }
  | { type: 'member-failed'; member: string; reason: string };

/** `at` is milliseconds since the epoch. */
export type TimelineEntry = TimelineEventBody & { at: number };
/** `seq` numbers events of one cluster in order, across restarts of its supervisor. */
export type TimelineEvent = TimelineEntry & { seq: number };

export function describeEvent(event: TimelineEventBody): string {
  switch (event.type) {
    case 'cluster-starting':
      return `cluster ${event.cluster} starting (profile ${event.profile})`;
    case 'cluster-ready':
      return `cluster ${event.cluster} ready after ${seconds(event.afterMs)}`;
    case 'cluster-failed':
      return `cluster ${event.cluster} failed to start: ${event.reason}`;
    case 'cluster-stopping':
      return `cluster ${event.cluster} stopping`;
    case 'cluster-stopped':
      return `cluster ${event.cluster} stopped`;
    case 'member-started':
      return `${event.member} started (pid ${event.pid})`;
    case 'member-state':
      return `${event.member} is ${event.state} (zxid ${event.zxid})`;
    case 'leader-elected':
      return `${event.member} elected leader after ${seconds(event.leaderlessMs)} without a leader`;
    case 'leader-lost':
      return `${event.member} is no longer leader`;
    case 'member-killed':
      return `${event.member} killed (pid ${event.pid}${event.role === null ? '' : `, ${event.role}`})`;
    case 'member-exited':
      return `${event.member} exited (${event.signal ?? `code ${event.code ?? '?'}`})`;
    case 'member-failed':
      return `${event.member} failed: ${event.reason}`;
    default: {
      const _: never = event;
      return _;
    }
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
