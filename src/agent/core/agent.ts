// AgentCore: one synchronous object per agent. Inputs in, effects out as data; no clocks, sockets,
// containers or randomness (ids come from the shell), so the agent's behaviour is testable step by step.
import type { MasterToAgent } from '../../master/core/protocol.js';
import type { AgentCoreOptions, AgentInput, AgentOutput } from './protocol.js';
import { applyRecovery, planRecovery } from './recovery.js';
import { checkLink, connected, disconnected, leaderDetected, pinged, registeredWith } from './registration.js';
import { isRegistered, newState, warn, type AgentState, type Ctx } from './state.js';
import {
  exited,
  healthChanged,
  killAll,
  killTask,
  launched,
  launchFailed,
  runTask,
  shutdownFramework,
} from './tasks.js';
import { acknowledge, retryUpdates } from './updates.js';

/** What the endpoints and the worker's state messages are computed from; callers must not change it. */
export interface AgentView {
  readonly state: AgentState;
  readonly options: AgentCoreOptions;
}

export class AgentCore {
  private readonly state: AgentState = newState();

  constructor(private readonly options: AgentCoreOptions) {}

  handle(input: AgentInput): AgentOutput[] {
    const ctx: Ctx = { s: this.state, options: this.options, now: input.now, out: [] };
    dispatch(ctx, input);
    return ctx.out;
  }

  view(): AgentView {
    return { state: this.state, options: this.options };
  }
}

function dispatch(ctx: Ctx, input: AgentInput): void {
  switch (input.kind) {
    case 'recover':
      applyRecovery(ctx, planRecovery(input.checkpointed, input.report));
      return;
    case 'tick':
      ctx.s.tick++;
      checkLink(ctx);
      retryUpdates(ctx);
      return;
    case 'leaderDetected':
      leaderDetected(ctx, input.master);
      return;
    case 'connected':
      connected(ctx, input.connection);
      return;
    case 'disconnected':
      disconnected(ctx, input.connection);
      return;
    case 'message':
      if (input.connection === ctx.s.link.connection) fromMaster(ctx, input.message);
      return;
    case 'launched':
      launched(ctx, input.containerId, input.handle, input.containerStatus);
      return;
    case 'launchFailed':
      launchFailed(ctx, input.containerId, input.message);
      return;
    case 'exited':
      exited(ctx, input.containerId, input.status);
      return;
    case 'health':
      healthChanged(ctx, input);
      return;
    case 'shutdown':
      killAll(ctx, null);
      return;
  }
}

function fromMaster(ctx: Ctx, m: MasterToAgent): void {
  if (m.type === 'REGISTERED' || m.type === 'REREGISTERED') return registeredWith(ctx, m);
  if (m.type === 'PING') return pinged(ctx);
  if (!isRegistered(ctx.s)) {
    warn(ctx, `Ignoring ${m.type} from the master: this agent is not registered yet`);
    return;
  }
  switch (m.type) {
    case 'RUN_TASK':
      return runTask(ctx, m.framework, m.task);
    case 'KILL_TASK':
      return killTask(ctx, m.framework_id.value, m.task_id.value, m.kill_policy);
    case 'ACKNOWLEDGE':
      return acknowledge(ctx, m.framework_id.value, m.task_id.value, m.uuid);
    case 'SHUTDOWN_FRAMEWORK':
      return shutdownFramework(ctx, m.framework_id.value);
  }
}
