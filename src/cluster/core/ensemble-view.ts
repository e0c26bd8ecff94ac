// What the supervisor knows about each ensemble member (process state, server state, zxid) and the
// timeline events each observation produces. Pure: time comes in as `now`.
import type { MemberMessage, ServerPhase, ServerState, StateMessage } from '../member-config.js';
import type { TimelineEntry, ZkRole } from './timeline.js';

export type ProcessState = 'starting' | 'running' | 'killed' | 'exited';

export interface MemberView {
  name: string;
  process: ProcessState;
  pid: number | null;
  serverState: ServerState | null;
  /** Zab sub-phase; a member serves clients only in 'broadcast'. */
  phase: ServerPhase | null;
  zxid: bigint | null;
}

export type ViewInput =
  | { type: 'forked'; member: string; pid: number }
  | { type: 'message'; member: string; message: MemberMessage }
  | { type: 'killed'; member: string }
  | { type: 'exited'; member: string; code: number | null; signal: string | null };

const ROLES: Record<ServerState, ZkRole> = {
  LOOKING: 'looking',
  FOLLOWING: 'follower',
  LEADING: 'leader',
  OBSERVING: 'observer',
};

export function roleOf(member: MemberView): ZkRole | null {
  return member.serverState === null ? null : ROLES[member.serverState];
}

export class EnsembleView {
  private readonly byName = new Map<string, MemberView>();
  /** When the ensemble last had no leader; null while it has one. */
  private leaderlessSince: number | null;

  constructor(names: readonly string[], now: number) {
    for (const name of names) {
      this.byName.set(name, { name, process: 'exited', pid: null, serverState: null, phase: null, zxid: null });
    }
    this.leaderlessSince = now;
  }

  members(): MemberView[] {
    return [...this.byName.values()].map((m) => ({ ...m }));
  }

  member(name: string): MemberView | undefined {
    const found = this.byName.get(name);
    return found === undefined ? undefined : { ...found };
  }

  /** The member leading now; with a stale claim around, the one with the newest zxid. */
  leader(): MemberView | undefined {
    let best: MemberView | undefined;
    for (const m of this.byName.values()) {
      if (m.serverState === 'LEADING' && (best === undefined || (m.zxid ?? 0n) > (best.zxid ?? 0n))) best = m;
    }
    return best === undefined ? undefined : { ...best };
  }

  /** Every member is running and serving (Zab broadcast phase), and exactly one of them leads. */
  settled(): boolean {
    const members = [...this.byName.values()];
    const leaders = members.filter((m) => m.serverState === 'LEADING').length;
    return (
      leaders === 1 &&
      members.every((m) => m.process === 'running' && m.serverState !== 'LOOKING' && m.phase === 'broadcast')
    );
  }

  apply(input: ViewInput, now: number): TimelineEntry[] {
    const m = this.byName.get(input.member);
    if (m === undefined) return [];
    switch (input.type) {
      case 'forked':
        Object.assign(m, { process: 'starting', pid: input.pid, serverState: null, phase: null });
        return [];
      case 'message':
        return this.onMessage(m, input.message, now);
      case 'killed':
        return [
          { type: 'member-killed', at: now, member: m.name, pid: m.pid ?? 0, role: roleOf(m) },
          ...this.down(m, 'killed', now),
        ];
      case 'exited':
        if (m.process === 'killed') return [];
        return [
          { type: 'member-exited', at: now, member: m.name, code: input.code, signal: input.signal },
          ...this.down(m, 'exited', now),
        ];
      default: {
        const _: never = input;
        return _;
      }
    }
  }

  private onMessage(m: MemberView, message: MemberMessage, now: number): TimelineEntry[] {
    switch (message.type) {
      case 'ready':
        m.process = 'running';
        return [{ type: 'member-started', at: now, member: m.name, pid: m.pid ?? 0 }];
      case 'state':
        return this.onState(m, message, now);
      default: {
        const _: never = message;
        return _;
      }
    }
  }

  private onState(m: MemberView, message: StateMessage, now: number): TimelineEntry[] {
    const { state } = message;
    const zxid = BigInt(message.zxid);
    const previous = m.serverState;
    m.zxid = zxid;
    m.phase = message.phase;
    if (previous === state) return [];
    const events: TimelineEntry[] = [];
    if (previous === 'LEADING') events.push(...this.leaderGone(m, now));
    m.serverState = state;
    events.push({ type: 'member-state', at: now, member: m.name, state, zxid: `0x${zxid.toString(16)}` });
    if (state === 'LEADING') {
      events.push({
        type: 'leader-elected',
        at: now,
        member: m.name,
        leaderlessMs: now - (this.leaderlessSince ?? now),
      });
      this.leaderlessSince = null;
    }
    return events;
  }

  private down(m: MemberView, process: 'killed' | 'exited', now: number): TimelineEntry[] {
    const events = m.serverState === 'LEADING' ? this.leaderGone(m, now) : [];
    Object.assign(m, { process, pid: null, serverState: null, phase: null });
    return events;
  }

  private leaderGone(m: MemberView, now: number): TimelineEntry[] {
    m.serverState = null;
    if (this.leader() === undefined) this.leaderlessSince = now;
    return [{ type: 'leader-lost', at: now, member: m.name }];
  }
}
