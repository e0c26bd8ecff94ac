// The elections the supervisor keeps: reported steps grouped into one bounded record per election with its
// winner and why, where each master stands in its contest, and the newest messages to animate. Pure.
import type {
  CandidateReport,
  ElectionKind,
  ElectionRecord,
  ElectionSummary,
  EnsembleStep,
  LostStep,
  MasterContest,
  MasterStep,
  RecordedStep,
  TrafficItem,
} from '../../common/election-record.js';
import { MAX_DASHBOARD_TRAFFIC, MAX_ELECTIONS_KEPT, MAX_ELECTION_STEPS } from '../../common/limits.js';
import {
  ZOOKEEPER_LANE,
  describeEnsembleStep,
  describeLost,
  describeMasterStep,
  ensembleVerdict,
  joinedVerdict,
  mastersVerdict,
  memberName,
  memberSid,
  type Naming,
} from './text.js';
import { trafficOf } from './traffic.js';
import type { TimelineEntry } from '../core/timeline.js';

/** What readers of the log (the control API, the dashboard) use. */
export type ElectionHistory = Pick<ElectionLog, 'summaries' | 'record' | 'recentTraffic' | 'contest'>;

/** Sessions remembered per master: its current one and the one before, which may still be expiring. */
const SESSIONS_PER_MASTER = 2;

export interface ElectionLogOptions {
  /** Ensemble members and masters by name: the lanes of their diagrams. */
  members: readonly string[];
  masters: readonly string[];
  /** The member serving `host:port`. */
  memberAt(server: string): string | null;
  maxSteps?: number;
  maxElections?: number;
  maxTraffic?: number;
}

interface Kept {
  record: ElectionRecord;
  /** Ensemble members still electing or syncing in it. */
  busy: Set<string>;
}

export class ElectionLog {
  private readonly kept: Kept[] = [];
  private nextId = 1;
  private traffic: TrafficItem[] = [];
  private nextSeq = 1;
  /** ZooKeeper session → master, from the masters' reports: the newest SESSIONS_PER_MASTER of each. */
  private readonly sessions = new Map<string, string>();
  /** Each master's place in the contest, from its reports. */
  private readonly places = new Map<string, MasterContest>();
  /** The leading master that was lost last, with its znode, for the verdict on its successor. */
  private lostLeader: { master: string; znode: string } | null = null;
  /** The master that led last (still named after it is lost, for the verdict on its successor). */
  private leadingMaster: string | null = null;
  private readonly naming: Naming;

  constructor(private readonly options: ElectionLogOptions) {
    this.naming = { memberAt: options.memberAt, masterOf: (id) => this.sessions.get(id) ?? null };
  }

  /** A step a member reported. */
  member(name: string, step: EnsembleStep, at: number): void {
    this.animate(trafficOf(name, step, at));
    if (step.step === 'session-expired') return this.sessionExpired(name, step, at);
    if (step.step === 'commit' && !step.first) return;
    const kept = step.step === 'looking' ? this.current('ensemble', at, true) : this.latest('ensemble');
    if (kept === undefined) return;
    if (step.step === 'looking') kept.busy.add(name);
    this.append(kept, { at, ...ends(name, step), text: this.describe(name, step), detail: step });
    this.settleEnsemble(kept, name, step, at);
  }

  /** A step a master reported. */
  master(name: string, step: MasterStep, at: number): void {
    this.place(name, step);
    const opens = this.latest('masters') === undefined || (step.step === 'session-lost' && name === this.leadingMaster);
    const kept = this.current('masters', at, opens);
    if (kept === undefined) return;
    const text = describeMasterStep(name, step, this.naming);
    this.append(kept, { at, from: name, to: null, text, detail: step });
    if (step.step === 'elected' && step.leading) this.mastersDecided(kept, name, step.znode, at);
  }

