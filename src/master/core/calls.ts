// Scheduler calls of the v1 API: stream and subscription checks (the HTTP status), then one handler
// per call type; ACCEPT and RECONCILE live in their own modules.
import { installFilter, removeOffer, revive, suppress } from './allocator.js';
import { removeFramework, subscribe } from './frameworks.js';
import { accept } from './launch.js';
import { reconcile } from './reconcile.js';
import {
  answer,
  describeAgent,
  describeFramework,
  log,
  sendToAgent,
  warn,
  type Ctx,
  type FrameworkRecord,
} from './state.js';
import { removeTask } from './tasks.js';
import { isTerminalState, type Call } from './v1.js';

type CallOf<T extends Call['type']> = Extract<Call, { type: T }>;

function subscribedFramework(ctx: Ctx, streamId: string | null, id: string | undefined): FrameworkRecord | undefined {
  const fw = id === undefined ? undefined : ctx.s.frameworks.get(id);
  if (fw === undefined) {
    answer(ctx, 400, `Framework '${id ?? ''}' cannot be found`);
    return undefined;
  }
  if (fw.streamId === null) {
    answer(ctx, 403, 'Framework is not subscribed');
    return undefined;
  }
  if (streamId !== fw.streamId) {
    answer(
      ctx,
      400,
      `The stream ID '${streamId ?? ''}' included in this request didn't match the stream ID currently associated with framework ID ${fw.id}`,
    );
    return undefined;
  }
  return fw;
}

export function schedulerCall(ctx: Ctx, streamId: string | null, call: Call): void {
  if (call.type === 'SUBSCRIBE') {
    subscribe(ctx, streamId, call);
    return;
  }
  const fw = subscribedFramework(ctx, streamId, call.framework_id.value);
  if (fw === undefined) return;
  answer(ctx, 202);
  switch (call.type) {
    case 'TEARDOWN':
      log(ctx, `Processing TEARDOWN call for framework ${describeFramework(fw)}`);
      removeFramework(ctx, fw);
      return;
    case 'ACCEPT':
      accept(ctx, fw, call.accept);
      return;
    case 'DECLINE':
      decline(ctx, fw, call);
      return;
    case 'REVIVE':
      revive(ctx, fw, call.revive?.roles ?? []);
      return;
    case 'SUPPRESS':
      suppress(fw, call.suppress?.roles ?? []);
      return;
    case 'KILL':
      kill(ctx, fw, call);
      return;
    case 'ACKNOWLEDGE':
      acknowledge(ctx, fw, call);
      return;
    case 'RECONCILE':
      reconcile(ctx, fw, call.reconcile?.tasks ?? []);
      return;
  }
}

function decline(ctx: Ctx, fw: FrameworkRecord, call: CallOf<'DECLINE'>): void {
  for (const { value: id } of call.decline.offer_ids) {
    const offer = ctx.s.offers.get(id);
    if (offer === undefined || offer.frameworkId !== fw.id) {
      warn(ctx, `Ignoring decline of offer ${id} since it is no longer valid`);
      continue;
    }
    removeOffer(ctx, offer, { rescind: false });
    installFilter(ctx, fw, offer, offer.resources, call.decline.filters);
  }
}

/** An unknown task is answered by reconciliation, as Mesos does. */
function kill(ctx: Ctx, fw: FrameworkRecord, call: CallOf<'KILL'>): void {
  const { task_id, agent_id, kill_policy } = call.kill;
  const rec = fw.tasks.get(task_id.value);
  if (rec === undefined) {
    reconcile(ctx, fw, [{ task_id, ...(agent_id === undefined ? {} : { agent_id }) }]);
    return;
  }
  if (isTerminalState(rec.task.state)) return;
  const agent = ctx.s.agents.get(rec.task.agent_id.value);
  const message = {
    type: 'KILL_TASK' as const,
    framework_id: { value: fw.id },
    task_id,
    ...(kill_policy === undefined ? {} : { kill_policy }),
  };
  if (agent !== undefined && sendToAgent(ctx, agent, message)) {
    log(
      ctx,
      `Telling agent ${describeAgent(agent)} to kill task ${task_id.value} of framework ${describeFramework(fw)}`,
    );
  } else {
    warn(
      ctx,
      `Cannot kill task ${task_id.value} of framework ${describeFramework(fw)} because agent ${rec.task.agent_id.value} is disconnected`,
    );
  }
}

/** Relayed to the agent; an acknowledged terminal update completes the task. */
function acknowledge(ctx: Ctx, fw: FrameworkRecord, call: CallOf<'ACKNOWLEDGE'>): void {
  const { agent_id, task_id, uuid } = call.acknowledge;
  const agent = ctx.s.agents.get(agent_id.value);
  if (agent === undefined || agent.connection === null) {
    warn(
      ctx,
      `Cannot send acknowledgement for status update ${uuid} of task ${task_id.value} of framework ${fw.id} to agent ${agent_id.value} because the agent is not connected`,
    );
    return;
  }
  const rec = fw.tasks.get(task_id.value);
  const state = rec?.task.status_update_state;
  if (
    rec !== undefined &&
    rec.task.agent_id.value === agent.id &&
    rec.task.status_update_uuid === uuid &&
    state !== undefined &&
    isTerminalState(state)
  ) {
    removeTask(fw, rec, 'completed');
  }
  sendToAgent(ctx, agent, { type: 'ACKNOWLEDGE', framework_id: { value: fw.id }, task_id, uuid });
}
