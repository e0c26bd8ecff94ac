// The messages between members that a reported step stands for, for the dashboard to animate: votes,
// Zab's discovery and sync packets, and a proposal/ack/commit round for each reported commit. Pure.
import type { EnsembleStep, TrafficItem } from '../../common/election-record.js';
import { memberName } from './text.js';

type Message = Omit<TrafficItem, 'seq'>;

export function trafficOf(name: string, step: EnsembleStep, at: number): Message[] {
  const to = (sid: number, label: string, wave = 0): Message => ({ at, from: name, to: memberName(sid), label, wave });
  const from = (sid: number, label: string, wave = 0): Message => ({
    at,
    from: memberName(sid),
    to: name,
    label,
    wave,
  });
  switch (step.step) {
    case 'vote-sent':
      return [to(step.to, `vote ${memberName(step.vote.leader)}`)];
    case 'learner-info':
      return [from(step.from, step.observer ? 'OBSERVERINFO' : 'FOLLOWERINFO')];
    case 'new-epoch':
      return others(
        name,
        step.acceptedEpochs.map((e) => e.sid),
      ).map((sid) => to(sid, 'LEADERINFO'));
    case 'epoch-acked':
      return [from(step.from, 'ACKEPOCH')];
    case 'sync':
      return [to(step.to, step.mode), to(step.to, 'NEWLEADER', 1)];
    case 'newleader-acked':
      return others(name, step.sids).map((sid) => from(sid, 'ACK'));
    case 'uptodate':
      return [to(step.to, 'UPTODATE')];
    case 'commit': {
      const acks = others(name, step.acks);
      return [
        ...acks.map((sid) => to(sid, 'PROPOSAL', 0)),
        ...acks.map((sid) => from(sid, 'ACK', 1)),
        ...acks.map((sid) => to(sid, 'COMMIT', 2)),
      ];
    }
    default:
      return [];
  }
}

/** The sids other than the member `name` itself. */
function others(name: string, sids: readonly number[]): number[] {
  return sids.filter((sid) => memberName(sid) !== name);
}
