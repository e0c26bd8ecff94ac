// The sandbox browser of one task: its directory from the agent's /slave(1)/state, listed with the
// agent's /files/browse, and a file's last 64 KiB through /files/read (all JSONP: agents are other origins).
import { h, type Child } from '../common/dom.js';
import { bytes, when } from './format.js';
import { jsonp } from './jsonp.js';
import { agentUrl, sandboxOf, taskRows, type AgentState, type FileInfo, type MasterState } from './mesos.js';
import { sandboxHref } from './route.js';
import { filesUrl, tailPanel } from './tail.js';
import { link, mono, panel, table } from './widgets.js';

interface Sandbox {
  taskId: string;
  /** `http://host:port` of the agent. */
  agent: string;
  directory: string;
}

export async function sandboxPage(state: MasterState, taskId: string, path: string): Promise<HTMLElement[]> {
  const found = await locate(state, taskId);
  if (typeof found === 'string') return [panel('Sandbox', h('p', { class: 'error' }, found))];
  const target = path === '' ? found.directory : `${found.directory}/${path}`;
  const entries = await jsonp<FileInfo[]>(filesUrl(found.agent, 'browse', { path: target }));
  const file =
    entries.length === 1 && entries[0]?.path === target && !entries[0].mode.startsWith('d') ? entries[0] : null;
  return [
    panel(
      'Sandbox',
      h('p', {}, 'Task ', mono(taskId), ' on agent ', found.agent, ' in ', mono(found.directory)),
      breadcrumbs(taskId, path),
    ),
    file === null
      ? panel('Files', listing(found, entries))
      : await tailPanel({ base: found.agent, path: file.path, title: file.path.slice(file.path.lastIndexOf('/') + 1) }),
  ];
}

/** The task's agent and sandbox directory, or why there is none. */
async function locate(state: MasterState, taskId: string): Promise<Sandbox | string> {
  const row = taskRows(state).find((r) => r.task.id === taskId);
  if (row === undefined) return `The leading master knows no task ${taskId}.`;
  const agentJson = state.slaves.find((a) => a.id === row.task.slave_id);
  if (agentJson === undefined) return `Agent ${row.task.slave_id} of task ${taskId} is not registered.`;
  const agent = agentUrl(agentJson);
  const directory = sandboxOf(await jsonp<AgentState>(`${agent}/slave(1)/state`), taskId);
  return directory === null
    ? `Agent ${agentJson.hostname} has no sandbox for task ${taskId}.`
    : { taskId, agent, directory };
}

/** sandbox / dir / file, each part a link. */
function breadcrumbs(taskId: string, path: string): HTMLElement {
  const parts = path === '' ? [] : path.split('/');
  const crumbs: Child[] = [link(sandboxHref(taskId), 'sandbox')];
  parts.forEach((part, i) => crumbs.push(' / ', link(sandboxHref(taskId, parts.slice(0, i + 1).join('/')), part)));
  return h('nav', { class: 'crumbs' }, ...crumbs);
}

function listing(sandbox: Sandbox, entries: readonly FileInfo[]): HTMLElement {
  const rows = entries.map((e) => {
    const relative = e.path.slice(sandbox.directory.length + 1);
    const name = relative.slice(relative.lastIndexOf('/') + 1) + (e.mode.startsWith('d') ? '/' : '');
    return [
      mono(e.mode),
      bytes(e.size),
      when(e.mtime),
      link(sandboxHref(sandbox.taskId, relative), name, { class: 'file' }),
    ];
  });
  return table(['Mode', 'Size', 'Modified', 'Name'], rows, 'The directory is empty.');
}
