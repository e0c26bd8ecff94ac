// One agent's page, as Mesos's UI draws it: its facts, and what its running executors use, polled from the
// agent's /slave(1)/monitor/statistics (JSONP): memory as measured, CPUs as the CPU seconds used between two
// samples over the time between them (a first visit takes a second sample half a second after the first).
import { h, type Child } from '../common/dom.js';
import { bytes, cpus, megabytes, when } from './format.js';
import { jsonp } from './jsonp.js';
import {
  agentAddress,
  agentUrl,
  cpusUsed,
  type AgentJson,
  type ExecutorStatistics,
  type MasterState,
} from './mesos.js';
import { agentHref, sandboxHref } from './route.js';
import { tailPanel } from './tail.js';
import { badge, link, mono, panel, table, usage } from './widgets.js';

/** Mesos's UI asks again this soon when it has only one sample. */
const SECOND_SAMPLE_MS = 500;
const MB = 1024 * 1024;

/** The newest sample of each executor, by agent and executor id. */
const previous = new Map<string, ExecutorStatistics>();
const key = (agentId: string, s: ExecutorStatistics): string => `${agentId}/${s.framework_id}/${s.executor_id}`;

interface Usage {
  stats: ExecutorStatistics;
  /** null until two samples were seen. */
  cpus: number | null;
}

/** Keeps this poll's samples of the agent's executors, forgetting those that no longer run. */
function remember(agentId: string, samples: readonly ExecutorStatistics[]): void {
  const current = new Set(samples.map((s) => key(agentId, s)));
  for (const k of previous.keys()) if (k.startsWith(`${agentId}/`) && !current.has(k)) previous.delete(k);
  for (const s of samples) previous.set(key(agentId, s), s);
}

async function sample(agent: AgentJson): Promise<ExecutorStatistics[]> {
  return jsonp<ExecutorStatistics[]>(`${agentUrl(agent)}/slave(1)/monitor/statistics`);
}

/** This poll's figures, with CPU rates against the previous sample (taking a second one when there is none). */
async function measure(agent: AgentJson): Promise<Usage[]> {
  let now = await sample(agent);
  if (now.some((s) => !previous.has(key(agent.id, s)))) {
    remember(agent.id, now);
    await new Promise((resolve) => window.setTimeout(resolve, SECOND_SAMPLE_MS));
    now = await sample(agent);
  }
  const measured = now.map((stats) => {
    const before = previous.get(key(agent.id, stats));
    return { stats, cpus: before === undefined ? null : cpusUsed(before.statistics, stats.statistics) };
  });
  remember(agent.id, now);
  return measured;
}

function findAgent(state: MasterState, agentId: string): AgentJson | undefined {
  return state.slaves.find((a) => a.id === agentId);
}

export async function agentPage(state: MasterState, agentId: string): Promise<HTMLElement[]> {
  const agent = findAgent(state, agentId);
  if (agent === undefined) return [panel('Agent', h('p', { class: 'error' }, `No agent ${agentId} is registered.`))];
  const measured = await measure(agent);
  return [factsPanel(agent), resourcesPanel(agent, measured), executorsPanel(measured)];
}

export async function agentLogPage(state: MasterState, agentId: string): Promise<HTMLElement[]> {
  const agent = findAgent(state, agentId);
  if (agent === undefined) return [panel('Log', h('p', { class: 'error' }, `No agent ${agentId} is registered.`))];
  return [await tailPanel({ base: agentUrl(agent), path: '/slave/log', title: `Log of agent ${agentAddress(agent)}` })];
}

function factsPanel(agent: AgentJson): HTMLElement {
  const facts: [string, Child][] = [
    ['ID', mono(agent.id)],
    ['Host', agentAddress(agent)],
    ['Registered', when(agent.registered_time)],
    ['State', agent.active ? badge('ok', 'active') : badge('bad', 'inactive')],
    ['Log', link(`${agentHref(agent.id)}/log`, 'LOG', { id: 'agent-log' })],
  ];
  const rows = facts.map(([name, value]) => h('tr', {}, h('th', {}, name), h('td', {}, value)));
  return panel('Agent', h('table', { class: 'facts' }, ...rows));
}

const sum = (values: readonly (number | null | undefined)[]): number =>
  values.reduce<number>((a, v) => a + (v ?? 0), 0);

/** Used (measured), allocated (the executors' limits) and total, for CPUs and memory. */
function resourcesPanel(agent: AgentJson, measured: readonly Usage[]): HTMLElement {
  const stats = measured.map((u) => u.stats.statistics);
  const memUsed = sum(stats.map((s) => s.mem_rss_bytes)) / MB;
  const rows = [
    [
      'CPUs',
      h('span', { id: 'agent-cpus-used' }, cpus(sum(measured.map((u) => u.cpus)))),
      cpus(sum(stats.map((s) => s.cpus_limit))),
      cpus(agent.resources.cpus),
    ],
    [
      'Mem',
      h('span', { id: 'agent-mem-used' }, megabytes(memUsed)),
      megabytes(sum(stats.map((s) => s.mem_limit_bytes)) / MB),
      megabytes(agent.resources.mem),
    ],
  ];
  return panel('Resources', table(['', 'Used', 'Allocated', 'Total'], rows, 'No resources.'));
}

function executorsPanel(measured: readonly Usage[]): HTMLElement {
  const rows = measured.map(({ stats, cpus: rate }) => {
    const s = stats.statistics;
    return [
      link(sandboxHref(stats.executor_id), stats.executor_id, { class: 'executor-id' }),
      h('span', { class: 'muted' }, stats.executor_name),
      rate === null ? '–' : usage(rate, s.cpus_limit, cpus),
      usage((s.mem_rss_bytes ?? 0) / MB, s.mem_limit_bytes / MB, megabytes),
      s.disk_used_bytes === undefined ? '–' : bytes(s.disk_used_bytes),
    ];
  });
  const headers = ['ID', 'Name', 'CPUs (used / allocated)', 'Mem (used / allocated)', 'Disk (used)'];
  return panel('Executors', table(headers, rows, 'No executors run on this agent.'));
}