  /** Timeline entries: a lost leader opens an election, a member that died is no longer part of one. */
  timeline(entries: readonly TimelineEntry[]): void {
    for (const e of entries) {
      if (e.type === 'member-killed' || e.type === 'member-exited') this.latest('ensemble')?.busy.delete(e.member);
      if (e.type === 'leader-lost') this.lost('ensemble', e.member, howLost(entries, e.member), e.at);
      if (e.type === 'master-killed' && e.leading) this.lost('masters', e.master, 'killed', e.at);
      if (e.type === 'master-deposed') this.lost('masters', e.master, 'stopped leading', e.at);
      if (e.type === 'master-killed' || e.type === 'component-exited')
        this.disconnect(e.type === 'master-killed' ? e.master : e.component);
    }
  }

  /** Newest first. */
  summaries(): ElectionSummary[] {
    return this.kept.map(({ record: { steps, ...rest } }) => ({ ...rest, steps: steps.length })).reverse();
  }

  record(id: number): ElectionRecord | undefined {
    const found = this.kept.find((k) => k.record.id === id)?.record;
    return found === undefined ? undefined : { ...found, steps: [...found.steps] };
  }

  /** Where each master stands: its znode, the one it watches, the member its session is on. */
  contest(): MasterContest[] {
    return this.options.masters.map((master) => ({ ...(this.places.get(master) ?? unplaced(master)) }));
  }

  /** The newest messages between members, oldest first. */
  recentTraffic(): TrafficItem[] {
    return [...this.traffic];
  }

  private place(master: string, step: MasterStep): void {
    const at = this.places.get(master) ?? unplaced(master);
    if (step.step === 'session' || step.step === 'candidate') this.noteSession(step.sessionId, master);
    if (step.step === 'session') at.member = step.server === null ? null : this.options.memberAt(step.server);
    if (step.step === 'candidate') Object.assign(at, { znode: step.znode, watching: null });
    if (step.step === 'watching') at.watching = step.watched;
    if (step.step === 'elected' && step.leading) at.watching = null;
    if (step.step === 'session-lost') Object.assign(at, unplaced(master));
    this.places.set(master, at);
  }

  /** Its older sessions can still expire after it started a new one; older than that, they are forgotten. */
  private noteSession(sessionId: string, master: string): void {
    this.sessions.delete(sessionId);
    this.sessions.set(sessionId, master);
    const mine = [...this.sessions].filter(([, owner]) => owner === master);
    for (const [id] of mine.slice(0, -SESSIONS_PER_MASTER)) this.sessions.delete(id);
  }

  /** A master that died has no connection; its znode stays until ZooKeeper expires its session. */
  private disconnect(master: string): void {
    const at = this.places.get(master);
    if (at !== undefined) at.member = null;
  }

  private describe(name: string, step: EnsembleStep): string {
    return describeEnsembleStep(name, step, this.naming);
  }

  private lost(kind: ElectionKind, lane: string, how: LostStep['how'], at: number): void {
    const znode = kind === 'masters' ? this.places.get(lane)?.znode : null;
    if (znode !== null && znode !== undefined) this.lostLeader = { master: lane, znode };
    const kept = this.current(kind, at, true);
    if (kept === undefined) return;
    const detail: LostStep = { step: 'lost', how };
    this.append(kept, { at, from: lane, to: null, text: describeLost(lane, detail, kind), detail });
  }

  private sessionExpired(name: string, step: Extract<EnsembleStep, { step: 'session-expired' }>, at: number): void {
    const master = this.sessions.get(step.sessionId);
    if (master === undefined) return;
    if (this.places.has(master)) this.places.set(master, unplaced(master));
    const kept = this.latest('masters');
    if (kept === undefined) return;
    this.append(kept, { at, from: ZOOKEEPER_LANE, to: null, text: this.describe(name, step), detail: step });
  }

  /** The winner once known; a member leaves the election once it serves (the leader) or is UPTODATE. */
  private settleEnsemble(kept: Kept, name: string, step: EnsembleStep, at: number): void {
    const { record } = kept;
    if (step.step === 'decided' && step.state === 'LEADING') {
      this.decide(record, { winner: name, verdict: ensembleVerdict(name, step, lookers(record)), at });
    } else if (step.step === 'decided' && step.by === 'established' && record.winner === null) {
      this.decide(record, { winner: memberName(step.leader), verdict: joinedVerdict(name, step), at });
    }
    if (step.step === 'newleader-acked') kept.busy.delete(name);
    if (step.step === 'uptodate') kept.busy.delete(memberName(step.to));
  }

