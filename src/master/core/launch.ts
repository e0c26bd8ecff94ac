// ACCEPT: offer validation (invalid offers drop every task), task validation (TASK_ERROR), launching
// within the offered resources only, and a decline filter on what is left over.
import { installFilter, removeOffer } from './allocator.js';
import {
  containsResources,
  formatResources,
  invalidResources,
  resourcesFromV1,
  subtractResources,
  sumResources,
  type Resources,
} from './resources.js';
import {
  describeAgent,
  describeFramework,
  isPartitionAware,
  log,
  sendToAgent,
  warn,
  type AgentRecord,
  type Ctx,
  type FrameworkRecord,
  type OfferRecord,
} from './state.js';
import { countTerminal, forwardUpdate, masterStatus, type MasterStatusOptions } from './tasks.js';
import type { Call, Operation, TaskInfo } from './v1.js';

type AcceptCall = Extract<Call, { type: 'ACCEPT' }>;

/** Why the offers of one ACCEPT cannot be used, or null (Mesos validation.cpp wording). */
function offersProblem(ctx: Ctx, fw: FrameworkRecord, ids: readonly string[]): string | null {
  if (ids.length === 0) return 'No offers specified';
  const seen = new Set<string>();
  let agentId: string | undefined;
  for (const id of ids) {
    if (seen.has(id)) return `Duplicate offer ${id} in the same call`;
    seen.add(id);
    const offer = ctx.s.offers.get(id);
    if (offer === undefined) return `Offer ${id} is no longer valid`;
    if (offer.frameworkId !== fw.id)
      return `Offer ${id} has invalid framework ${offer.frameworkId} while framework ${fw.id} is expected`;
    if (agentId !== undefined && offer.agentId !== agentId) return 'Aggregated offers must belong to one single agent';
    agentId = offer.agentId;
  }
  return null;
}

function tasksOf(ctx: Ctx, op: Operation): TaskInfo[] {
  switch (op.type) {
    case 'LAUNCH':
      return op.launch.task_infos;
    case 'LAUNCH_GROUP':
    case 'RESERVE':
    case 'UNRESERVE':
    case 'CREATE':
    case 'DESTROY':
      warn(ctx, `Ignoring unsupported operation ${op.type}`);
      return [];
  }
}

/** A task that never gets to an agent: told to the framework, never recorded. */
function refuseTask(ctx: Ctx, fw: FrameworkRecord, info: TaskInfo, o: MasterStatusOptions): void {
  warn(ctx, `Refusing task ${info.task_id.value} of framework ${describeFramework(fw)}: ${o.message}`);
  countTerminal(ctx, o.state);
  forwardUpdate(ctx, fw, masterStatus(ctx, info, o));
}

function taskProblem(fw: FrameworkRecord, agentId: string, info: TaskInfo, available: Resources): string | null {
  const id = info.task_id.value;
  if (id === '') return 'Task ID must not be empty';
  if (fw.tasks.has(id) || fw.unreachableTasks.has(id)) return `Task has duplicate ID: ${id}`;
  if (info.agent_id.value !== agentId) return `Task uses invalid agent: ${info.agent_id.value}`;
  if ((info.command === undefined) === (info.executor === undefined)) {
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  }
  if (info.resources.length === 0) return 'Task uses no resources';
  const invalid = invalidResources(info.resources);
  if (invalid !== null) return invalid;
  const wanted = resourcesFromV1(info.resources);
  if (!containsResources(available, wanted)) {
    return `Task uses more resources ${formatResources(wanted)} than available ${formatResources(available)}`;
  }
  return null;
}

/** Launches one task if valid; returns what is left of the offered resources. */
function launch(ctx: Ctx, fw: FrameworkRecord, agent: AgentRecord, info: TaskInfo, available: Resources): Resources {
  const problem = taskProblem(fw, agent.id, info, available);
  if (problem !== null) {
    refuseTask(ctx, fw, info, { state: 'TASK_ERROR', reason: 'REASON_TASK_INVALID', message: problem });
    return available;
  }
  const resources = resourcesFromV1(info.resources);
  fw.tasks.set(info.task_id.value, {
    resources,
    task: {
      name: info.name,
      task_id: info.task_id,
      framework_id: { value: fw.id },
      executor_id: info.executor?.executor_id,
      agent_id: { value: agent.id },
      state: 'TASK_STAGING',
      resources: info.resources,
      statuses: [],
      labels: info.labels,
      discovery: info.discovery,
      container: info.container,
      health_check: info.health_check,
      kill_policy: info.kill_policy,
      user: info.command?.user ?? fw.info.user,
    },
  });
  sendToAgent(ctx, agent, { type: 'RUN_TASK', framework: fw.info, task: info });
  log(
    ctx,
    `Launching task ${info.task_id.value} of framework ${describeFramework(fw)} with resources ${formatResources(resources)} on agent ${describeAgent(agent)}`,
  );
  return subtractResources(available, resources);
}

export function accept(ctx: Ctx, fw: FrameworkRecord, call: AcceptCall['accept']): void {
  const ids = call.offer_ids.map((o) => o.value);
  const problem = offersProblem(ctx, fw, ids);
  const offers = [...new Set(ids)]
    .map((id) => ctx.s.offers.get(id))
    .filter((o): o is OfferRecord => o !== undefined && o.frameworkId === fw.id);
  for (const offer of offers) removeOffer(ctx, offer, { rescind: false });
  const tasks = (call.operations ?? []).flatMap((op) => tasksOf(ctx, op));
  const first = offers[0];
  const agent = first === undefined ? undefined : ctx.s.agents.get(first.agentId);
  if (problem !== null || first === undefined || agent === undefined) {
    const message = `Task launched with invalid offers: ${problem ?? 'the agent is gone'}`;
    const state = isPartitionAware(fw) ? 'TASK_DROPPED' : 'TASK_LOST';
    for (const info of tasks) refuseTask(ctx, fw, info, { state, reason: 'REASON_INVALID_OFFERS', message });
    return;
  }
  let available = sumResources(offers.map((o) => o.resources));
  for (const info of tasks) available = launch(ctx, fw, agent, info, available);
  installFilter(ctx, fw, first, available, call.filters);
}
