// A task's sandbox output through the agents' endpoints: find the task on the agents (running or
// completed, by id or name), then read its stdout/stderr once or follow them as they grow.
import { setTimeout as delay } from 'node:timers/promises';
import { isTerminalState, type TaskState } from '../master/core/v1.js';
import { AgentClient, sandboxPath, type AgentExecutorJson, type AgentStateJson, type SandboxFile } from './agent.js';

export interface TaskLocation {
  agentUrl: string;
  frameworkId: string;
  taskId: string;
  name: string;
  state: TaskState;
}

const AGENT_STATE_TIMEOUT_MS = 2_000;

/** The task with this id (or, failing that, the newest one with this name) on any of the agents. */
export async function locateTask(agentUrls: readonly string[], query: string): Promise<TaskLocation | null> {
  const states = await Promise.all(
    agentUrls.map(async (url) => ({
      url,
      state: await new AgentClient(url).state({ timeoutMs: AGENT_STATE_TIMEOUT_MS }).catch(() => null),
    })),
  );
  const found = states.flatMap(({ url, state }) => (state === null ? [] : tasksOf(url, state)));
  const byId = found.find((t) => t.location.taskId === query);
  if (byId !== undefined) return byId.location;
  const byName = found.filter((t) => t.location.name === query).sort((a, b) => b.startedAt - a.startedAt);
  return byName[0]?.location ?? null;
}

function tasksOf(agentUrl: string, state: AgentStateJson): { location: TaskLocation; startedAt: number }[] {
  return state.frameworks.flatMap((fw) =>
    [...fw.executors, ...fw.completed_executors].flatMap((executor: AgentExecutorJson) =>
      [...executor.tasks, ...executor.completed_tasks].map((task) => ({
        location: { agentUrl, frameworkId: fw.id, taskId: task.id, name: task.name, state: task.state as TaskState },
        startedAt: task.statuses[0]?.timestamp ?? 0,
      })),
    ),
  );
}

export interface SandboxChunk {
  file: SandboxFile;
  text: string;
}

export interface FollowOptions {
  follow: boolean;
  pollMs: number;
  signal?: AbortSignal;
}

/** The task's stdout and stderr so far; with `follow`, then what they gain until the task ends (or the signal). */
export async function* sandboxOutput(task: TaskLocation, options: FollowOptions): AsyncGenerator<SandboxChunk> {
  const agent = new AgentClient(task.agentUrl);
  const files: SandboxFile[] = ['stdout', 'stderr'];
  const offsets = new Map<SandboxFile, number | undefined>();
  for (let ended = !options.follow; ; ) {
    for (const file of files) {
      const { text, end } = await agent.readFrom(sandboxPath(task.frameworkId, task.taskId, file), offsets.get(file));
      offsets.set(file, end);
      if (text !== '') yield { file, text };
    }
    if (ended || options.signal?.aborted === true) return;
    await delay(options.pollMs, undefined, options.signal === undefined ? {} : { signal: options.signal }).catch(
      () => undefined,
    );
    ended = await hasEnded(agent, task);
  }
}

async function hasEnded(agent: AgentClient, task: TaskLocation): Promise<boolean> {
  const state = await agent.state({ timeoutMs: AGENT_STATE_TIMEOUT_MS }).catch(() => null);
  const now = state === null ? undefined : tasksOf(task.agentUrl, state).find((t) => t.location.taskId === task.taskId);
  return now === undefined || isTerminalState(now.location.state);
}
