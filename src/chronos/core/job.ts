// A Chronos job: its fields with Chronos 3's defaults, read from JSON as JobDeserializer reads it (parents make
// a dependent job; 2.x's epsilon and async are accepted and dropped) and written in JobSerializer's key order.
import {
  isObject,
  type Json,
  JobError,
  present,
  readArray,
  readBool,
  readDouble,
  readInt,
  readObject,
  readPairs,
  readText,
} from './json.js';

export interface FetchUri {
  uri: string;
  executable: boolean;
  cache: boolean;
  extract: boolean;
  output_file: string;
}

export interface Volume {
  containerPath: string;
  hostPath?: string;
  mode?: 'RW' | 'RO';
  external?: { name: string; provider: string; options: { key: string; value: string }[] };
}

export interface NetworkInfo {
  name: string;
  protocol?: 'IPv4' | 'IPv6';
  labels: { key: string; value: string }[];
  portMappings: { hostPort: number; containerPort: number; protocol: string }[];
}

export interface JobContainer {
  type: 'DOCKER' | 'MESOS';
  image: string;
  network: 'BRIDGE' | 'HOST' | 'USER';
  networkName?: string;
  networkInfos: NetworkInfo[];
  volumes: Volume[];
  forcePullImage: boolean;
  parameters: { key: string; value: string }[];
}

export type ConstraintOperator = 'EQUALS' | 'LIKE' | 'UNLIKE';
export type Constraint = [attribute: string, operator: ConstraintOperator, value: string];

interface JobFields {
  name: string;
  command: string;
  shell: boolean;
  executor: string;
  executorFlags: string;
  taskInfoData: string;
  retries: number;
  owner: string;
  ownerName: string;
  description: string;
  successCount: number;
  errorCount: number;
  /** Joda DateTime text in UTC, `''` when never. */
  lastSuccess: string;
  lastError: string;
  cpus: number;
  disk: number;
  mem: number;
  disabled: boolean;
  softError: boolean;
  dataProcessingJobType: boolean;
  errorsSinceLastSuccess: number;
  fetch: FetchUri[];
  uris: string[];
  environmentVariables: { name: string; value: string }[];
  arguments: string[];
  highPriority: boolean;
  runAsUser: string;
  concurrent: boolean;
  container: JobContainer | null;
  constraints: Constraint[];
}

export interface ScheduledJob extends JobFields {
  kind: 'scheduled';
  schedule: string;
  scheduleTimeZone: string;
}

export interface DependentJob extends JobFields {
  kind: 'dependent';
  /** Stored as a set: no duplicates, in the order first given. */
  parents: string[];
}

export type Job = ScheduledJob | DependentJob;

/** Chronos's flags that give jobs their defaults. */
export interface JobDefaults {
  /** --mesos_task_cpu / --mesos_task_mem / --mesos_task_disk: used when a job says 0 or nothing. */
  cpus: number;
  mem: number;
  disk: number;
  /** --user: the default runAsUser. */
  user: string;
}

export const CHRONOS_DEFAULTS: Omit<JobDefaults, 'user'> = { cpus: 0.1, mem: 128, disk: 256 };

/**
 * The job a body describes. `parents` (checked first) makes it dependent, else `schedule` a scheduled one;
 * neither is a job to run once now (`R1/<now>/PT24H`, `now` already formatted).
 */
export function readJob(body: unknown, o: { defaults: JobDefaults; runOnceSchedule: string }): Job {
  const j = readObject(body, 'the job');
  const fields = readFields(j, o.defaults);
  if (present(j.parents)) {
    const parents = [...new Set(readArray(j.parents, 'parents').map((p, i) => readText(p, `parents[${i}]`)))];
    return { ...fields, kind: 'dependent', parents };
  }
  return {
    ...fields,
    kind: 'scheduled',
    schedule: present(j.schedule) ? readText(j.schedule, 'schedule') : o.runOnceSchedule,
    scheduleTimeZone: readText(j.scheduleTimeZone, 'scheduleTimeZone'),
  };
}

