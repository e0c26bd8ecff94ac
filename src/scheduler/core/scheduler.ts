// SchedulerCore: the Marathon-style scheduler as one synchronous object. Fed Mesos events, probe results,
// ticks and API commands; returns effects (store writes, Mesos calls, Marathon events, logs) in that order.
import type { FrameworkInfo } from '../../master/core/v1.js';
import type {
  ApiError,
  DeployRequest,
  Effect,
  KillRequest,
  Output,
  SchedulerCommands,
  SchedulerInput,
  SchedulerView,
  StoredState,
} from './messages.js';
import type {
  AppVersion,
  DeploymentPlan,
  Instance,
  LaunchDelay,
  QueueEntry,
  RootGroup,
  TaskFailure,
  Timestamp,
} from './model.js';
import { cancelDeployment, deploy, killTasks, resetDelay, type DeployReply } from './sched-commands.js';
import { converge } from './sched-deployments.js';
import { handleOffers, queueView } from './sched-launch.js';
import { CoreState, Out, type SchedulerOptions } from './sched-state.js';
import { disconnected, subscribed, tick } from './sched-tick.js';
import { handleHealth, handleReadiness, handleUpdate } from './sched-updates.js';

export type { SchedulerOptions } from './sched-state.js';

/** Capabilities our masters honour: roles, TASK_UNREACHABLE instead of TASK_LOST, TASK_KILLING. */
const CAPABILITIES = [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }];

export class SchedulerCore implements SchedulerView, SchedulerCommands {
  private readonly s: CoreState;

  constructor(o: { options: SchedulerOptions; state?: StoredState }) {
    this.s = new CoreState(o.options, o.state);
  }

  /** FrameworkInfo for SUBSCRIBE; carries the framework id once one is known, to fail over to it. */
  frameworkInfo(): FrameworkInfo {
    const o = this.s.options;
    return {
      user: o.user,
      name: o.frameworkName,
      ...(this.s.frameworkId === null ? {} : { id: { value: this.s.frameworkId } }),
      failover_timeout: o.failoverTimeoutSeconds,
      checkpoint: true,
      roles: [o.role],
      hostname: o.hostname,
      webui_url: o.webuiUrl,
      capabilities: CAPABILITIES,
    };
  }

  input(i: SchedulerInput): Effect[] {
    const out = this.out(i.now);
    let all = false;
    switch (i.type) {
      case 'subscribed':
        subscribed(this.s, out, i);
        all = true;
        break;
      case 'disconnected':
        disconnected(this.s, out, i.message);
        break;
      case 'offers':
        handleOffers(this.s, out, i.offers);
        break;
      case 'rescind':
        // Offers are answered in the input that brings them, so none is held to drop.
        break;
      case 'update':
        handleUpdate(this.s, out, i.status);
        break;
      case 'health':
        handleHealth(this.s, out, i);
        break;
      case 'readiness':
        handleReadiness(this.s, out, i);
        break;
      case 'tick':
        all = tick(this.s, out).all;
        break;
      default: {
        const never: never = i;
        return never;
      }
    }
    converge(this.s, out, { all });
    return out.effects();
  }

  deploy(req: DeployRequest): Output<DeployReply> {
    return this.command(req.now, (out) => deploy(this.s, out, req));
  }

  killTasks(req: KillRequest): ReturnType<SchedulerCommands['killTasks']> {
    return this.command(req.now, (out) => killTasks(this.s, out, req));
  }

  cancelDeployment(
    id: string,
    opts: { force: boolean; now: number },
  ): ReturnType<SchedulerCommands['cancelDeployment']> {
    return this.command(opts.now, (out) => cancelDeployment(this.s, out, id, opts));
  }

  resetDelay(appId: string, now: number): ReturnType<SchedulerCommands['resetDelay']> {
    return this.command(now, (out) => resetDelay(this.s, out, appId));
  }

  get root(): RootGroup {
    return this.s.root;
  }

  get frameworkId(): string | null {
    return this.s.frameworkId;
  }

  get subscribed(): boolean {
    return this.s.subscribed;
  }

  get master(): string | null {
    return this.s.master;
  }

  instances(): Instance[] {
    return [...this.s.instances.values()];
  }

  instancesOf(appId: string): Instance[] {
    return this.s.instancesOf(appId);
  }

  instance(idOrTaskId: string): Instance | undefined {
    return this.s.byTaskOrId(idOrTaskId);
  }

  deployments(): DeploymentPlan[] {
    return [...this.s.deployments.values()];
  }

  queue(_now: number): QueueEntry[] {
    return queueView(this.s);
  }

  versions(appId: string): Timestamp[] {
    return (this.s.versions.get(appId) ?? []).map((v) => v.version);
  }

  appAt(appId: string, version: Timestamp): AppVersion | undefined {
    return this.s.appAt(appId, version);
  }

  lastTaskFailure(appId: string): TaskFailure | undefined {
    return this.s.failures.get(appId);
  }

  delay(appId: string): LaunchDelay | undefined {
    return this.s.delays.get(appId);
  }

  private out(now: number): Out {
    return new Out(now, () => this.s.subscribed);
  }

  /** A command's effects then its reply; a refused command changes nothing and has no effects. */
  private command<R extends { ok: true }>(now: number, run: (out: Out) => R | ApiError): Output<R> {
    const out = this.out(now);
    const reply = run(out);
    if (!reply.ok) return { effects: [], reply };
    converge(this.s, out, { all: false });
    return { effects: out.effects(), reply };
  }
}
