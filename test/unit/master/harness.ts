// Drives one MasterCore by hand for the unit tests: a clock, agents and frameworks by name, and
// pickers for the outputs (events to a framework, messages to an agent, call answers).
import { MasterCore } from '../../../src/master/core/master.js';
import {
  EMPTY_REGISTRY,
  type MasterCoreOptions,
  type MasterInput,
  type MasterOutput,
  type MasterToAgent,
} from '../../../src/master/core/protocol.js';
import { parseResourceText } from '../../../src/master/core/resources.js';
import type { Call, Event, FrameworkInfo, Offer, TaskInfo, TaskStatus } from '../../../src/master/core/v1.js';

export const MASTER_INFO = { id: 'm1', ip: 16777343, port: 5050, pid: 'master@127.0.0.1:5050', hostname: 'localhost' };

export function masterOptions(over: Partial<MasterCoreOptions> = {}): MasterCoreOptions {
  return {
    masterInfo: MASTER_INFO,
    now: 0,
    registry: EMPTY_REGISTRY,
    allocation: { intervalMs: 1000 },
    agentPingTimeoutMs: 15_000,
    maxAgentPingTimeouts: 5,
    agentReregisterTimeoutMs: 600_000,
    heartbeatIntervalMs: 15_000,
    ...over,
  };
}

export const DEFAULT_AGENT_RESOURCES = 'cpus:4;mem:4096;disk:10000;ports:[31000-31099]';

export interface FrameworkOptions {
  partitionAware?: boolean;
  failoverTimeout?: number;
  checkpoint?: boolean;
  id?: string;
}

export function frameworkInfo(name: string, o: FrameworkOptions = {}): FrameworkInfo {
  return {
    user: 'root',
    name,
    roles: ['*'],
    failover_timeout: o.failoverTimeout ?? 604800,
    checkpoint: o.checkpoint ?? true,
    capabilities: [{ type: 'MULTI_ROLE' }, ...(o.partitionAware === false ? [] : [{ type: 'PARTITION_AWARE' }])],
    ...(o.id === undefined ? {} : { id: { value: o.id } }),
  };
}

export type InputWithoutTime = DistributiveOmit<MasterInput, 'now'>;

export class Harness {
  readonly master: MasterCore;
  now: number;
  private streams = 0;
  private connections = 0;

  constructor(over: Partial<MasterCoreOptions> = {}) {
    const options = masterOptions(over);
    this.now = options.now;
    this.master = new MasterCore(options);
  }

  send(input: InputWithoutTime): MasterOutput[] {
    return this.master.handle({ ...input, now: this.now } as MasterInput);
  }

  /** Moves the clock and ticks. */
  advance(ms: number): MasterOutput[] {
    this.now += ms;
    return this.send({ kind: 'tick' });
  }

  /** Ticks every `stepMs` for `ms`, returning everything produced. */
  run(ms: number, stepMs = 1000): MasterOutput[] {
    const out: MasterOutput[] = [];
    for (let t = 0; t < ms; t += stepMs) out.push(...this.advance(stepMs));
    return out;
  }

  registerAgent(
    hostname: string,
    resources = DEFAULT_AGENT_RESOURCES,
  ): { agentId: string; connection: string; out: MasterOutput[] } {
    const connection = `conn-${++this.connections}`;
    const out = this.send({
      kind: 'agentRegister',
      connection,
      agent: { hostname, port: 5051, resources: parseResourceText(resources) },
      pid: `slave(1)@127.0.0.1:${5051 + this.connections}`,
      version: '1.11.0',
    });
    const registered = agentMessages(out, 'REGISTERED')[0];
    if (registered === undefined) throw new Error('agent was not registered');
    return { agentId: registered.agent_id.value, connection, out };
  }

  subscribe(name: string, o: FrameworkOptions = {}): { frameworkId: string; streamId: string; out: MasterOutput[] } {
    const streamId = `stream-${++this.streams}`;
    const info = frameworkInfo(name, o);
    const call: Call = {
      type: 'SUBSCRIBE',
      subscribe: { framework_info: info },
      ...(o.id === undefined ? {} : { framework_id: { value: o.id } }),
    };
    const out = this.send({ kind: 'schedulerCall', streamId, call });
    const subscribed = events(out, 'SUBSCRIBED')[0];
    if (subscribed?.type !== 'SUBSCRIBED') throw new Error(`subscribe failed: ${JSON.stringify(out)}`);
    return { frameworkId: subscribed.subscribed.framework_id.value, streamId, out };
  }

  call(
    fw: { frameworkId: string; streamId: string },
    call: DistributiveOmit<Exclude<Call, { type: 'SUBSCRIBE' }>, 'framework_id'>,
  ): MasterOutput[] {
    return this.send({
      kind: 'schedulerCall',
      streamId: fw.streamId,
      call: { ...call, framework_id: { value: fw.frameworkId } } as Call,
    });
  }

  /** ACCEPT of one offer with LAUNCH of the given tasks. */
  launch(
    fw: { frameworkId: string; streamId: string },
    offer: Offer,
    tasks: TaskInfo[],
    refuseSeconds?: number,
  ): MasterOutput[] {
    return this.call(fw, {
      type: 'ACCEPT',
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }],
        ...(refuseSeconds === undefined ? {} : { filters: { refuse_seconds: refuseSeconds } }),
      },
    });
  }

  statusUpdate(connection: string, frameworkId: string, status: TaskStatus): MasterOutput[] {
    return this.send({ kind: 'statusUpdate', connection, update: { framework_id: { value: frameworkId }, status } });
  }
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function task(id: string, agentId: string, resources: string): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: agentId },
    resources: parseResourceText(resources),
    command: { value: 'sleep 1000', shell: true },
  };
}

export function events(out: MasterOutput[], type?: Event['type'], frameworkId?: string): Event[] {
  return out.flatMap((o) =>
    o.kind === 'toFramework' &&
    (type === undefined || o.event.type === type) &&
    (frameworkId === undefined || o.frameworkId === frameworkId)
      ? [o.event]
      : [],
  );
}

export function offers(out: MasterOutput[], frameworkId?: string): Offer[] {
  return events(out, 'OFFERS', frameworkId).flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : []));
}

export function updates(out: MasterOutput[], frameworkId?: string): TaskStatus[] {
  return events(out, 'UPDATE', frameworkId).flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));
}

export function agentMessages<T extends MasterToAgent['type']>(
  out: MasterOutput[],
  type: T,
): Extract<MasterToAgent, { type: T }>[] {
  return out.flatMap((o) =>
    o.kind === 'toAgent' && o.message.type === type ? [o.message as Extract<MasterToAgent, { type: T }>] : [],
  );
}

export function answers(out: MasterOutput[]): { status: number; message?: string }[] {
  return out.flatMap((o) =>
    o.kind === 'callAnswer' ? [{ status: o.status, ...(o.message === undefined ? {} : { message: o.message }) }] : [],
  );
}

export function logs(out: MasterOutput[]): string[] {
  return out.flatMap((o) => (o.kind === 'log' ? [o.message] : []));
}

export function only<T>(items: T[]): T {
  if (items.length !== 1) throw new Error(`expected exactly one, got ${items.length}: ${JSON.stringify(items)}`);
  return items[0] as T;
}
