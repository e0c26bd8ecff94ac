// Which component `minicluster start` brings back when it is given a word for a kind (`leader`, `zk-leader`,
// `scheduler`, `master`, `agent`, `zk`) instead of a name: the last one killed while it led, else the only one down. Pure.
import { UserError } from '../../common/errors.js';

export interface ComponentKind {
  /** Words that stand for one component of this kind. */
  words: readonly string[];
  /** `master`, `ensemble member`. */
  noun: string;
  /** What the one killed while it led was: `the leading master`; null for a kind without a leader. */
  leader: string | null;
  names: readonly string[];
  /** Those not running now (killed, or exited). */
  down: readonly string[];
}

export interface StartChoice {
  name: string;
  /** `the leading master` when the choice is the one killed while it led; null otherwise. */
  was: string | null;
}

/**
 * The component `asked` stands for, or null when it is none of the kinds' words. `killedLeading` names the
 * components killed while they led, oldest first.
 */
export function chooseToStart(
  asked: string,
  kinds: readonly ComponentKind[],
  killedLeading: readonly string[],
): StartChoice | null {
  const kind = kinds.find((k) => k.words.includes(asked));
  if (kind === undefined) return null;
  if (kind.down.length === 0) throw new UserError(`no ${kind.noun} is down (${listed(kind.names)} running)`);
  const leader = kind.leader === null ? undefined : [...killedLeading].reverse().find((n) => kind.down.includes(n));
  if (leader !== undefined) return { name: leader, was: kind.leader };
  const [only, ...others] = kind.down;
  if (only !== undefined && others.length === 0) return { name: only, was: null };
  const why = kind.leader === null ? '' : ' and none of them was leading when it stopped';
  throw new UserError(`${listed(kind.down)} are down${why}: start one of them by name`);
}

function listed(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
