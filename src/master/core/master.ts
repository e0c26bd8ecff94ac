// MasterCore: one synchronous object per leading master. Inputs in, effects out as data; no clocks,
// sockets or randomness, so a failover can be replayed in one process from a seed.
import {
  agentDisconnected,
  agentPong,
  checkAgents,
  recoverRegistry,
  registerAgent,
  reregisterAgent,
  statusUpdate,
} from './agents.js';
import { allocate, expireFilters } from './allocator.js';
import { schedulerCall } from './calls.js';
import { checkFrameworks, streamClosed } from './frameworks.js';
import { MasterIds } from './ids.js';
import { updateMaintenance } from './maintenance.js';
import type { MasterCoreOptions, MasterInput, MasterOutput } from './protocol.js';
import { newState, type Ctx, type MasterState } from './state.js';

/** What the read-only endpoint views are computed from. */
export interface MasterView {
  readonly state: MasterState;
  readonly options: MasterCoreOptions;
}

export class MasterCore {
  private readonly state: MasterState;
  private readonly ids: MasterIds;
  /** Effects produced outside `handle` (the registry recovery's log line), returned by the next call. */
  private pending: MasterOutput[] = [];

  constructor(private readonly options: MasterCoreOptions) {
    this.state = newState(options.now);
    this.ids = new MasterIds(options.masterInfo.id);
    recoverRegistry(this.context(options.now, this.pending), options.registry);
  }

  handle(input: MasterInput): MasterOutput[] {
    const out = this.pending;
    this.pending = [];
    const ctx = this.context(input.now, out);
    dispatch(ctx, input);
    if (this.state.allocationPending || input.now >= this.state.nextAllocationAt) allocate(ctx);
    return out;
  }

  /** The live state, for the endpoint views; callers must not change it. */
  view(): MasterView {
    return { state: this.state, options: this.options };
  }

  private context(now: number, out: MasterOutput[]): Ctx {
    return { s: this.state, options: this.options, ids: this.ids, now, out };
  }
}

function dispatch(ctx: Ctx, input: MasterInput): void {
  switch (input.kind) {
    case 'agentRegister':
      registerAgent(ctx, input);
      return;
    case 'agentReregister':
      reregisterAgent(ctx, input);
      return;
    case 'agentPong':
      agentPong(ctx, input.connection);
      return;
    case 'agentDisconnected':
      agentDisconnected(ctx, input.connection);
      return;
    case 'statusUpdate':
      statusUpdate(ctx, input.connection, input.update);
      return;
    case 'schedulerCall':
      schedulerCall(ctx, input.streamId, input.call);
      return;
    case 'streamClosed':
      streamClosed(ctx, input.streamId);
      return;
    case 'updateMaintenance':
      updateMaintenance(ctx, input.schedule);
      return;
    case 'tick':
      expireFilters(ctx);
      checkAgents(ctx);
      checkFrameworks(ctx);
      return;
  }
}
