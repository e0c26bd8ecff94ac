// The cluster drawn live as SVG: members, masters, agents, schedulers and their links, kept across snapshots
// so that a moving link glides; votes and Zab packets travel between members.
import type { MasterContest, TrafficItem } from '../../common/election-record.js';
import { svg } from '../common/svg.js';
import type { AgentCard, DashboardSnapshot, MasterCard, MemberCard, SchedulerCard } from './model.js';
import {
  NODE_SIZE,
  PACKET_MS,
  departures,
  PICTURE_HEIGHT,
  PICTURE_WIDTH,
  layoutPicture,
  linkPath,
  overArc,
  overPoint,
  underArc,
  type NodeKind,
  type Placed,
  type Point,
} from './picture-layout.js';

/** Messages animated from one snapshot, the newest (a busy ensemble's are sampled). */
const MAX_PACKETS = 30;

const STATE_WORDS: Record<NonNullable<MemberCard['role']>, string> = {
  leader: 'LEADING',
  follower: 'FOLLOWING',
  observer: 'OBSERVING',
  looking: 'LOOKING',
};

interface NodeText {
  name: string;
  kind: NodeKind;
  /** CSS classes besides `node` and the kind. */
  look: string;
  state: string;
  /** One or two lines under the node. */
  below: [string, string?];
  data: Record<string, string>;
}

interface LinkSpec {
  key: string;
  d: string;
  look: string;
  data: Record<string, string>;
}

/** SVG elements kept by key across draws; those a draw does not ask for are removed. */
class Keyed<T extends SVGElement> {
  private readonly items = new Map<string, T>();
  private touched = new Set<string>();

  constructor(
    private readonly layer: SVGElement,
    private readonly make: () => T,
  ) {}

  get(key: string): T {
    let el = this.items.get(key);
    if (el === undefined) {
      el = this.make();
      this.items.set(key, el);
      this.layer.append(el);
    }
    this.touched.add(key);
    return el;
  }

  sweep(): void {
    for (const [key, el] of this.items) {
      if (this.touched.has(key)) continue;
      el.remove();
      this.items.delete(key);
    }
    this.touched = new Set();
  }
}

export class Picture {
  readonly root: SVGElement;
  private readonly links: Keyed<SVGElement>;
  private readonly nodes: Keyed<SVGElement>;
  private readonly packets: SVGElement;
  private placed = new Map<string, Placed>();
  /** The newest message animated; null before the first snapshot (whose messages are history). */
  private lastSeq: number | null = null;

  constructor() {
    this.root = svg('svg', {
      class: 'picture',
      viewBox: `0 0 ${PICTURE_WIDTH} ${PICTURE_HEIGHT}`,
      role: 'img',
      'aria-label': 'the cluster: ensemble members, masters, agents and schedulers with their links',
    });
    const layer = (name: string): SVGElement => this.root.appendChild(svg('g', { class: name }));
    const linkLayer = layer('links');
    const nodeLayer = layer('nodes');
    this.packets = layer('packets');
    this.links = new Keyed(linkLayer, () => svg('path'));
    this.nodes = new Keyed(nodeLayer, () => svg('g'));
  }

  draw(s: DashboardSnapshot): void {
    this.placed = layoutPicture({
      members: s.members,
      masters: s.masters.map((m) => m.name),
      agents: s.agents.map((a) => a.name),
      schedulers: s.schedulers.map((x) => x.name),
    });
    for (const link of this.linkSpecs(s)) this.drawLink(link);
    this.links.sweep();
    for (const node of nodeTexts(s)) this.drawNode(node);
    this.nodes.sweep();
    this.animate(s.elections.traffic);
  }

  private linkSpecs(s: DashboardSnapshot): LinkSpec[] {
    const up = new Set([...s.members, ...s.masters].filter((c) => c.state === 'running').map((c) => c.name));
    const leader = s.members.find((m) => m.role === 'leader' && m.state === 'running')?.name;
    const leading = s.masters.find((m) => m.role === 'leading' && m.state === 'running')?.name;
    return [
      ...s.members.flatMap((m) => this.quorumLink(m, leader)),
      ...s.elections.contest.flatMap((c) => this.sessionLink(c, up)),
      ...s.elections.contest.flatMap((c) => this.watchLink(c, s.elections.contest)),
      ...s.agents.flatMap((a) => this.agentLink(a, up)),
      ...s.schedulers.flatMap((x) => this.frameworkLink(x, leading)),
    ];
  }