function readFields(j: Json, d: JobDefaults): JobFields {
  const resource = (key: 'cpus' | 'mem' | 'disk'): number => readDouble(j[key], key, 0) || d[key];
  return {
    name: readText(j.name, 'name'),
    command: readText(j.command, 'command'),
    shell: readBool(j.shell, 'shell', true),
    executor: readText(j.executor, 'executor'),
    executorFlags: readText(j.executorFlags, 'executorFlags'),
    taskInfoData: readText(j.taskInfoData, 'taskInfoData'),
    retries: readInt(j.retries, 'retries', 2),
    owner: readText(j.owner, 'owner'),
    ownerName: readText(j.ownerName, 'ownerName'),
    description: readText(j.description, 'description'),
    successCount: readInt(j.successCount, 'successCount', 0),
    errorCount: readInt(j.errorCount, 'errorCount', 0),
    lastSuccess: readText(j.lastSuccess, 'lastSuccess'),
    lastError: readText(j.lastError, 'lastError'),
    cpus: resource('cpus'),
    disk: resource('disk'),
    mem: resource('mem'),
    disabled: readBool(j.disabled, 'disabled', false),
    softError: readBool(j.softError, 'softError', false),
    dataProcessingJobType: readBool(j.dataProcessingJobType, 'dataProcessingJobType', false),
    errorsSinceLastSuccess: readInt(j.errorsSinceLastSuccess, 'errorsSinceLastSuccess', 0),
    fetch: readArray(j.fetch, 'fetch').map((f, i) => readFetch(f, `fetch[${i}]`)),
    uris: readArray(j.uris, 'uris').map((u, i) => readText(u, `uris[${i}]`)),
    environmentVariables: readArray(j.environmentVariables, 'environmentVariables').map((raw, i) => {
      const v = readObject(raw, `environmentVariables[${i}]`);
      return {
        name: readText(v.name, `environmentVariables[${i}].name`),
        value: readText(v.value, `environmentVariables[${i}].value`),
      };
    }),
    arguments: readArray(j.arguments, 'arguments').map((a, i) => readText(a, `arguments[${i}]`)),
    highPriority: readBool(j.highPriority, 'highPriority', false),
    runAsUser: readText(j.runAsUser, 'runAsUser', d.user) || d.user,
    concurrent: readBool(j.concurrent, 'concurrent', false),
    container: isObject(j.container) && present(j.container.image) ? readContainer(j.container) : null,
    constraints: readArray(j.constraints, 'constraints').flatMap((c, i) => readConstraint(c, `constraints[${i}]`)),
  };
}

function readFetch(raw: unknown, field: string): FetchUri {
  const f = readObject(raw, field);
  return {
    uri: readText(f.uri, `${field}.uri`),
    executable: readBool(f.executable, `${field}.executable`, false),
    cache: readBool(f.cache, `${field}.cache`, false),
    extract: readBool(f.extract, `${field}.extract`, true),
    output_file: readText(f.output_file, `${field}.output_file`),
  };
}

/** `[attribute, operator, value]`; an operator Chronos does not know is dropped, as Chronos drops it. */
function readConstraint(raw: unknown, field: string): Constraint[] {
  const parts = readArray(raw, field).map((p, i) => readText(p, `${field}[${i}]`));
  const [attribute, operator, value] = parts;
  if (parts.length !== 3 || attribute === undefined || value === undefined)
    throw new JobError(`${field} must be [attribute, operator, value]`);
  if (operator !== 'EQUALS' && operator !== 'LIKE' && operator !== 'UNLIKE') return [];
  if (operator !== 'EQUALS' && !isRegex(value)) throw new JobError(`${field}: '${value}' is not a valid regex`);
  return [[attribute, operator, value]];
}

