// The topology panel: ensemble members, masters, agents and schedulers, each row with its role,
// state and a Kill or Start button.
import { h, type Child } from '../common/dom.js';
import type {
  AgentCard,
  ComponentState,
  DashboardSnapshot,
  MasterCard,
  MemberCard,
  ResourceAmounts,
  SchedulerCard,
} from './model.js';

/** What a Kill or Start button asks for. */
export type ComponentAction = (action: 'kill' | 'start', name: string) => void;

export function topology(snapshot: DashboardSnapshot, act: ComponentAction): HTMLElement {
  return h(
    'div',
    {},
    group(
      'Ensemble',
      ['member', 'role', 'state', 'zxid', 'connections', ''],
      snapshot.members.map((m) => memberRow(m, act)),
    ),
    group(
      'Masters',
      ['master', 'role', 'state', 'url', ''],
      snapshot.masters.map((m) => masterRow(m, act)),
    ),
    group(
      'Agents',
      ['agent', 'state', 'cpus', 'mem', 'ports', 'tasks', ''],
      snapshot.agents.map((a) => agentRow(a, act)),
    ),
    group(
      'Schedulers',
      ['scheduler', 'role', 'state', 'framework', ''],
      snapshot.schedulers.map((s) => schedulerRow(s, act)),
    ),
  );
}

function group(title: string, header: string[], rows: HTMLElement[]): Child {
  if (rows.length === 0) return null;
  return h(
    'div',
    { class: 'topology-group' },
    h('h3', {}, title),
    h('table', {}, h('thead', {}, h('tr', {}, ...header.map((c) => h('th', {}, c)))), h('tbody', {}, ...rows)),
  );
}

function row(
  name: string,
  role: string | null,
  state: ComponentState,
  cells: Child[],
  act: ComponentAction,
): HTMLElement {
  const up = state === 'running' || state === 'starting';
  const button = h(
    'button',
    { type: 'button', class: up ? 'danger' : '', 'data-action': up ? 'kill' : 'start' },
    up ? 'Kill' : 'Start',
  );
  button.addEventListener('click', () => act(up ? 'kill' : 'start', name));
  return h(
    'tr',
    { 'data-component': name, 'data-role': role ?? '', class: up ? '' : 'down' },
    h('td', {}, name),
    ...cells.map((c) => h('td', {}, c)),
    h('td', { class: 'actions' }, button),
  );
}

function badge(text: string | null): Child {
  return text === null ? '-' : h('span', { class: `badge ${text}` }, text);
}

function memberRow(m: MemberCard, act: ComponentAction): HTMLElement {
  const role = m.kind === 'observer' && m.role === null ? 'observer' : m.role;
  return row(
    m.name,
    m.role,
    m.state,
    [badge(role), badge(m.state), h('code', {}, m.zxid ?? '-'), m.connections === null ? '-' : String(m.connections)],
    act,
  );
}

function masterRow(m: MasterCard, act: ComponentAction): HTMLElement {
  return row(
    m.name,
    m.role,
    m.state,
    [badge(m.role), badge(m.state), h('a', { href: m.url, target: '_blank' }, m.url)],
    act,
  );
}

function agentRow(a: AgentCard, act: ComponentAction): HTMLElement {
  const registration = a.stale
    ? 'no leading master answers: the last known figures, while the agent re-registers'
    : a.registered
      ? `registered with ${a.master ?? '?'}`
      : 'not registered';
  const tasks = h(
    'ul',
    { class: 'tasks' },
    ...a.tasks.map((t) => h('li', { title: t.id }, `${t.name} `, badge(t.state), ` ${t.endpoints.join(', ')}`)),
  );
  const tr = row(
    a.name,
    null,
    a.state,
    [
      h(
        'span',
        { title: registration },
        badge(a.state),
        a.stale ? h('span', { class: 'muted' }, ' re-registering') : null,
      ),
      usage(a, 'cpus'),
      usage(a, 'mem'),
      usage(a, 'ports'),
      a.tasks.length === 0 ? h('span', { class: 'muted' }, 'none') : tasks,
    ],
    act,
  );
  if (a.stale) tr.classList.add('stale');
  return tr;
}

/** `used / total` of one resource, from the leading master's view of the agent. */
function usage(a: AgentCard, key: keyof ResourceAmounts): string {
  if (a.used === null || a.total === null) return '-';
  const unit = key === 'mem' ? ' MB' : '';
  return `${format(a.used[key])} / ${format(a.total[key])}${unit}`;
}

function format(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function schedulerRow(s: SchedulerCard, act: ComponentAction): HTMLElement {
  return row(
    s.name,
    s.role,
    s.state,
    [badge(s.role), badge(s.state), s.subscribed ? 'subscribed' : h('span', { class: 'muted' }, 'not subscribed')],
    act,
  );
}