  private quorumLink(m: MemberCard, leader: string | undefined): LinkSpec[] {
    const [a, b] = [this.placed.get(m.name), leader === undefined ? undefined : this.placed.get(leader)];
    if (a === undefined || b === undefined || m.state !== 'running' || (m.role !== 'follower' && m.role !== 'observer'))
      return [];
    return [{ key: `quorum:${m.name}`, d: overArc(b, a), look: 'quorum', data: { from: leader ?? '', to: m.name } }];
  }

  private sessionLink(c: MasterContest, up: ReadonlySet<string>): LinkSpec[] {
    const [a, b] = [this.placed.get(c.master), c.member === null ? undefined : this.placed.get(c.member)];
    if (a === undefined || b === undefined || !up.has(c.master) || !up.has(c.member ?? '')) return [];
    return [
      { key: `session:${c.master}`, d: linkPath(a, b), look: 'session', data: { from: c.master, to: c.member ?? '' } },
    ];
  }

  private watchLink(c: MasterContest, contest: readonly MasterContest[]): LinkSpec[] {
    const owner = contest.find((o) => o.znode !== null && o.znode === c.watching)?.master;
    const [a, b] = [this.placed.get(c.master), owner === undefined ? undefined : this.placed.get(owner)];
    if (a === undefined || b === undefined) return [];
    return [{ key: `watch:${c.master}`, d: underArc(a, b), look: 'watch', data: { from: c.master, to: owner ?? '' } }];
  }

  private agentLink(a: AgentCard, up: ReadonlySet<string>): LinkSpec[] {
    const [from, to] = [this.placed.get(a.name), a.master === null ? undefined : this.placed.get(a.master)];
    if (from === undefined || to === undefined || a.state !== 'running') return [];
    const cut = !a.registered || !up.has(a.master ?? '');
    const data = { link: a.name, from: a.name, to: a.master ?? '' };
    return [{ key: `agent:${a.name}`, d: linkPath(to, from), look: cut ? 'agent cut' : 'agent', data }];
  }

  private frameworkLink(x: SchedulerCard, leading: string | undefined): LinkSpec[] {
    const [from, to] = [this.placed.get(x.name), leading === undefined ? undefined : this.placed.get(leading)];
    if (from === undefined || to === undefined || x.role !== 'leading' || !x.subscribed) return [];
    return [
      {
        key: `framework:${x.name}`,
        d: linkPath(to, from),
        look: 'framework',
        data: { from: x.name, to: leading ?? '' },
      },
    ];
  }

  private drawLink(link: LinkSpec): void {
    const el = this.links.get(link.key);
    el.setAttribute('class', `link ${link.look}`);
    for (const [name, value] of Object.entries(link.data)) el.setAttribute(`data-${name}`, value);
    // As a CSS property, so that a changed path glides (see style.css) instead of jumping.
    el.style.setProperty('d', `path("${link.d}")`);
  }

  private drawNode(n: NodeText): void {
    const at = this.placed.get(n.name);
    if (at === undefined) return;
    const g = this.nodes.get(n.name);
    if (g.childElementCount === 0)
      g.append(
        shape(n.kind),
        svg('text', { class: 'name' }),
        svg('text', { class: 'state' }),
        svg('text', { class: 'below' }),
        svg('text', { class: 'below second' }),
      );
    g.setAttribute('class', `node ${n.kind} ${n.look}`);
    g.setAttribute('data-node', n.name);
    for (const [name, value] of Object.entries(n.data)) g.setAttribute(`data-${name}`, value);
    g.style.transform = `translate(${at.at.x}px, ${at.at.y}px)`;
    const [, name, state, below, second] = [...g.children];
    const { h } = NODE_SIZE[n.kind];
    setText(name, n.name, -4);
    setText(state, n.state, 13);
    setText(below, n.below[0], h + 15);
    setText(second, n.below[1] ?? '', h + 28);
  }

  /** New messages travel from sender to receiver, one after another, keeping their spacing in time. */
  private animate(traffic: readonly TrafficItem[]): void {
    const fresh = this.lastSeq === null ? [] : traffic.filter((t) => t.seq > (this.lastSeq ?? 0)).slice(-MAX_PACKETS);
    this.lastSeq = Math.max(this.lastSeq ?? 0, ...traffic.map((t) => t.seq));
    for (const [t, delay] of departures(fresh)) this.send(t, delay);
  }

