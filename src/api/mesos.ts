// Typed clients of a Mesos master: the read-only endpoints (following 307s to the leading master) and
// a minimal v1 scheduler: SUBSCRIBE yields the RecordIO event stream, calls carry the Mesos-Stream-Id.
import { MAX_RECORDIO_RECORD_BYTES } from '../common/limits.js';
import { RecordIODecoder, RecordIOError } from '../common/recordio.js';
import type { Call, Event, FrameworkInfo, MasterInfo } from '../master/core/v1.js';

export class MesosHttpError extends Error {
  override readonly name = 'MesosHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
export type ResourcesJson = Record<string, number | string>;

export interface TaskJson extends Json {
  id: string;
  name: string;
  framework_id: string;
  slave_id: string;
  state: string;
  resources: ResourcesJson;
  /** The role its resources are allocated to. */
  role: string;
  statuses: { state: string; timestamp: number }[];
}

export interface FrameworkJson extends Json {
  id: string;
  name: string;
  active: boolean;
  connected: boolean;
  recovered: boolean;
  tasks: TaskJson[];
  completed_tasks: TaskJson[];
  offers: Json[];
}

export interface AgentJson extends Json {
  id: string;
  hostname: string;
  pid: string;
  active: boolean;
  resources: ResourcesJson;
  used_resources: ResourcesJson;
}

export interface MasterStateJson extends Json {
  version: string;
  id: string;
  pid: string;
  hostname: string;
  leader?: string;
  leader_info?: { id: string; pid: string; port: number; hostname: string };
  activated_slaves: number;
  flags: Record<string, string>;
  slaves: AgentJson[];
  recovered_slaves: Json[];
  frameworks: FrameworkJson[];
  completed_frameworks: FrameworkJson[];
}

/** One role of `/master/roles` (Mesos 1.11): its weight, quota, what it holds and which frameworks use it. */
export interface RoleJson {
  name: string;
  weight: number;
  /** Guarantee and limit as Mesos's ResourceQuantities (only what is set); consumed: what the role holds. */
  quota: {
    role: string;
    guarantee: Record<string, number>;
    limit: Record<string, number>;
    consumed: Record<string, number>;
  };
  /** allocated + offered (Mesos keeps it for old clients). */
  resources: ResourcesJson;
  allocated: ResourcesJson;
  offered: ResourcesJson;
  reserved: ResourcesJson;
  frameworks: string[];
}

export interface RolesJson {
  roles: RoleJson[];
}

/** A machine as maintenance names it. */
export interface MachineIdJson {
  hostname?: string;
  ip?: string;
}

/** Machines that go down together, from `start` for `duration` (nanoseconds since the epoch, and long). */
export interface MaintenanceWindowJson {
  machine_ids: MachineIdJson[];
  unavailability: { start: { nanoseconds: number }; duration?: { nanoseconds: number } };
}

/** `/master/maintenance/schedule` (GET, and POST to replace it): Mesos leaves out an empty list, so nothing is `{}`. */
export interface MaintenanceScheduleJson {
  windows?: MaintenanceWindowJson[];
}

/** `/master/maintenance/status`: `{}` when no machine is draining or down. */
export interface MaintenanceStatusJson {
  draining_machines?: { id: MachineIdJson; statuses?: { framework_id: { value: string }; status: string }[] }[];
  down_machines?: MachineIdJson[];
}

export interface TasksQuery {
  framework_id?: string;
  task_id?: string;
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
}

/** The endpoints of one master (or, through its redirects, of the leading master). */
export class MesosMasterClient {
  /** `url`: `http://host:port` of any master. */
  constructor(readonly url: string) {}

  state(): Promise<MasterStateJson> {
    return this.get('/master/state');
  }

  stateSummary(): Promise<Json> {
    return this.get('/master/state-summary');
  }

  frameworks(frameworkId?: string): Promise<{ frameworks: FrameworkJson[]; completed_frameworks: FrameworkJson[] }> {
    return this.get('/master/frameworks', { framework_id: frameworkId });
  }

  slaves(slaveId?: string): Promise<{ slaves: AgentJson[]; recovered_slaves: Json[] }> {
    return this.get('/master/slaves', { slave_id: slaveId });
  }

  tasks(query: TasksQuery = {}): Promise<{ tasks: TaskJson[] }> {
    return this.get('/master/tasks', { ...query });
  }

  roles(): Promise<RolesJson> {
    return this.get('/master/roles');
  }

  maintenanceSchedule(): Promise<MaintenanceScheduleJson> {
    return this.get('/master/maintenance/schedule');
  }

  maintenanceStatus(): Promise<MaintenanceStatusJson> {
    return this.get('/master/maintenance/status');
  }

  metrics(): Promise<Record<string, number>> {
    return this.get('/metrics/snapshot');
  }

  version(): Promise<{ version: string; build_date: string; build_time: number; build_user: string }> {
    return this.get('/version');
  }

  flags(): Promise<{ flags: Record<string, string> }> {
    return this.get('/master/flags');
  }

  async health(): Promise<boolean> {
    return (await fetch(`${this.url}/master/health`)).ok;
  }

