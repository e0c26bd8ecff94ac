// Where the cluster picture puts its nodes and links, and when each message of a batch sets off. Pure
// numbers, no DOM, so it is unit-tested.
import type { TrafficItem } from '../../common/election-record.js';

export const PICTURE_WIDTH = 760;
export const PICTURE_HEIGHT = 460;

export interface Point {
  x: number;
  y: number;
}

export type NodeKind = 'member' | 'observer' | 'master' | 'agent' | 'scheduler';

/** Half the width and height of each kind of node (members are circles: both are the radius). */
export const NODE_SIZE: Record<NodeKind, { w: number; h: number }> = {
  member: { w: 38, h: 38 },
  observer: { w: 30, h: 30 },
  master: { w: 66, h: 28 },
  agent: { w: 54, h: 24 },
  scheduler: { w: 58, h: 24 },
};

const ROWS = { ensemble: 90, masters: 250, bottom: 410 };
/** The bottom row's share for agents; schedulers take the rest. */
const AGENT_SHARE = 0.62;

export interface PictureParts {
  members: readonly { name: string; kind: 'participant' | 'observer' }[];
  masters: readonly string[];
  agents: readonly string[];
  schedulers: readonly string[];
}

export interface Placed {
  at: Point;
  kind: NodeKind;
}

/** Every component's centre and kind, by name. */
export function layoutPicture(parts: PictureParts): Map<string, Placed> {
  const placed = new Map<string, Placed>();
  const put = (names: readonly string[], kind: (name: string) => NodeKind, y: number, from: number, to: number) =>
    spread(names.length, from, to).forEach((x, i) => {
      const name = names[i];
      if (name !== undefined) placed.set(name, { at: { x, y }, kind: kind(name) });
    });
  const ensemble = [...parts.members].sort((a, b) => Number(a.kind === 'observer') - Number(b.kind === 'observer'));
  const observer = new Set(parts.members.filter((m) => m.kind === 'observer').map((m) => m.name));
  put(
    ensemble.map((m) => m.name),
    (name) => (observer.has(name) ? 'observer' : 'member'),
    ROWS.ensemble,
    0,
    PICTURE_WIDTH,
  );
  put(parts.masters, () => 'master', ROWS.masters, 0, PICTURE_WIDTH);
  const split = parts.schedulers.length === 0 ? PICTURE_WIDTH : PICTURE_WIDTH * AGENT_SHARE;
  put(parts.agents, () => 'agent', ROWS.bottom, 0, split);
  put(parts.schedulers, () => 'scheduler', ROWS.bottom, split, PICTURE_WIDTH);
  return placed;
}

/** `n` centres spread evenly over [from, to]. */
function spread(n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, (_, i) => round(from + ((to - from) * (i + 1)) / (n + 1)));
}

/** The text under each kind of node (a member's zxid and clients, a master's znodes): links leave below it. */
const TEXT_UNDER: Record<NodeKind, number> = { member: 32, observer: 32, master: 34, agent: 18, scheduler: 18 };

/** A link from the bottom of the upper node (under its text) to the top of the lower one. */
export function linkPath(a: Placed, b: Placed): string {
  const [upper, lower] = a.at.y <= b.at.y ? [a, b] : [b, a];
  const from = { x: upper.at.x, y: upper.at.y + NODE_SIZE[upper.kind].h + TEXT_UNDER[upper.kind] };
  const to = { x: lower.at.x, y: lower.at.y - NODE_SIZE[lower.kind].h };
  const [start, end] = upper === a ? [from, to] : [to, from];
  return `M${start.x} ${start.y} L${end.x} ${end.y}`;
}

/** A curve under two nodes of one row and their text (a standby watching the znode of another master). */
export function underArc(a: Placed, b: Placed): string {
  const y = a.at.y + NODE_SIZE[a.kind].h + TEXT_UNDER[a.kind];
  const depth = 14 + Math.abs(a.at.x - b.at.x) / 16;
  return `M${a.at.x} ${y} Q${round((a.at.x + b.at.x) / 2)} ${round(y + depth)} ${b.at.x} ${y}`;
}

/** A curve over two nodes of one row (the leader and a member that follows it). */
export function overArc(a: Placed, b: Placed): string {
  const y = a.at.y - NODE_SIZE[a.kind].h;
  const depth = 18 + Math.abs(a.at.x - b.at.x) / 14;
  return `M${a.at.x} ${y} Q${round((a.at.x + b.at.x) / 2)} ${round(y - depth)} ${b.at.x} ${b.at.y - NODE_SIZE[b.kind].h}`;
}

/** Where a message between two nodes of one row passes: over the row, so it does not cross the nodes between. */
export function overPoint(a: Point, b: Point): Point {
  return { x: round((a.x + b.x) / 2), y: round(Math.min(a.y, b.y) - 10 - Math.abs(a.x - b.x) / 10) };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** How long a message takes to cross. */
export const PACKET_MS = 700;
/** Messages sent at once go together; each later one leaves at least this long after the one before. */
const PACKET_GAP_MS = 220;
/** Messages keep their real spacing up to this much; later ones follow as the gap allows. */
const MAX_SPREAD_MS = 2_500;

/**
 * When each message leaves, in ms from now: messages sent together (same sender, time, kind and wave)
 * leave together; any other leaves at its own time since the first but no sooner than PACKET_GAP_MS
 * after the one before, and a new wave of a round (the ACKs after the PROPOSALs) once the last one arrived.
 */
export function departures(messages: readonly TrafficItem[]): [TrafficItem, number][] {
  const first = messages[0]?.at ?? 0;
  let previous: { key: string; wave: number; delay: number } | null = null;
  return messages.map((t) => {
    const key = `${t.from}|${t.at}|${t.label}|${t.wave}`;
    let delay = Math.min(t.at - first, MAX_SPREAD_MS);
    if (previous !== null && key === previous.key) delay = previous.delay;
    else if (previous !== null)
      delay = Math.max(delay, previous.delay + (t.wave > previous.wave ? PACKET_MS : PACKET_GAP_MS));
    previous = { key, wave: t.wave, delay };
    return [t, delay];
  });
}
