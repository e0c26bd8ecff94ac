// The two ensembles the benchmark compares, behind one shape: three members on loopback, kill -9
// and restart of one member, and the leader as the members' `srvr` answers report it.
import { LOOPBACK } from '../src/common/ports.js';
import { TestEnsemble, waitUntil } from '../test/helpers/ensemble.js';
import { fourLetterWord, startRealZooKeeper } from '../test/helpers/real-zookeeper.js';

export interface Member {
  id: number;
  clientPort: number;
}

export interface BenchEnsemble {
  readonly members: readonly Member[];
  readonly connectString: string;
  /** SIGKILL of one member; resolves once the process is gone. */
  kill(id: number): Promise<void>;
  /** Starts a killed member again with its data; resolves once it serves clients. */
  restart(id: number): Promise<void>;
  stop(): Promise<void>;
}

const SETTLE_TIMEOUT_MS = 60_000;

/** Our ensemble, three member processes launched the way the tests launch them. */
export async function startMinicluster(tickMs: number): Promise<BenchEnsemble> {
  const ensemble = await TestEnsemble.start({ participants: 3, tickMs });
  return {
    members: ensemble.sids.map((sid) => ({ id: sid, clientPort: ensemble.clientPort(sid) })),
    connectString: ensemble.connectString,
    kill: (sid) => ensemble.kill(sid),
    restart: (sid) => ensemble.restart(sid),
    stop: () => ensemble.stop(),
  };
}

/** A real three-member ZooKeeper from the installed distribution (callers check it is installed). */
export async function startZooKeeper(tickTimeMs: number): Promise<BenchEnsemble> {
  const zk = await startRealZooKeeper({ members: 3, tickTimeMs, jvmFlags: null });
  if (zk === null) throw new Error('ZooKeeper is not installed');
  return {
    members: zk.members,
    connectString: zk.connectString,
    kill: (id) => zk.stopMember(id),
    restart: (id) => zk.startMember(id),
    stop: () => zk.stop(),
  };
}

export function hostOf(member: Member): string {
  return `${LOOPBACK}:${member.clientPort}`;
}

/** The member load client `client` talks to: client i → member i mod n. */
export function memberFor(ensemble: BenchEnsemble, client: number): Member {
  const member = ensemble.members[client % ensemble.members.length];
  if (member === undefined) throw new Error('the ensemble has no members');
  return member;
}

/** A member that follows, once the ensemble has settled. */
export async function aFollower(ensemble: BenchEnsemble): Promise<Member> {
  const leader = await waitSettled(ensemble);
  const follower = ensemble.members.find((m) => m.id !== leader);
  if (follower === undefined) throw new Error('the ensemble has no follower');
  return follower;
}

/** Each member's `Mode:` from `srvr` ('' when it does not answer). */
async function modes(ensemble: BenchEnsemble): Promise<Map<number, string>> {
  const answers = await Promise.all(ensemble.members.map((m) => fourLetterWord(m.clientPort, 'srvr')));
  return new Map(ensemble.members.map((m, i) => [m.id, /^Mode: (\w+)$/m.exec(answers[i] ?? '')?.[1] ?? '']));
}

/** Waits until one member leads and every other follows; resolves with the leader's id. */
export function waitSettled(ensemble: BenchEnsemble): Promise<number> {
  return waitUntil(
    'one leader and two followers',
    async () => {
      const byId = await modes(ensemble);
      const roles = [...byId.values()];
      const leader = [...byId].find(([, mode]) => mode === 'leader')?.[0];
      return roles.filter((r) => r === 'follower').length === roles.length - 1 ? leader : undefined;
    },
    SETTLE_TIMEOUT_MS,
  );
}

/** The version line a member reports in `srvr`. */
export async function serverVersion(member: Member): Promise<string> {
  const answer = await fourLetterWord(member.clientPort, 'srvr');
  return /^Zookeeper version: (\d+(?:\.\d+)+)/m.exec(answer)?.[1] ?? 'unknown';
}
