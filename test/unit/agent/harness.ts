// Drives one AgentCore by hand for the unit tests: a clock, a registered link to a fake master,
// counters for ids, and pickers for the outputs (messages sent, launches, kills, checkpoint writes).
import { AgentCore } from '../../../src/agent/core/agent.js';
import type { AgentCoreOptions, AgentInput, AgentOutput, AgentTask } from '../../../src/agent/core/protocol.js';
import type { AgentToMaster, MasterToAgent } from '../../../src/master/core/protocol.js';
import { parseResourceText } from '../../../src/master/core/resources.js';
import type { FrameworkInfo, MasterInfo, TaskInfo } from '../../../src/master/core/v1.js';

export const MASTER: MasterInfo = {
  id: 'm1',
  ip: 16777343,
  port: 5050,
  pid: 'master@127.0.0.1:5050',
  hostname: 'localhost',
};
export const OTHER_MASTER: MasterInfo = {
  id: 'm2',
  ip: 16777343,
  port: 5051,
  pid: 'master@127.0.0.1:5051',
  hostname: 'localhost',
};

function coreOptions(over: Partial<AgentCoreOptions> = {}): AgentCoreOptions {
  let containers = 0;
  let uuids = 0;
  return {
    agentInfo: {
      hostname: 'localhost',
      port: 5051,
      resources: parseResourceText('cpus:2;mem:1024;disk:1000;ports:[31000-31099]'),
    },
    version: '1.11.0',
    workDir: '/var/lib/mesos',
    containerizers: ['docker', 'mesos'],
    ticks: {
      statusUpdateRetryMin: 10,
      statusUpdateRetryMax: 40,
      registrationBackoffMin: 2,
      registrationBackoffMax: 8,
      masterPingTimeout: 20,
    },
    defaultKillGraceMs: { mesos: 3000, docker: 5000 },
    ids: { containerId: () => `c${++containers}`, statusUuid: () => `u${++uuids}` },
    ...over,
  };
}

export const FRAMEWORK: FrameworkInfo = {
  user: 'root',
  name: 'marathon',
  id: { value: 'fw-1' },
  checkpoint: true,
  capabilities: [{ type: 'PARTITION_AWARE' }],
};

export function commandTask(id: string, over: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: 'a1' },
    resources: parseResourceText('cpus:0.1;mem:32;ports:[31000-31000]'),
    command: { value: 'sleep 100', shell: true },
    ...over,
  };
}

type Sent = Extract<AgentOutput, { kind: 'send' }>;
type WithoutTime<T> = T extends unknown ? Omit<T, 'now'> : never;

export class Harness {
  readonly core: AgentCore;
  now = 0;
  /** Every output so far, in order. */
  readonly log: AgentOutput[] = [];

  constructor(over: Partial<AgentCoreOptions> = {}) {
    this.core = new AgentCore(coreOptions(over));
  }

  send(input: WithoutTime<AgentInput>): AgentOutput[] {
    const out = this.core.handle({ ...input, now: this.now } as AgentInput);
    this.log.push(...out);
    return out;
  }

  ticks(n: number): AgentOutput[] {
    const out: AgentOutput[] = [];
    for (let i = 0; i < n; i++) {
      this.now += 50;
      out.push(...this.send({ kind: 'tick' }));
    }
    return out;
  }

  get connection(): string {
    const c = this.core.view().state.link.connection;
    if (c === null) throw new Error('no connection');
    return c;
  }

  fromMaster(message: MasterToAgent): AgentOutput[] {
    return this.send({ kind: 'message', connection: this.connection, message });
  }

  /** Detects MASTER, connects and answers the registration (REGISTERED with `agentId`, or REREGISTERED). */
  register(agentId = 'a1', master: MasterInfo = MASTER): AgentOutput[] {
    this.send({ kind: 'leaderDetected', master });
    const out = this.send({ kind: 'connected', connection: this.connection });
    const reregister = messages(out).some((m) => m.type === 'REREGISTER');
    return [
      ...out,
      ...this.fromMaster({
        type: reregister ? 'REREGISTERED' : 'REGISTERED',
        agent_id: { value: agentId },
        master_info: master,
      }),
    ];
  }

  run(task: TaskInfo, framework: FrameworkInfo = FRAMEWORK): AgentOutput[] {
    return this.fromMaster({ type: 'RUN_TASK', framework, task });
  }

  task(id: string): AgentTask {
    const task = this.core.view().state.tasks.get(`${FRAMEWORK.id?.value}/${id}`);
    if (task === undefined) throw new Error(`no task ${id}`);
    return task;
  }
}

export function messages(out: readonly AgentOutput[]): AgentToMaster[] {
  return out.filter((o): o is Sent => o.kind === 'send').map((o) => o.message);
}

export function updates(out: readonly AgentOutput[]): { state: string; uuid: string; latest?: string }[] {
  return messages(out).flatMap((m) =>
    m.type === 'STATUS_UPDATE'
      ? [
          {
            state: m.update.status.state,
            uuid: m.update.status.uuid ?? '',
            ...(m.update.latest_state === undefined ? {} : { latest: m.update.latest_state }),
          },
        ]
      : [],
  );
}

export function ofKind<K extends AgentOutput['kind']>(
  out: readonly AgentOutput[],
  kind: K,
): Extract<AgentOutput, { kind: K }>[] {
  return out.filter((o): o is Extract<AgentOutput, { kind: K }> => o.kind === kind);
}
