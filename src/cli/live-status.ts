// What `up` in the foreground shows about the cluster while it runs (and stops, after Ctrl-C): a compact block
// (one line per kind of component, for a terminal) or a single line (for a pipe or a file). Pure.
import type { AppInfoJson } from '../api/marathon.js';
import type {
  AgentStatus,
  ClusterStatus,
  EnsembleMemberStatus,
  MasterStatus,
  SchedulerStatus,
} from '../cluster/status.js';

export interface LiveSnapshot {
  status: ClusterStatus;
  /** The scheduler's `/v2/apps`; null while it does not answer. */
  apps: AppInfoJson[] | null;
}

const LABEL_WIDTH = 11;

/** The block a terminal keeps on screen, each line cut to `columns`. */
export function statusBlock(snapshot: LiveSnapshot, columns: number): string[] {
  const { status, apps } = snapshot;
  const endpoints = [
    status.marathon === null ? null : `marathon ${status.marathon}`,
    // The whole URL, token included, is printed once above the block: a cut one could not be copied.
    status.dashboard === null ? null : `dashboard ${new URL(status.dashboard).origin} (minicluster ui)`,
  ];
  const rows: [string, string[]][] = [
    ['ensemble', status.ensemble.map(roleText)],
    ['masters', status.masters.map(roleText)],
    ['agents', status.agents.map(agentText)],
    ['schedulers', status.schedulers.map(schedulerText)],
    ['apps', apps === null ? ['(the scheduler does not answer)'] : apps.length === 0 ? ['none'] : apps.map(appText)],
  ];
  return [
    [`cluster ${status.name} (${status.profile}) ${phaseText(status)}`, ...endpoints.filter((e) => e !== null)].join(
      ' · ',
    ),
    ...rows
      .filter(([, items]) => items.length > 0)
      .map(([label, items]) => `${label.padEnd(LABEL_WIDTH)}${items.join(' · ')}`),
  ].map((line) => fitToWidth(line, columns));
}

/** The whole status on one line, for output that is not a terminal. */
export function statusLine(snapshot: LiveSnapshot): string {
  const { status, apps } = snapshot;
  const parts = [
    status.phase === 'ready' ? null : `cluster: ${phaseText(status)}`,
    status.ensemble.length === 0
      ? null
      : `zk: ${leaderOf(status.ensemble, (m) => m.role === 'leader')}, ${up(status.ensemble)} up`,
    status.masters.length === 0
      ? null
      : `masters: ${leaderOf(status.masters, (m) => m.role === 'leading')}, ${up(status.masters)} up`,
    status.agents.length === 0
      ? null
      : `agents: ${status.agents.filter((a) => a.registered).length}/${status.agents.length} registered, ${tasks(status.agents)}`,
    status.schedulers.length === 0 ? null : `schedulers: ${schedulerSummary(status.schedulers)}`,
    apps === null ? null : `apps: ${apps.length === 0 ? 'none' : apps.map(appText).join(', ')}`,
  ];
  return `status: ${parts.filter((p) => p !== null).join(' | ')}`;
}

/** Cuts a line to the terminal's width so it never wraps (a wrapped line would break the block). */
export function fitToWidth(line: string, columns: number): string {
  const chars = [...line];
  return chars.length <= columns ? line : `${chars.slice(0, Math.max(0, columns - 1)).join('')}…`;
}

/** `ready`, or `stopping (agent-1 is killing 3 tasks)` while it waits for something. */
function phaseText(status: ClusterStatus): string {
  return status.waiting === null ? status.phase : `${status.phase} (${status.waiting})`;
}

/** A member or a master: its role while it runs, else its process state. */
function roleText(c: EnsembleMemberStatus | MasterStatus): string {
  return `${c.name} ${c.state === 'running' ? (c.role ?? 'starting') : c.state}`;
}

function agentText(a: AgentStatus): string {
  if (a.state !== 'running') return `${a.name} ${a.state}`;
  const registration = a.registered ? `→ ${a.master ?? '?'}` : 'not registered';
  return `${a.name} ${registration}${a.tasks === null ? '' : `, ${count(a.tasks, 'task')}`}`;
}

function schedulerText(s: SchedulerStatus): string {
  if (s.state !== 'running') return `${s.name} ${s.state}`;
  return `${s.name} ${s.role ?? 'starting'}${s.role === 'leading' ? (s.subscribed ? ', subscribed' : ', not subscribed') : ''}`;
}

function appText(app: AppInfoJson): string {
  const checks = Array.isArray(app['healthChecks']) && app['healthChecks'].length > 0;
  const healthy = checks ? ` healthy ${app.tasksHealthy ?? 0}` : '';
  const deploying = (app.deployments ?? []).length > 0 ? ' deploying' : '';
  return `${app.id} ${app.tasksRunning ?? 0}/${app.instances}${healthy}${deploying}`;
}

function leaderOf<T extends { name: string }>(items: readonly T[], leads: (item: T) => boolean): string {
  const leader = items.find(leads);
  return leader === undefined ? 'no leader' : `${leader.name} leads`;
}

function up(items: readonly { state: string }[]): string {
  return `${items.filter((i) => i.state === 'running').length}/${items.length}`;
}

function tasks(agents: readonly AgentStatus[]): string {
  return count(
    agents.reduce((sum, a) => sum + (a.tasks ?? 0), 0),
    'task',
  );
}

function schedulerSummary(schedulers: readonly SchedulerStatus[]): string {
  const leading = schedulers.find((s) => s.role === 'leading' && s.state === 'running');
  return leading === undefined
    ? 'none leads'
    : `${leading.name} leads, ${leading.subscribed ? 'subscribed' : 'not subscribed'}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