function isRegex(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

function readContainer(c: Json): JobContainer {
  const type = readText(c.type, 'container.type', 'DOCKER').toUpperCase();
  if (type !== 'DOCKER' && type !== 'MESOS') throw new JobError('container.type must be DOCKER or MESOS');
  const network = readText(c.network, 'container.network', 'HOST');
  if (network !== 'BRIDGE' && network !== 'HOST' && network !== 'USER')
    throw new JobError('container.network must be BRIDGE, HOST or USER');
  return {
    type,
    image: readText(c.image, 'container.image'),
    network,
    ...(present(c.networkName) ? { networkName: readText(c.networkName, 'container.networkName') } : {}),
    networkInfos: readArray(c.networkInfos, 'container.networkInfos').map((n, i) =>
      readNetworkInfo(n, `container.networkInfos[${i}]`),
    ),
    volumes: readArray(c.volumes, 'container.volumes').map((v, i) => readVolume(v, `container.volumes[${i}]`)),
    forcePullImage: readBool(c.forcePullImage, 'container.forcePullImage', false),
    parameters: readPairs(c.parameters, 'container.parameters'),
  };
}

function readVolume(raw: unknown, field: string): Volume {
  const v = readObject(raw, field);
  const mode = present(v.mode) ? readText(v.mode, `${field}.mode`).toUpperCase() : undefined;
  if (mode !== undefined && mode !== 'RW' && mode !== 'RO') throw new JobError(`${field}.mode must be RW or RO`);
  const external = present(v.external) ? readObject(v.external, `${field}.external`) : undefined;
  return {
    containerPath: readText(v.containerPath, `${field}.containerPath`),
    ...(present(v.hostPath) ? { hostPath: readText(v.hostPath, `${field}.hostPath`) } : {}),
    ...(mode === undefined ? {} : { mode }),
    ...(external === undefined
      ? {}
      : {
          external: {
            name: readText(external.name, `${field}.external.name`),
            provider: readText(external.provider, `${field}.external.provider`),
            options: readPairs(external.options, `${field}.external.options`),
          },
        }),
  };
}

function readNetworkInfo(raw: unknown, field: string): NetworkInfo {
  const n = readObject(raw, field);
  const protocol = present(n.protocol) ? readText(n.protocol, `${field}.protocol`) : undefined;
  if (protocol !== undefined && protocol !== 'IPv4' && protocol !== 'IPv6')
    throw new JobError(`${field}.protocol must be IPv4 or IPv6`);
  return {
    name: readText(n.name, `${field}.name`),
    ...(protocol === undefined ? {} : { protocol }),
    labels: readPairs(n.labels, `${field}.labels`),
    portMappings: readArray(n.portMappings, `${field}.portMappings`).map((raw, i) => {
      const m = readObject(raw, `${field}.portMappings[${i}]`);
      return {
        hostPort: readInt(m.hostPort, `${field}.portMappings[${i}].hostPort`, 0),
        containerPort: readInt(m.containerPort, `${field}.portMappings[${i}].containerPort`, 0),
        protocol: readText(m.protocol, `${field}.portMappings[${i}].protocol`, 'tcp'),
      };
    }),
  };
}

/** The job as Chronos 3 writes it: every field, in JobSerializer's order, then `parents` or the schedule. */
export function writeJob(job: Job): Json {
  return {
    name: job.name,
    command: job.command,
    shell: job.shell,
    executor: job.executor,
    executorFlags: job.executorFlags,
    taskInfoData: job.taskInfoData,
    retries: job.retries,
    owner: job.owner,
    ownerName: job.ownerName,
    description: job.description,
    successCount: job.successCount,
    errorCount: job.errorCount,
    lastSuccess: job.lastSuccess,
    lastError: job.lastError,
    cpus: job.cpus,
    disk: job.disk,
    mem: job.mem,
    disabled: job.disabled,
    softError: job.softError,
    dataProcessingJobType: job.dataProcessingJobType,
    errorsSinceLastSuccess: job.errorsSinceLastSuccess,
    fetch: job.fetch.map(({ output_file, ...rest }) => (output_file === '' ? rest : { ...rest, output_file })),
    uris: job.uris,
    environmentVariables: job.environmentVariables,
    arguments: job.arguments,
    highPriority: job.highPriority,
    runAsUser: job.runAsUser,
    concurrent: job.concurrent,
    ...(job.container === null ? {} : { container: writeContainer(job.container) }),
    constraints: job.constraints,
    ...(job.kind === 'dependent'
      ? { parents: job.parents }
      : { schedule: job.schedule, scheduleTimeZone: job.scheduleTimeZone }),
  };
}

function writeContainer(c: JobContainer): Json {
  return {
    type: c.type,
    image: c.image,
    network: c.network,
    ...(c.networkName === undefined ? {} : { networkName: c.networkName }),
    networkInfos: c.networkInfos.map((n) => ({
      ...n,
      portMappings: n.portMappings.map((m) => ({
        hostPort: String(m.hostPort),
        containerPort: String(m.containerPort),
        protocol: m.protocol,
      })),
    })),
    volumes: c.volumes,
    forcePullImage: c.forcePullImage,
    parameters: c.parameters,
  };
}

/**
 * The fields a dependent child keeps when the scheduled parent it depends on is deleted: it becomes a scheduled
 * job on the parent's schedule, and every other field takes its default (Chronos's JobManagementResource.delete).
 */
export function orphanedChild(child: Job, parent: ScheduledJob, defaults: JobDefaults): ScheduledJob {
  const fresh = readJob({ name: child.name }, { defaults, runOnceSchedule: parent.schedule });
  const kept = {
    command: child.command,
    successCount: child.successCount,
    errorCount: child.errorCount,
    errorsSinceLastSuccess: child.errorsSinceLastSuccess,
    executor: child.executor,
    executorFlags: child.executorFlags,
    taskInfoData: child.taskInfoData,
    retries: child.retries,
    owner: child.owner,
    lastError: child.lastError,
    lastSuccess: child.lastSuccess,
    cpus: child.cpus,
    disk: child.disk,
    mem: child.mem,
    disabled: child.disabled,
    softError: child.softError,
    uris: child.uris,
    fetch: child.fetch,
    highPriority: child.highPriority,
  };
  return {
    ...(fresh as ScheduledJob),
    ...kept,
    kind: 'scheduled',
    schedule: parent.schedule,
    scheduleTimeZone: parent.scheduleTimeZone,
  };
}
