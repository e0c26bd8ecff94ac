// Tasks' sandbox output through the agents' endpoints: find the tasks a query names on the agents (a task
// id, an app id with every instance of the app, or a task name), then read their stdout/stderr once or
// follow them as they grow, and label each task's lines when there are several.
import { setTimeout as delay } from 'node:timers/promises';
import { isTerminalState, type TaskState } from '../master/core/v1.js';
import { safeId, toHostname } from '../common/marathon-ids.js';
import { AgentClient, sandboxPath, type AgentExecutorJson, type AgentStateJson, type SandboxFile } from './agent.js';

export interface TaskLocation {
  agentUrl: string;
  frameworkId: string;
  taskId: string;
  name: string;
  state: TaskState;
}

interface FoundTask {
  location: TaskLocation;
  startedAt: number;
}

const AGENT_STATE_TIMEOUT_MS = 2_000;
/** Characters of the part where task ids differ that a label keeps (a Marathon instance's uuid begins there). */
const LABEL_ID_CHARS = 8;

/**
 * The tasks `query` names on the agents: the task with this id; else the instances of the app with this id
 * (`/shop/api` or `shop/api`), every live one in the order they started, or the newest when none lives; else
 * the newest task with this name. Empty when none matches.
 */
export async function locateTasks(agentUrls: readonly string[], query: string): Promise<TaskLocation[]> {
  const found = await tasksOn(agentUrls);
  const byId = found.find((t) => t.location.taskId === query);
  if (byId !== undefined) return [byId.location];
  const instances = found.filter((t) => isInstanceOf(t.location, query)).sort((a, b) => a.startedAt - b.startedAt);
  const live = instances.filter((t) => !isTerminalState(t.location.state));
  if (live.length > 0) return live.map((t) => t.location);
  const newest = [...instances, ...found.filter((t) => t.location.name === query)].sort(
    (a, b) => b.startedAt - a.startedAt,
  )[0];
  return newest === undefined ? [] : [newest.location];
}

async function tasksOn(agentUrls: readonly string[]): Promise<FoundTask[]> {
  const states = await Promise.all(
    agentUrls.map(async (url) => ({
      url,
      state: await new AgentClient(url).state({ timeoutMs: AGENT_STATE_TIMEOUT_MS }).catch(() => null),
    })),
  );
  return states.flatMap(({ url, state }) => (state === null ? [] : tasksOf(url, state)));
}

/** A Marathon task of the app: its id starts with the app's safe id, its name is the app's hostname. */
function isInstanceOf(task: TaskLocation, query: string): boolean {
  const appId = `/${query.replace(/^\/+|\/+$/g, '')}`;
  return appId !== '/' && task.taskId.startsWith(`${safeId(appId)}.`) && task.name === toHostname(appId);
}

function tasksOf(agentUrl: string, state: AgentStateJson): FoundTask[] {
  return state.frameworks.flatMap((fw) =>
    [...fw.executors, ...fw.completed_executors].flatMap((executor: AgentExecutorJson) =>
      [...executor.tasks, ...executor.completed_tasks].map((task) => ({
        location: { agentUrl, frameworkId: fw.id, taskId: task.id, name: task.name, state: task.state as TaskState },
        startedAt: task.statuses[0]?.timestamp ?? 0,
      })),
    ),
  );
}

/**
 * Labels that tell task ids apart, all as wide: the id up to its first `.`, then where the ids begin to differ
 * (`shop_api.0d1c2f3a` for `shop_api.instance-0d1c2f3a-…._app.1`). One id is labelled by itself.
 */
export function taskLabels(ids: readonly string[]): string[] {
  if (ids.length < 2) return [...ids];
  const first = ids[0] ?? '';
  let common = 0;
  while (common < first.length && ids.every((id) => id[common] === first[common])) common++;
  const labels = ids.map((id) => {
    const head = id.slice(0, Math.max(0, id.indexOf('.')));
    const differing = id.slice(common, common + LABEL_ID_CHARS);
    return head === '' || common <= head.length ? id.slice(0, common + LABEL_ID_CHARS) : `${head}.${differing}`;
  });
  const width = Math.max(...labels.map((l) => l.length));
  return labels.map((l) => l.padEnd(width));
}

export interface SandboxChunk {
  /** Index of the task in the list given. */
  task: number;
  file: SandboxFile;
  text: string;
}

export interface FollowOptions {
  follow: boolean;
  pollMs: number;
  signal?: AbortSignal;
  /** Called once after the first read with the tasks (indexes) whose stdout and stderr were both empty. */
  onEmpty?(tasks: number[]): void;
}

/** The tasks' stdout and stderr so far; with `follow`, then what they gain until every task ends (or the signal). */
export async function* sandboxOutput(
  tasks: readonly TaskLocation[],
  options: FollowOptions,
): AsyncGenerator<SandboxChunk> {
  const files: SandboxFile[] = ['stdout', 'stderr'];
  const offsets = new Map<string, number | undefined>();
  const ended = tasks.map(() => !options.follow);
  for (let round = 0; ; round++) {
    const silent: number[] = [];
    for (const [i, task] of tasks.entries()) {
      const agent = new AgentClient(task.agentUrl);
      let said = false;
      for (const file of files) {
        const path = sandboxPath(task.frameworkId, task.taskId, file);
        const { text, end } = await agent.readFrom(path, offsets.get(path));
        offsets.set(path, end);
        said ||= text !== '';
        if (text !== '') yield { task: i, file, text };
      }
      if (!said) silent.push(i);
    }
    if (round === 0 && silent.length > 0) options.onEmpty?.(silent);
    if (ended.every(Boolean) || options.signal?.aborted === true) return;
    await delay(options.pollMs, undefined, options.signal === undefined ? {} : { signal: options.signal }).catch(
      () => undefined,
    );
    for (const [i, task] of tasks.entries()) ended[i] ||= await hasEnded(task);
  }
}

async function hasEnded(task: TaskLocation): Promise<boolean> {
  const state = await new AgentClient(task.agentUrl).state({ timeoutMs: AGENT_STATE_TIMEOUT_MS }).catch(() => null);
  const now = state === null ? undefined : tasksOf(task.agentUrl, state).find((t) => t.location.taskId === task.taskId);
  return now === undefined || isTerminalState(now.location.state);
}

/** Whole lines of several tasks' stdout and stderr, each after its task's label; a line is held until its newline. */
export class LabelledLines {
  private readonly partial = new Map<string, { file: SandboxFile; label: string; text: string }>();

  /** The lines this chunk completes, labelled, as one text. */
  add(chunk: SandboxChunk, label: string): string {
    const key = `${chunk.task}:${chunk.file}`;
    const lines = `${this.partial.get(key)?.text ?? ''}${chunk.text}`.split('\n');
    this.partial.set(key, { file: chunk.file, label, text: lines.pop() ?? '' });
    return lines.map((line) => `${label}${line}\n`).join('');
  }

  /** The last line of each stream that did not end with a newline. */
  rest(): { file: SandboxFile; text: string }[] {
    return [...this.partial.values()]
      .filter((p) => p.text !== '')
      .map((p) => ({ file: p.file, text: `${p.label}${p.text}\n` }));
  }
}
