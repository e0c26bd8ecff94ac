// The loop that owns a member's core: feeds it inputs and time, and performs the effects of each
// event-loop turn as one batch — everything made durable first (one group commit), then peer
// sends, then client replies, then logs and state reports. Background snapshots advance one bounded
// step per turn in between.
import type { Logger } from 'pino';
import {
  effectStage,
  type Effect,
  type MemberInput,
  type MemberStorage,
  type PeerState,
  type SnapshotJob,
} from '../core/effects.js';
import { hexZxid, type Txn } from '../core/txn.js';
import type { ElectionMessage, StateMessage } from '../../cluster/member-config.js';
import type { ClientListener } from './client-listener.js';
import type { ElectionLinks, QuorumLinks } from './peer-links.js';

/** The longest the core goes without learning the time. */
const TIME_RESOLUTION_MS = 50;

export interface MemberCore {
  handle(input: MemberInput): Effect[];
}

export type ClientSink = Pick<
  ClientListener,
  'connectResponse' | 'reply' | 'notify' | 'fourLetterReply' | 'closeClient'
>;
export type ElectionSink = Pick<ElectionLinks, 'send'>;
export type QuorumSink = Pick<QuorumLinks, 'listen' | 'connectToLeader' | 'send' | 'closeLink'>;

export interface Shells {
  clients: ClientSink;
  election: ElectionSink;
  quorum: QuorumSink;
}

export interface RuntimeOptions {
  core: MemberCore;
  storage: MemberStorage;
  tickMs: number;
  now: () => number;
  log: Logger;
  report: (state: StateMessage) => void;
  /** Passes a step of an election on to the supervisor, stamped with the time it was carried out. */
  reportStep?: (message: ElectionMessage) => void;
  /** Election notifications wait this long before they are sent (slow motion; 0 sends at once). */
  electionDelayMs?: number;
  /** The member cannot go on (a write did not become durable, or the core failed). */
  onFatal: (err: unknown) => void;
}

export class MemberRuntime {
  private shells: Shells | null = null;
  private batch: Effect[] = [];
  private flushScheduled = false;
  private ticker: NodeJS.Timeout | null = null;
  private stopped = false;
  private snapshot: SnapshotJob | null = null;

  constructor(private readonly opts: RuntimeOptions) {}

  /** Connects the shells that perform sends and replies; inputs may only arrive after this. */
  attach(shells: Shells): void {
    this.shells = shells;
  }

  /**
   * Starts time: a tick now and then every half tick, at least every TIME_RESOLUTION_MS so that
   * sub-tick waits such as the election's finalizeWait end on time with long ticks too.
   */
  start(): void {
    const tick = (): void => this.submit({ kind: 'tick', now: this.opts.now() });
    this.ticker = setInterval(tick, Math.max(1, Math.min(TIME_RESOLUTION_MS, Math.floor(this.opts.tickMs / 2))));
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  submit(input: MemberInput): void {
    if (this.stopped) return;
    let effects: Effect[];
    try {
      effects = this.opts.core.handle(input);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const e of effects) this.batch.push(e);
    if (this.batch.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const effects = this.batch;
    this.batch = [];
    if (this.stopped) return;
    try {
      this.persist(effects.filter((e) => effectStage(e) === 'persist'));
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const e of effects) if (effectStage(e) === 'send') this.send(e);
    for (const e of effects) if (effectStage(e) === 'reply') this.reply(e);
    for (const e of effects) if (effectStage(e) === 'observe') this.observe(e);
  }

  /** Runs of txns are appended in one storage call (one transaction); other writes keep their place. */
  private persist(effects: Effect[]): void {
    const { storage } = this.opts;
    let txns: Txn[] = [];
    const appendRun = (): void => {
      if (txns.length > 0) storage.appendTxns(txns);
      txns = [];
    };
    for (const e of effects) {
      if (e.kind === 'persistTxns') {
        for (const t of e.txns) txns.push(t);
        continue;
      }
      appendRun();
      if (e.kind === 'persistEpochs')
        storage.setEpochs({ acceptedEpoch: e.acceptedEpoch, currentEpoch: e.currentEpoch });
      else if (e.kind === 'truncateLog') storage.truncateAfter(e.afterZxid);
      else if (e.kind === 'saveSnapshot') storage.saveSnapshot(e.snapshot);
      else if (e.kind === 'takeSnapshot') this.startSnapshot(storage.beginSnapshot(e.snapshot));
    }
    appendRun();
  }

  /** A newer job replaces the running one (the storage has already superseded it). */
  private startSnapshot(job: SnapshotJob): void {
    const idle = this.snapshot === null;
    this.snapshot = job;
    if (idle) setImmediate(() => this.stepSnapshot());
  }

  private stepSnapshot(): void {
    const job = this.snapshot;
    if (job === null || this.stopped) return;
    let more: boolean;
    try {
      more = job.step();
    } catch (err) {
      this.fail(err);
      return;
    }
    if (more) setImmediate(() => this.stepSnapshot());
    else this.snapshot = null;
  }

  private send(e: Effect): void {
    if (this.shells === null) return;
    const { election, quorum } = this.shells;
    if (e.kind === 'sendElection') this.sendElection(election, e);
    else if (e.kind === 'listenQuorum') quorum.listen(e.listen);
    else if (e.kind === 'connectToLeader') quorum.connectToLeader(e.sid);
    else if (e.kind === 'sendQuorum') quorum.send(e.link, e.msg);
    else if (e.kind === 'closeQuorumLink') quorum.closeLink(e.link);
  }

  private sendElection(election: ElectionSink, e: Extract<Effect, { kind: 'sendElection' }>): void {
    const delayMs = this.opts.electionDelayMs ?? 0;
    if (delayMs <= 0) return election.send(e.to, e.msg);
    setTimeout(() => {
      if (!this.stopped) election.send(e.to, e.msg);
    }, delayMs);
  }

  private reply(e: Effect): void {
    if (this.shells === null) return;
    const { clients } = this.shells;
    if (e.kind === 'connectResponse') clients.connectResponse(e.conn, e.response);
    else if (e.kind === 'reply') clients.reply(e.conn, e.reply);
    else if (e.kind === 'notify') clients.notify(e.conn, e.event);
    else if (e.kind === 'fourLetterReply') clients.fourLetterReply(e.conn, e.text);
    else if (e.kind === 'closeClient') clients.closeClient(e.conn);
  }

  private observe(e: Effect): void {
    const { log } = this.opts;
    if (e.kind === 'log') {
      log[e.level](e.fields ?? {}, e.msg);
      return;
    }
    if (e.kind === 'electionStep') {
      this.opts.reportStep?.({ type: 'election', at: this.opts.now(), step: e.step });
      return;
    }
    if (e.kind !== 'stateChanged') return;
    const report: StateMessage = {
      type: 'state',
      state: e.state,
      phase: e.phase,
      zxid: hexZxid(e.zxid),
      leader: e.leader,
      epoch: e.epoch,
    };
    log.info(
      { leader: e.leader, zxid: report.zxid, epoch: e.epoch },
      `Peer state changed: ${peerStateText(e.state)} - ${e.phase}`,
    );
    this.opts.report(report);
  }

  private fail(err: unknown): void {
    this.stop();
    this.opts.onFatal(err);
  }
}

function peerStateText(state: PeerState): string {
  return { LOOKING: 'looking', FOLLOWING: 'following', LEADING: 'leading', OBSERVING: 'observing' }[state];
}
