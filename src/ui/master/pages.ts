// The master UI's pages drawn from the leading master's /master/state: the cluster summary, agents (each
// linking to its page), frameworks, and active and completed tasks (each linking to its sandbox).
import { h, type Child } from '../common/dom.js';
import { cpus, megabytes, when } from './format.js';
import {
  COUNTED_STATES,
  RESOURCE_NAMES,
  agentAddress,
  countByState,
  startedAt,
  sumResources,
  taskRows,
  type MasterState,
  type Resources,
  type TaskRow,
} from './mesos.js';
import { agentHref, sandboxHref } from './route.js';
import { badge, link, mono, panel, table, usage } from './widgets.js';

const FORMAT: Record<keyof Resources, (n: number) => string> = { cpus, mem: megabytes, disk: megabytes };
const LABEL: Record<keyof Resources, string> = { cpus: 'CPUs', mem: 'Mem', disk: 'Disk' };

/** `host:port` of the leading master. */
export function leaderAddress(state: MasterState): string {
  return `${state.leader_info.hostname}:${state.leader_info.port}`;
}

export function summaryPage(state: MasterState): HTMLElement[] {
  return [clusterPanel(state), resourcesPanel(state), countsPanel(state)];
}

function clusterPanel(state: MasterState): HTMLElement {
  const active = state.slaves.filter((a) => a.active).length;
  const facts: [string, Child][] = [
    ['Cluster', state.cluster ?? '(unnamed)'],
    ['Leader', link(`//${leaderAddress(state)}/`, leaderAddress(state), { id: 'leader' })],
    ['Version', state.version],
    ['Built', `${when(state.build_time)} by ${state.build_user}`],
    ['Started', when(state.start_time)],
    ['Elected', when(state.elected_time)],
    ['Agents', h('span', { id: 'agent-count' }, `${active} activated, ${state.slaves.length - active} deactivated`)],
    ['Log', state.log_dir === undefined ? '–' : link('#/log', 'LOG', { id: 'master-log' })],
  ];
  const rows = facts.map(([name, value]) => h('tr', {}, h('th', {}, name), h('td', {}, value)));
  return panel('Cluster', h('table', { class: 'facts' }, ...rows));
}

function resourcesPanel(state: MasterState): HTMLElement {
  const total = sumResources(state.slaves.map((a) => a.resources));
  const used = sumResources(state.slaves.map((a) => a.used_resources));
  const offered = sumResources(state.slaves.map((a) => a.offered_resources));
  const rows = RESOURCE_NAMES.map((name) => {
    const format = FORMAT[name];
    const idle = Math.max(0, total[name] - used[name] - offered[name]);
    return [LABEL[name], format(total[name]), format(used[name]), format(offered[name]), format(idle)];
  });
  return panel('Resources', table(['', 'Total', 'Used', 'Offered', 'Idle'], rows, 'No agents.'));
}

function countsPanel(state: MasterState): HTMLElement {
  const counts = countByState(taskRows(state));
  const tiles = COUNTED_STATES.map((s) =>
    h('div', { class: 'count', 'data-state': s }, h('strong', {}, String(counts.get(s) ?? 0)), badge(s)),
  );
  return panel('Tasks', h('div', { class: 'counts' }, ...tiles));
}

/** `cpus`, `mem` and `disk` cells, each "used / total". */
function resourceCells(used: Resources, total: Resources): HTMLElement[] {
  return RESOURCE_NAMES.map((name) => usage(used[name], total[name], FORMAT[name]));
}

export function agentsPage(state: MasterState): HTMLElement[] {
  const rows = state.slaves.map((a) => [
    link(agentHref(a.id), a.id, { class: 'agent-id' }),
    agentAddress(a),
    when(a.registered_time),
    ...resourceCells(a.used_resources, a.resources),
    attributes(a.attributes),
    a.active ? badge('ok', 'active') : badge('bad', 'inactive'),
  ]);
  return [
    panel(
      'Agents',
      table(['ID', 'Host', 'Registered', 'CPUs', 'Mem', 'Disk', 'Attributes', ''], rows, 'No agents registered.'),
    ),
  ];
}

function attributes(attrs: Record<string, string | number>): Child {
  const entries = Object.entries(attrs);
  if (entries.length === 0) return h('span', { class: 'muted' }, '–');
  return h('span', {}, ...entries.map(([k, v]) => h('span', { class: 'attribute' }, `${k}: ${v}`)));
}

export function frameworksPage(state: MasterState): HTMLElement[] {
  const rows = (active: boolean) =>
    (active ? state.frameworks : state.completed_frameworks).map((f) => [
      f.name,
      mono(f.id),
      f.user,
      String(f.tasks.length),
      ...RESOURCE_NAMES.map((name) => FORMAT[name](f.resources[name])),
      when(f.registered_time),
      f.webui_url === ''
        ? h('span', { class: 'muted' }, '–')
        : link(f.webui_url, f.webui_url, { target: '_blank', rel: 'noopener' }),
    ]);
  const headers = ['Name', 'ID', 'User', 'Active tasks', 'CPUs', 'Mem', 'Disk', 'Registered', 'Web UI'];
  return [
    panel('Active frameworks', table(headers, rows(true), 'No frameworks subscribed.')),
    panel('Completed frameworks', table(headers, rows(false), 'None.')),
  ];
}

export function tasksPage(state: MasterState): HTMLElement[] {
  const rows = taskRows(state);
  const hosts = new Map(state.slaves.map((a) => [a.id, agentAddress(a)]));
  const line = ({ task, framework }: TaskRow): Child[] => [
    link(sandboxHref(task.id), task.id, { class: 'task-id' }),
    task.name,
    badge(task.state),
    framework.name,
    hosts.get(task.slave_id) ?? mono(task.slave_id),
    when(startedAt(task)),
    link(sandboxHref(task.id), 'sandbox'),
  ];
  const headers = ['ID', 'Name', 'State', 'Framework', 'Agent', 'Started', ''];
  return [
    panel('Active tasks', table(headers, rows.filter((r) => r.active).map(line), 'No active tasks.')),
    panel('Completed tasks', table(headers, rows.filter((r) => !r.active).map(line), 'No completed tasks.')),
  ];
}