  private mastersDecided(kept: Kept, name: string, znode: string, at: number): void {
    const gone = this.lostLeader?.master === name ? null : this.lostLeader;
    this.leadingMaster = name;
    this.decide(kept.record, { winner: name, verdict: mastersVerdict(name, znode, gone), at });
  }

  private decide(record: ElectionRecord, d: { winner: string; verdict: string; at: number }): void {
    record.winner = d.winner;
    record.verdict = d.verdict;
    record.decidedAt = d.at;
  }

  private latest(kind: ElectionKind): Kept | undefined {
    for (let i = this.kept.length - 1; i >= 0; i--) if (this.kept[i]?.record.kind === kind) return this.kept[i];
    return undefined;
  }

  /** The election under way of `kind`; with `open`, a new one when the latest has settled (or there is none). */
  private current(kind: ElectionKind, at: number, open: boolean): Kept | undefined {
    const latest = this.latest(kind);
    if (!open || (latest !== undefined && !settled(latest))) return latest;
    const lanes = kind === 'ensemble' ? [...this.options.members] : [...this.options.masters, ZOOKEEPER_LANE];
    const kept: Kept = {
      record: {
        id: this.nextId++,
        kind,
        startedAt: at,
        decidedAt: null,
        winner: null,
        verdict: null,
        lanes,
        steps: [],
        dropped: 0,
      },
      busy: new Set(),
    };
    this.kept.push(kept);
    if (this.kept.length > (this.options.maxElections ?? MAX_ELECTIONS_KEPT)) this.kept.shift();
    return kept;
  }

  private append(kept: Kept, step: RecordedStep): void {
    if (kept.record.steps.length >= (this.options.maxSteps ?? MAX_ELECTION_STEPS)) kept.record.dropped++;
    else kept.record.steps.push(step);
  }

  private animate(items: readonly Omit<TrafficItem, 'seq'>[]): void {
    if (items.length === 0) return;
    const numbered = items.map((item) => ({ ...item, seq: this.nextSeq++ }));
    this.traffic = [...this.traffic, ...numbered].slice(-(this.options.maxTraffic ?? MAX_DASHBOARD_TRAFFIC));
  }
}

function unplaced(master: string): MasterContest {
  return { master, znode: null, watching: null, member: null };
}

/** The voters that reported LOOKING in an election, with the zxid and epoch they started from. */
function lookers(record: ElectionRecord): CandidateReport[] {
  return record.steps.flatMap(({ from, detail }) => {
    const sid = memberSid(from);
    return detail.step === 'looking' && detail.voter && sid !== null
      ? [{ sid, zxid: detail.zxid, epoch: detail.epoch }]
      : [];
  });
}

/** Decided, and (in the ensemble) every member that took part serves again. */
function settled(kept: Kept): boolean {
  return kept.record.winner !== null && kept.busy.size === 0;
}

/** Sender and receiver of a message step reported by `name`; a step on one lane has no receiver. */
function ends(name: string, step: EnsembleStep): Pick<RecordedStep, 'from' | 'to'> {
  switch (step.step) {
    case 'vote-sent':
    case 'sync':
    case 'uptodate':
      return { from: name, to: memberName(step.to) };
    case 'vote-received':
    case 'learner-info':
    case 'epoch-acked':
      return { from: memberName(step.from), to: name };
    default:
      return { from: name, to: null };
  }
}

function howLost(entries: readonly TimelineEntry[], member: string): LostStep['how'] {
  if (entries.some((e) => e.type === 'member-killed' && e.member === member)) return 'killed';
  if (entries.some((e) => e.type === 'member-exited' && e.member === member)) return 'exited';
  return 'stopped leading';
}