  private send(t: TrafficItem, delay: number): void {
    const [from, to] = [this.placed.get(t.from), this.placed.get(t.to)];
    if (from === undefined || to === undefined) return;
    const [a, b] = [top(from), top(to)];
    const packet = svg('g', {
      class: `packet ${t.label.startsWith('vote') ? 'packet-vote' : 'packet-zab'}`,
      'data-label': t.label,
    });
    packet.append(svg('circle', { r: 6 }), svg('text', { y: -10 }, t.label));
    this.packets.append(packet);
    const path = a.y === b.y ? [a, overPoint(a, b), b] : [a, b];
    const frames = path.map((p: Point) => ({ transform: `translate(${p.x}px, ${p.y}px)` }));
    const run = packet.animate(frames, { duration: PACKET_MS, delay, easing: 'ease-in-out', fill: 'both' });
    run.onfinish = () => packet.remove();
  }
}

function shape(kind: NodeKind): SVGElement {
  const { w, h } = NODE_SIZE[kind];
  if (kind === 'member' || kind === 'observer') return svg('circle', { r: w });
  return svg('rect', { x: -w, y: -h, width: 2 * w, height: 2 * h, rx: 6 });
}

/** The top edge of a node, where messages between members of the ensemble leave and arrive. */
function top(p: Placed): Point {
  return { x: p.at.x, y: p.at.y - NODE_SIZE[p.kind].h };
}

function setText(el: Element | undefined, text: string, y: number): void {
  if (el === undefined) return;
  el.setAttribute('y', String(y));
  if (el.textContent !== text) el.textContent = text;
}

/** What each node says: its name, its state in ZooKeeper's or Mesos's words, and what is below it. */
function nodeTexts(s: DashboardSnapshot): NodeText[] {
  const contest = new Map(s.elections.contest.map((c) => [c.master, c]));
  return [
    ...s.members.map(memberText),
    ...s.masters.map((m) => masterText(m, contest.get(m.name))),
    ...s.agents.map(agentText),
    ...s.schedulers.map(schedulerText),
  ];
}

function memberText(m: MemberCard): NodeText {
  const kind = m.kind === 'observer' ? 'observer' : 'member';
  const state = m.state !== 'running' || m.role === null ? m.state : STATE_WORDS[m.role];
  const clients = m.connections === null ? '' : `${m.connections} ${m.connections === 1 ? 'client' : 'clients'}`;
  return {
    name: m.name,
    kind,
    look: down(m.state) ? 'down' : (m.role ?? 'starting'),
    state,
    below: [m.zxid === null ? '' : `zxid ${m.zxid}`, clients],
    data: { state },
  };
}

function masterText(m: MasterCard, c: MasterContest | undefined): NodeText {
  const state = m.state !== 'running' ? m.state : m.role === 'leading' ? 'leading master' : (m.role ?? 'starting');
  return {
    name: m.name,
    kind: 'master',
    look: down(m.state) ? 'down' : (m.role ?? 'starting'),
    state,
    below: [c?.znode ?? '', c?.watching === null || c?.watching === undefined ? '' : `watches ${c.watching}`],
    data: { role: m.role ?? '', state: m.state },
  };
}

function agentText(a: AgentCard): NodeText {
  const tasks = `${a.tasks.length} ${a.tasks.length === 1 ? 'task' : 'tasks'}`;
  return {
    name: a.name,
    kind: 'agent',
    look: down(a.state) ? 'down' : a.registered ? 'registered' : 'unregistered',
    state: a.state !== 'running' ? a.state : a.registered ? tasks : 'not registered',
    below: [a.registered && a.master !== null ? `registered with ${a.master}` : ''],
    data: { master: a.master ?? '', state: a.state },
  };
}

function schedulerText(x: SchedulerCard): NodeText {
  return {
    name: x.name,
    kind: 'scheduler',
    look: down(x.state) ? 'down' : (x.role ?? 'starting'),
    state: x.state !== 'running' ? x.state : (x.role ?? 'starting'),
    below: [x.subscribed ? 'framework subscribed' : ''],
    data: { role: x.role ?? '', state: x.state },
  };
}

function down(state: MemberCard['state']): boolean {
  return state === 'killed' || state === 'exited';
}
