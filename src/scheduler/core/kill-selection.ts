// Scale-down victim selection (Marathon's ScalingProposition): which instances go first when an app
// has more than it needs — named ones, then constraint victims, then by state and killSelection.
import type { TaskState } from '../../master/core/v1.js';
import type { AppDefinition } from './app-types.js';
import type { Instance, Timestamp } from './model.js';

/** Kill order by Mesos state: Unreachable → Staging → Starting → Running → other. */
function stateRank(state: TaskState): number {
  switch (state) {
    case 'TASK_UNREACHABLE':
      return 0;
    case 'TASK_STAGING':
      return 1;
    case 'TASK_STARTING':
      return 2;
    case 'TASK_RUNNING':
      return 3;
    default:
      return 4;
  }
}

/** The start time killSelection compares: stagedAt while staging, activeSince (startedAt) once running. */
function startTime(instance: Instance): Timestamp {
  return instance.state === 'TASK_STAGING' ? instance.stagedAt : (instance.startedAt ?? instance.stagedAt);
}

function compareVictims(killSelection: AppDefinition['killSelection']) {
  const youngestFirst = killSelection === 'YOUNGEST_FIRST';
  return (a: Instance, b: Instance): number => {
    const byState = stateRank(a.state) - stateRank(b.state);
    if (byState !== 0) return byState;
    const byTime = startTime(a).localeCompare(startTime(b));
    if (byTime !== 0) return youngestFirst ? -byTime : byTime;
    return a.instanceId.localeCompare(b.instanceId);
  };
}

function named(instances: readonly Instance[], ids: readonly string[]): Instance[] {
  return ids.flatMap((id) => instances.filter((i) => i.instanceId === id || i.taskId === id));
}

/**
 * Every instance with goal running in the order they would be killed: `preferred` (instance or task ids,
 * in their order), then `constraintVictims`, then the rest by state and the app's killSelection.
 */
export function killOrder(o: {
  app: AppDefinition;
  instances: readonly Instance[];
  preferred: readonly string[];
  constraintVictims: readonly string[];
}): Instance[] {
  const candidates = o.instances.filter((i) => i.goal === 'running');
  const rest = [...candidates].sort(compareVictims(o.app.killSelection));
  const ordered = [...named(candidates, o.preferred), ...named(candidates, o.constraintVictims), ...rest];
  return [...new Set(ordered)];
}

/** Up to `count` instances to kill when scaling down (reference §7); returns instanceIds. */
export function selectVictims(o: {
  app: AppDefinition;
  instances: readonly Instance[];
  count: number;
  preferred: readonly string[];
  constraintVictims: readonly string[];
}): string[] {
  return killOrder(o)
    .slice(0, Math.max(0, o.count))
    .map((i) => i.instanceId);
}
