// A job's tasks as Chronos builds them: ids `ct:<due>:<attempt>:<job>:<arguments>`, whether an offer holds
// the job's cpus, mem and disk and meets its constraints, and the TaskInfo with Chronos's environment.
import type { CommandInfo, ContainerInfo, Offer, Resource, TaskInfo } from '../../framework/mesos-types.js';
import type { Constraint, Job } from './job.js';

const TASK_ID = /^ct:(\d+):(\d+):([\w.-]+):?(.*)$/s;

export interface TaskIdParts {
  due: number;
  attempt: number;
  job: string;
  arguments: string;
}

export function taskIdOf(p: TaskIdParts): string {
  return `ct:${p.due}:${p.attempt}:${p.job}:${p.arguments}`;
}

/** The parts of a Chronos task id; null for ids Chronos would call "old or invalid". */
export function parseTaskId(id: string): TaskIdParts | null {
  const m = TASK_ID.exec(id);
  if (m === null) return null;
  return { due: Number(m[1]), attempt: Number(m[2]), job: m[3] ?? '', arguments: m[4] ?? '' };
}

/** cpus, mem and disk an offer has left for the framework's role (and the unreserved `*` ones). */
export interface Scalars {
  cpus: number;
  mem: number;
  disk: number;
}

export function offeredScalars(offer: Offer, role: string): Scalars {
  const left: Scalars = { cpus: 0, mem: 0, disk: 0 };
  for (const r of offer.resources) {
    const usable = r.type === 'SCALAR' && (r.role === undefined || r.role === '*' || r.role === role);
    if (usable && (r.name === 'cpus' || r.name === 'mem' || r.name === 'disk')) left[r.name] += r.scalar?.value ?? 0;
  }
  return left;
}

/** Whether the job fits what is left of an offer and the offer meets the job's constraints. */
export function fits(job: Job, offer: Offer, left: Scalars): boolean {
  const EPSILON = 1e-9;
  const enough = left.cpus + EPSILON >= job.cpus && left.mem + EPSILON >= job.mem && left.disk + EPSILON >= job.disk;
  return enough && job.constraints.every((c) => meets(c, offer));
}

export function takeScalars(left: Scalars, job: Job): Scalars {
  return { cpus: left.cpus - job.cpus, mem: left.mem - job.mem, disk: left.disk - job.disk };
}

/** EQUALS on text; LIKE and UNLIKE as full regex matches of text, scalars or any set item (never ranges). */
function meets([attribute, operator, value]: Constraint, offer: Offer): boolean {
  const values =
    attribute === 'hostname'
      ? [offer.hostname]
      : offer.attributes
          .filter((a) => a.name === attribute)
          .flatMap((a) => {
            if (a.type === 'TEXT') return [a.text?.value ?? ''];
            if (a.type === 'SCALAR') return [String(a.scalar?.value ?? 0)];
            if (a.type === 'SET') return a.set?.item ?? [];
            return [];
          });
  switch (operator) {
    case 'EQUALS':
      return values.includes(value);
    case 'LIKE':
      return values.some((v) => fullMatch(value, v));
    case 'UNLIKE':
      return !values.some((v) => fullMatch(value, v));
  }
}

function fullMatch(pattern: string, text: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(text);
}

export interface TaskRequest {
  job: Job;
  taskId: string;
  parts: TaskIdParts;
  offer: Offer;
  /** --mesos_role. */
  role: string;
}

export function taskInfoOf(r: TaskRequest): TaskInfo {
  const { job, offer } = r;
  const role = offer.allocation_info.role;
  const scalar = (name: string, value: number): Resource => ({
    name,
    type: 'SCALAR',
    scalar: { value },
    role: '*',
    allocation_info: { role },
  });
  const base: TaskInfo = {
    name: `ChronosTask:${job.name}`,
    task_id: { value: r.taskId },
    agent_id: offer.agent_id,
    resources: [scalar('cpus', job.cpus), scalar('mem', job.mem), scalar('disk', job.disk)],
  };
  const command = commandOf(r);
  const container = job.container === null ? undefined : containerOf(job);
  if (job.executor === '') return { ...base, command, ...(container === undefined ? {} : { container }) };
  return {
    ...base,
    executor: {
      executor_id: { value: job.name },
      command: { value: job.executor, shell: true, environment: command.environment ?? { variables: [] } },
      ...(container === undefined ? {} : { container }),
    },
    data: base64(job.taskInfoData !== '' ? job.taskInfoData : `${job.executorFlags}|${job.command}`),
  };
}