  /** `http://host:port` of the leading master by /master/redirect; null while none is elected. */
  async leader(): Promise<string | null> {
    const res = await fetch(`${this.url}/master/redirect`, { redirect: 'manual' });
    if (res.status === 503) return null;
    const location = res.headers.get('location');
    if (res.status !== 307 || location === null)
      throw new MesosHttpError(res.status, `/master/redirect answered ${res.status}`);
    return new URL(location, this.url).origin;
  }

  private async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const search = params.size > 0 ? `?${params}` : '';
    const res = await fetch(`${this.url}${path}${search}`);
    if (!res.ok) throw new MesosHttpError(res.status, `${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
}

export interface SubscribeOptions {
  frameworkInfo: FrameworkInfo;
  /** Re-subscribe as this framework (after a scheduler or master failover). */
  frameworkId?: string;
  suppressedRoles?: string[];
}

/** A call of a subscribed framework; its framework_id is added by the subscription. */
export type CallWithoutFramework =
  Exclude<Call, { type: 'SUBSCRIBE' }> extends infer C ? (C extends unknown ? Omit<C, 'framework_id'> : never) : never;

const MAX_REDIRECTS = 5;
const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/** A v1 scheduler: subscribes through any master (following 307 to the leading master). */
export class SchedulerClient {
  /** `master`: `http://host:port` of any master. */
  constructor(private readonly options: { master: string }) {}

  /** SUBSCRIBE; resolves once SUBSCRIBED arrives. Throws MesosHttpError when refused. */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const { frameworkInfo, frameworkId, suppressedRoles } = options;
    const call: Call = {
      type: 'SUBSCRIBE',
      subscribe: {
        framework_info: frameworkId === undefined ? frameworkInfo : { ...frameworkInfo, id: { value: frameworkId } },
        ...(suppressedRoles === undefined ? {} : { suppressed_roles: suppressedRoles }),
      },
      ...(frameworkId === undefined ? {} : { framework_id: { value: frameworkId } }),
    };
    const abort = new AbortController();
    const { res, master } = await post(this.options.master, call, {}, abort.signal);
    const streamId = res.headers.get('mesos-stream-id');
    if (streamId === null || res.body === null)
      throw new MesosHttpError(res.status, 'SUBSCRIBE answered without a Mesos-Stream-Id');
    const events = readEvents(res.body);
    const first = await events.next();
    if (first.done === true || first.value.type !== 'SUBSCRIBED') {
      abort.abort();
      const message =
        first.done !== true && first.value.type === 'ERROR' ? first.value.error.message : 'no SUBSCRIBED event';
      throw new MesosHttpError(res.status, `SUBSCRIBE failed: ${message}`);
    }
    return new Subscription({ master, streamId, subscribed: first.value.subscribed, events, abort });
  }
}

export class Subscription {
  readonly master: string;
  readonly streamId: string;
  readonly frameworkId: string;
  readonly heartbeatIntervalSeconds: number;
  readonly masterInfo: MasterInfo;
  /** The events after SUBSCRIBED, until the stream ends. */
  readonly events: AsyncGenerator<Event>;
  private readonly abort: AbortController;

  constructor(o: {
    master: string;
    streamId: string;
    subscribed: Extract<Event, { type: 'SUBSCRIBED' }>['subscribed'];
    events: AsyncGenerator<Event>;
    abort: AbortController;
  }) {
    this.master = o.master;
    this.streamId = o.streamId;
    this.frameworkId = o.subscribed.framework_id.value;
    this.heartbeatIntervalSeconds = o.subscribed.heartbeat_interval_seconds;
    this.masterInfo = o.subscribed.master_info;
    this.events = o.events;
    this.abort = o.abort;
  }

  /** A call of this framework on this stream; resolves on 202, throws MesosHttpError otherwise. */
  async call(call: CallWithoutFramework): Promise<void> {
    const full = { ...call, framework_id: { value: this.frameworkId } } as Call;
    await post(this.master, full, { 'Mesos-Stream-Id': this.streamId });
  }

  /** Closes the event stream (the master then sees the framework disconnect). */
  close(): void {
    this.abort.abort();
  }
}

/** POSTs a call to /api/v1/scheduler, following 307s; resolves with the 2xx response and the master that gave it. */
async function post(
  master: string,
  call: Call,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ res: Response; master: string }> {
  let base = master;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await fetch(`${base}/api/v1/scheduler`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...headers },
      body: JSON.stringify(call),
      redirect: 'manual',
      signal: signal ?? null,
    });
    const location = res.headers.get('location');
    if (res.status === 307 && location !== null) {
      base = new URL(location, base).origin;
      continue;
    }
    if (res.status < 200 || res.status > 299)
      throw new MesosHttpError(res.status, (await res.text()) || `${call.type} answered ${res.status}`);
    return { res, master: base };
  }
  throw new MesosHttpError(307, `${call.type}: more than ${MAX_REDIRECTS} redirects`);
}

/** Events of a stream until it ends (closed, aborted or the connection lost). */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<Event> {
  const decoder = new RecordIODecoder({ maxRecordBytes: MAX_RECORDIO_RECORD_BYTES });
  const chunks = body[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await chunks.next();
    } catch {
      return;
    }
    if (next.done === true) break;
    for (const record of decoder.push(next.value)) yield JSON.parse(record) as Event;
  }
  if (decoder.pendingBytes > 0) throw new RecordIOError('the event stream ended inside a record');
}
