// The contract between the supervisor and an ensemble member process (dist/ensemble/io/main.js):
// its configuration argument, the IPC messages it sends, and how it must stop.
//
// Contract for the member entry:
// - It is started with `child_process.fork(entry, ['--config', <JSON of MemberProcessConfig>])`
//   and an IPC channel; `parseMemberArgs(process.argv.slice(2))` reads the config back.
// - Once its client port listens it sends `{type:'ready'}`; on every server state change (and once
//   right after ready) it sends `{type:'state', state, phase, zxid, leader, epoch}` with zxid as
//   `0x` + hex (any string `BigInt()` accepts is read); it serves clients once phase is 'broadcast'.
//   Each step of an election it takes part in goes up as `{type:'election', at, step}` as it happens.
// - SIGTERM: close listeners and storage, exit 0 (the supervisor sends SIGKILL after a grace period).
// - Orphan safety: it exits at once when its IPC channel closes (`process.on('disconnect')`) and,
//   as a backstop, when `process.ppid` no longer equals `supervisorPid` (checked every
//   ORPHAN_CHECK_INTERVAL_MS). Members never outlive the supervisor.
// - stdout/stderr go to a file next to its log; it writes its own JSON log to `logFile`.

import type { EnsembleStep } from '../common/election-record.js';

export type MemberRole = 'participant' | 'observer';
export type ServerState = 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';
export const SERVER_STATES: readonly ServerState[] = ['LOOKING', 'FOLLOWING', 'LEADING', 'OBSERVING'];

/** How often a member checks that its supervisor is still its parent. */
export const ORPHAN_CHECK_INTERVAL_MS = 1_000;

export interface ServerEntry {
  sid: number;
  host: string;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  role: MemberRole;
}

export interface MemberProcessConfig extends ServerEntry {
  dataDir: string;
  logFile: string;
  /** Every member of the ensemble, this one included. */
  servers: ServerEntry[];
  tickMs: number;
  initLimit: number;
  syncLimit: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** Four-letter words answered on the client port; '*' is all of them. */
  fourLetterWords: '*';
  supervisorPid: number;
  /** ZooKeeper's finalizeWait: how long a quorum of agreeing votes must stand before deciding (default 200 ms). */
  finalizeWaitMs?: number;
  /** Each election notification waits this long before it is sent (the teach profile's slow motion; default 0). */
  electionMessageDelayMs?: number;
  /** Client connections accepted from one address (default MAX_CLIENT_CONNECTIONS_PER_ADDRESS). */
  maxClientCnxns?: number;
  /** Idle time a client connection is allowed before its ConnectRequest (default SESSIONLESS_CONNECTION_TIMEOUT_MS). */
  sessionlessConnectionTimeoutMs?: number;
}

/** Zab sub-phase, as mntr's zk_peer_state shows it ("following - broadcast"). */
export type ServerPhase = 'election' | 'discovery' | 'synchronization' | 'broadcast';
export const SERVER_PHASES: readonly ServerPhase[] = ['election', 'discovery', 'synchronization', 'broadcast'];

export interface StateMessage {
  type: 'state';
  state: ServerState;
  phase: ServerPhase;
  /** `0x` + hex. */
  zxid: string;
  leader: number | null;
  epoch: number;
}

export type MemberMessage = { type: 'ready' } | StateMessage;

/** A step of an election, stamped with the member's clock (ms since the epoch). */
export interface ElectionMessage {
  type: 'election';
  at: number;
  step: EnsembleStep;
}

/** Every step a member reports, so that a message naming another is refused. */
const ENSEMBLE_STEPS: Record<EnsembleStep['step'], true> = {
  looking: true,
  'vote-sent': true,
  'vote-received': true,
  decided: true,
  'learner-info': true,
  'new-epoch': true,
  'epoch-acked': true,
  sync: true,
  'newleader-acked': true,
  uptodate: true,
  commit: true,
  'session-expired': true,
};

export function memberArgs(config: MemberProcessConfig): string[] {
  return ['--config', JSON.stringify(config)];
}

export function parseMemberArgs(argv: readonly string[]): MemberProcessConfig {
  const at = argv.indexOf('--config');
  const json = at >= 0 ? argv[at + 1] : undefined;
  if (json === undefined) throw new Error('member: missing --config <json>');
  return JSON.parse(json) as MemberProcessConfig;
}

/** The message if `raw` is a well-formed member message, otherwise null. */
export function parseMemberMessage(raw: unknown): MemberMessage | ElectionMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const msg = raw as Record<string, unknown>;
  if (msg['type'] === 'ready') return { type: 'ready' };
  if (msg['type'] === 'election') return parseElectionMessage(msg);
  const state = SERVER_STATES.find((s) => s === msg['state']);
  const phase = SERVER_PHASES.find((p) => p === msg['phase']);
  const { zxid, leader, epoch } = msg;
  if (msg['type'] !== 'state' || state === undefined || phase === undefined) return null;
  if (typeof zxid !== 'string' || !isBigInt(zxid) || typeof epoch !== 'number') return null;
  if (leader !== null && typeof leader !== 'number') return null;
  return { type: 'state', state, phase, zxid, leader, epoch };
}

function parseElectionMessage(msg: Record<string, unknown>): ElectionMessage | null {
  const { at, step } = msg;
  if (typeof at !== 'number' || typeof step !== 'object' || step === null) return null;
  const name = (step as { step?: unknown }).step;
  return typeof name === 'string' && Object.hasOwn(ENSEMBLE_STEPS, name)
    ? { type: 'election', at, step: step as EnsembleStep }
    : null;
}

function isBigInt(text: string): boolean {
  try {
    BigInt(text);
    return text.trim() !== '';
  } catch {
    return false;
  }
}

/**
 * Node.js flags of a member process: source-mapped stacks, and a young generation of 2 MiB semi-spaces
 * instead of V8's 16 MiB, which keeps a loaded member's resident memory about a tenth lower.
 */
export const MEMBER_NODE_FLAGS: readonly string[] = ['--enable-source-maps', '--max-semi-space-size=2'];
