// The words of an election record: each reported step as one line in ZooKeeper's and Mesos's words, and
// the one sentence that says why the winner won. Pure.
import { whyWon } from '../../ensemble/core/election.js';
import type { CandidateReport, EnsembleStep, LostStep, MasterStep, VoteReport } from '../../common/election-record.js';

/** An ensemble member's name from its sid, as the supervisor lays members out. */
export const memberName = (sid: number): string => `zk-${sid}`;

/** The sid of a member named by memberName; null for any other name. */
export function memberSid(name: string): number | null {
  const sid = /^zk-(\d+)$/.exec(name)?.[1];
  return sid === undefined ? null : Number(sid);
}

/** The lane of the ensemble itself in a masters' contest (where sessions expire and znodes go). */
export const ZOOKEEPER_LANE = 'ZooKeeper';

export interface Naming {
  /** The member serving `host:port`, if it is one of ours. */
  memberAt(server: string): string | null;
  /** The master a ZooKeeper session belongs to, if known. */
  masterOf(sessionId: string): string | null;
}

function vote(v: VoteReport): string {
  const credentials = v.zxid === null ? 'an observer, no zxid' : `zxid ${v.zxid}, epoch ${v.epoch ?? '?'}`;
  return `vote for ${memberName(v.leader)} (${credentials}, round ${v.round}) from a ${v.state} member`;
}

const names = (sids: readonly number[]): string => sids.map(memberName).join(', ');

export function describeEnsembleStep(lane: string, step: EnsembleStep, naming: Naming): string {
  switch (step.step) {
    case 'looking':
      return `${lane} is LOOKING (round ${step.round}); its last zxid ${step.zxid}, epoch ${step.epoch}`;
    case 'vote-sent':
      return `${lane} → ${memberName(step.to)}: ${vote(step.vote)}`;
    case 'vote-received':
      return `${lane} ← ${memberName(step.from)}: ${vote(step.vote)}`;
    case 'decided':
      return step.state === 'LEADING'
        ? `${lane} is LEADING after ${step.tookMs} ms (its vote: epoch ${step.epoch}, zxid ${step.zxid})`
        : `${lane} is ${step.state} ${memberName(step.leader)} after ${step.tookMs} ms`;
    case 'learner-info':
      return `${memberName(step.from)} → ${lane}: ${step.observer ? 'OBSERVERINFO' : 'FOLLOWERINFO'}, accepted epoch ${step.acceptedEpoch}`;
    case 'new-epoch':
      return `${lane} → learners: LEADERINFO, new epoch ${step.epoch} (accepted epochs: ${step.acceptedEpochs.map((e) => `${memberName(e.sid)} ${e.acceptedEpoch}`).join(', ')})`;
    case 'epoch-acked':
      return `${memberName(step.from)} → ${lane}: ACKEPOCH, last zxid ${step.lastZxid}, current epoch ${step.currentEpoch}`;
    case 'sync':
      return `${lane} → ${memberName(step.to)}: ${syncText(step)}, then NEWLEADER`;
    case 'newleader-acked':
      return `${lane}: NEWLEADER acked by a quorum (${names(step.sids)}); serving from ${step.zxid}`;
    case 'uptodate':
      return `${lane} → ${memberName(step.to)}: UPTODATE`;
    case 'commit':
      return `${lane}: ${step.first ? 'first commit of its epoch' : 'commit'}, ${step.zxid}, acked by ${names(step.acks)}`;
    case 'session-expired': {
      const owner = naming.masterOf(step.sessionId);
      return `${lane} expired session ${step.sessionId}${owner === null ? '' : ` of ${owner}`} after ${step.timeoutMs} ms; its ephemeral znodes are deleted`;
    }
  }
}