/**
 * The command: `sh -c "<command> <arguments>"` for shell jobs; with `shell: false` the command is the executable
 * and the arguments its argv. A command starting with http or ftp is fetched and run as `./<file name>`.
 */
function commandOf(r: TaskRequest): CommandInfo {
  const { job, parts } = r;
  const fetched = /^(https?|ftp):/.test(job.command);
  const executable = fetched ? `./${job.command.split('/').pop() ?? ''}` : job.command;
  const args = parts.arguments === '' ? [] : parts.arguments.split(/\s+/).filter((a) => a !== '');
  const uris = [
    ...(fetched ? [{ value: job.command, executable: true, extract: false }] : []),
    ...job.fetch.map((f) => ({
      value: f.uri,
      executable: f.executable,
      extract: f.extract,
      cache: f.cache,
      ...(f.output_file === '' ? {} : { output_file: f.output_file }),
    })),
    ...job.uris.map((value) => ({ value, extract: true })),
  ];
  return {
    ...(job.shell
      ? { value: parts.arguments === '' ? executable : `${executable} ${parts.arguments}`, shell: true }
      : { value: executable, shell: false, arguments: [executable, ...args] }),
    environment: { variables: environmentOf(r) },
    ...(uris.length === 0 ? {} : { uris }),
    user: job.runAsUser,
  };
}

/** Chronos's variables first; the job's own cannot override them. */
function environmentOf(r: TaskRequest): { name: string; value: string }[] {
  const { job, taskId, parts, offer } = r;
  const own: [string, string][] = [
    ['mesos_task_id', taskId],
    ['MESOS_TASK_ID', taskId],
    ['CHRONOS_JOB_OWNER', job.owner],
    ['CHRONOS_JOB_NAME', job.name],
    ['HOST', offer.hostname],
    ['CHRONOS_RESOURCE_MEM', javaDouble(job.mem)],
    ['CHRONOS_RESOURCE_CPU', javaDouble(job.cpus)],
    ['CHRONOS_RESOURCE_DISK', javaDouble(job.disk)],
    ['CHRONOS_JOB_RUN_TIME', String(parts.due)],
    ['CHRONOS_JOB_RUN_ATTEMPT', String(parts.attempt)],
  ];
  const taken = new Set(own.map(([name]) => name));
  const extra = job.environmentVariables.filter((v) => !taken.has(v.name)).map((v) => [v.name, v.value]);
  return [...own, ...extra].map(([name = '', value = '']) => ({ name, value }));
}

/** A double as Java prints it: `128.0`, `0.1`. */
function javaDouble(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function containerOf(job: Job): ContainerInfo | undefined {
  const c = job.container;
  if (c === null) return undefined;
  const networks = [
    ...(c.networkName === undefined ? [] : [{ name: c.networkName }]),
    ...c.networkInfos.map((n) => ({ name: n.name, labels: { labels: n.labels } })),
  ];
  return {
    type: 'DOCKER',
    docker: {
      image: c.image,
      network: c.network,
      force_pull_image: c.forcePullImage,
      ...(c.parameters.length === 0 ? {} : { parameters: c.parameters }),
    },
    ...(c.volumes.length === 0
      ? {}
      : {
          volumes: c.volumes.map((v) => ({
            container_path: v.containerPath,
            ...(v.hostPath === undefined ? {} : { host_path: v.hostPath }),
            mode: v.mode ?? 'RW',
          })),
        }),
    ...(networks.length === 0 ? {} : { network_infos: networks }),
  };
}

/** Base64 of UTF-8 text (v1 JSON carries bytes as base64). */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