function syncText(step: Extract<EnsembleStep, { step: 'sync' }>): string {
  const txns = `${step.txns} ${step.txns === 1 ? 'txn' : 'txns'}`;
  switch (step.mode) {
    case 'DIFF':
      return `DIFF from ${step.peerZxid}, ${txns}`;
    case 'TRUNC':
      return `TRUNC from ${step.peerZxid} to ${step.zxid}, then ${txns}`;
    case 'SNAP':
      return `SNAP at ${step.zxid} (its last zxid ${step.peerZxid} is older than the leader's log), then ${txns}`;
  }
}

export function describeMasterStep(lane: string, step: MasterStep, naming: Naming): string {
  switch (step.step) {
    case 'session': {
      const member = step.server === null ? null : (naming.memberAt(step.server) ?? step.server);
      return `${lane}'s ZooKeeper session ${step.sessionId} is connected${member === null ? '' : ` to ${member}`}`;
    }
    case 'candidate':
      return `${lane} entered the contest as ${step.znode} (session ${step.sessionId})`;
    case 'watching':
      return `${lane} (standby) watches ${step.watched}, the znode before its own ${step.znode}`;
    case 'elected':
      return step.leading
        ? `${lane} is the leading master: ${step.znode} has the lowest sequence`
        : `${lane} detected the leading master at ${step.leader}`;
    case 'session-lost':
      return `${lane}'s ZooKeeper session ${step.sessionId} ended (${step.why})`;
  }
}

export function describeLost(lane: string, step: LostStep, kind: 'ensemble' | 'masters'): string {
  const who = kind === 'ensemble' ? 'the leader' : 'the leading master';
  return step.how === 'stopped leading' ? `${lane} stopped leading` : `${lane}, ${who}, ${step.how}`;
}

/**
 * Why `winner` leads, from its own decision: against every candidate it heard propose itself and every
 * voter that reported LOOKING in this election (a vote can be overtaken before it reaches the winner).
 */
export function ensembleVerdict(
  winner: string,
  decided: Extract<EnsembleStep, { step: 'decided' }>,
  lookers: readonly CandidateReport[],
): string {
  if (decided.by === 'established')
    return `${winner} kept leading: a quorum already followed it in epoch ${decided.epoch}`;
  const heard = new Map([...decided.candidates, ...lookers].map((c) => [c.sid, c]));
  const others = [...heard.values()].filter((c) => c.sid !== decided.leader).sort((a, b) => a.sid - b.sid);
  const by = whyWon(
    { leader: decided.leader, zxid: BigInt(decided.zxid), peerEpoch: BigInt(decided.epoch) },
    others.map((c) => ({ sid: c.sid, zxid: BigInt(c.zxid), peerEpoch: BigInt(c.epoch) })),
  );
  const had = (show: (c: CandidateReport) => string): string =>
    others.map((c) => `${memberName(c.sid)} had ${show(c)}`).join(', ');
  switch (by) {
    case 'alone':
    case 'established':
      return `${winner} won: no other member proposed itself`;
    case 'epoch':
      return `${winner} won: highest epoch ${decided.epoch}; ${had((c) => String(c.epoch))}`;
    case 'zxid':
      return `${winner} won: highest zxid ${decided.zxid}; ${had((c) => c.zxid)}`;
    case 'sid':
      return `${winner} won: same epoch and zxid (${decided.zxid}), highest sid ${decided.leader}; ${had((c) => `sid ${c.sid}`)}`;
  }
}

/** The joining member's view: it followed a leader that a quorum already followed. */
export function joinedVerdict(member: string, decided: Extract<EnsembleStep, { step: 'decided' }>): string {
  return `${member} ${decided.state === 'OBSERVING' ? 'observes' : 'follows'} ${memberName(decided.leader)}, already LEADING in epoch ${decided.epoch}`;
}

export function mastersVerdict(winner: string, znode: string, gone: { master: string; znode: string } | null): string {
  const before = gone === null ? '' : `; ${gone.master}'s ${gone.znode} is gone`;
  return `${winner} won: its ${znode} has the lowest sequence in the group${before}`;
}
