// The `chronos` suite: 1,000 jobs due every minute for 5 minutes, all at the same second; lateness to launch and to
// TASK_RUNNING, starts missed or run twice (from each job's history), beside a setTimeout loop in one process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ChronosClient } from '../src/api/chronos.js';
import { MesosMasterClient, type TaskJson } from '../src/api/mesos.js';
import { BenchCluster } from './mesos.js';
import { markdownTable } from './report.js';
import { percentile } from './stats.js';

export interface ChronosSuiteOptions {
  log: (line: string) => void;
}

export interface LatenessFigures {
  /** ms from each due start to TASK_RUNNING (Chronos) or to the process's spawn (the loop), ascending. */
  latenessMs: number[];
  /** Starts with no run. */
  missed: number;
  /** Starts with more than one run. */
  doubled: number;
}

export interface ChronosFigures {
  jobs: number;
  runsPerJob: number;
  /** ms from each due start to its task's launch (ACCEPT), ascending; starts missed or run twice, by the histories. */
  launched: LatenessFigures;
  /** ms from each due start to TASK_RUNNING, for the tasks the leading master still knew when it was asked. */
  running: number[];
  loop: LatenessFigures;
}

const JOBS = 1_000;
const RUNS = 5;
const PERIOD_MS = 60_000;
const COMMAND = 'true';
/** The first start is this far ahead of the moment the jobs are being added (adding 1,000 takes a while). */
const LEAD_MS = 90_000;
/** The master keeps 1,000 finished tasks per framework: read them well before a minute's worth replaces them. */
const POLL_MS = 10_000;
/** How long after the last start the runs may still be coming. */
const SETTLE_MS = 60_000;
const ADD_CONCURRENCY = 16;

export async function runChronosSuite(options: ChronosSuiteOptions): Promise<ChronosFigures> {
  const { log } = options;
  log(`demo profile: 1 master, 2 agents, no Marathon, 1 Chronos; ${JOBS} jobs × ${RUNS} runs, one minute apart`);
  const cluster = await BenchCluster.up('demo', ['--masters', '1', '--schedulers', '0', '--chronos', '1']);
  let measured: { launched: LatenessFigures; running: number[] };
  try {
    measured = await measureChronos(cluster, log);
  } finally {
    await cluster.down();
  }
  log(`the same ${JOBS} commands × ${RUNS} with setTimeout in one Node process`);
  const loop = await measureLoop(log);
  return { jobs: JOBS, runsPerJob: RUNS, ...measured, loop };
}

/** The first whole minute at least LEAD_MS from now. */
function firstStart(): number {
  return Math.ceil((Date.now() + LEAD_MS) / PERIOD_MS) * PERIOD_MS;
}

async function measureChronos(
  cluster: BenchCluster,
  log: (line: string) => void,
): Promise<{ launched: LatenessFigures; running: number[] }> {
  const client = new ChronosClient(cluster.status.chronos ?? '');
  const master = new MesosMasterClient(cluster.masters[0] ?? '');
  const start = firstStart();
  const schedule = `R${RUNS}/${new Date(start).toISOString()}/PT1M`;
  const names = Array.from({ length: JOBS }, (_, i) => `bench-${String(i).padStart(4, '0')}`);
  await inBatches(names, (name) =>
    client.put({ name, command: COMMAND, schedule, cpus: 0.001, mem: 1, disk: 1, retries: 0 }),
  );
  log(`${JOBS} jobs added; the first start is at ${new Date(start).toISOString()}`);
  const frameworkId = cluster.status.chronosInstances?.find((c) => c.role === 'leading')?.frameworkId ?? undefined;
  const running = new Map<string, number>();
  const end = start + (RUNS - 1) * PERIOD_MS + SETTLE_MS;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    for (const task of (await master.tasks({ framework_id: frameworkId, limit: 3 * JOBS, order: 'desc' })).tasks)
      noteRunning(running, task);
    log(`${running.size} of ${JOBS * RUNS} runs seen running`);
  }
  const counts = new Map<string, number>();
  await inBatches(names, async (name) => {
    for (const task of await client.history(name)) bump(counts, occurrence(start, task.taskId));
  });
  const launched = count(names, counts, launches(cluster.paths.log('chronos-1'), start));
  return { launched, running: [...running].map(([taskId, at]) => at - dueStart(start, taskId)).sort((a, b) => a - b) };
}

/** `<job>#<k>`: the job of a task id and the index of the start it ran for (its due time falls in that minute). */
function occurrence(start: number, taskId: string): string {
  const [, due = '0', , job = ''] = taskId.split(':');
  return `${job}#${Math.floor((Number(due) - start) / PERIOD_MS)}`;
}

function dueStart(start: number, taskId: string): number {
  return start + Math.floor((Number(taskId.split(':')[1]) - start) / PERIOD_MS) * PERIOD_MS;
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** ms from each run's start to the log line of its launch (the first for its task id, a relaunch not counted). */
function launches(logFile: string, start: number): number[] {
  const seen = new Map<string, number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const record = line === '' ? null : (JSON.parse(line) as { time?: number; msg?: string });
    const taskId = /^Launching task (ct:\S+)/.exec(record?.msg ?? '')?.[1];
    if (taskId !== undefined && record?.time !== undefined && !seen.has(taskId)) seen.set(taskId, record.time);
  }
  return [...seen].map(([taskId, at]) => at - dueStart(start, taskId)).sort((a, b) => a - b);
}

function noteRunning(running: Map<string, number>, task: TaskJson): void {
  const at = task.statuses.find((s) => s.state === 'TASK_RUNNING')?.timestamp;
  if (at !== undefined && !running.has(task.id)) running.set(task.id, at * 1000);
}

function count(names: readonly string[], counts: ReadonlyMap<string, number>, lateness: number[]): LatenessFigures {
  let missed = 0;
  let doubled = 0;
  for (const name of names)
    for (let k = 0; k < RUNS; k++) {
      const n = counts.get(`${name}#${k}`) ?? 0;
      if (n === 0) missed += 1;
      if (n > 1) doubled += 1;
    }
  return { latenessMs: lateness.sort((a, b) => a - b), missed, doubled };
}

/** The baseline: one timer per job per minute, each spawning the command; lateness up to the process's spawn. */
async function measureLoop(log: (line: string) => void): Promise<LatenessFigures> {
  const start = Date.now() + 5_000;
  const names = Array.from({ length: JOBS }, (_, i) => `loop-${i}`);
  const counts = new Map<string, number>();
  const lateness: number[] = [];
  const runs: Promise<void>[] = [];
  for (const name of names)
    for (let k = 0; k < RUNS; k++) {
      const due = start + k * PERIOD_MS;
      runs.push(
        new Promise((resolve) => {
          setTimeout(() => {
            const child = spawn('/bin/sh', ['-c', COMMAND], { stdio: 'ignore' });
            child.once('spawn', () => {
              lateness.push(Date.now() - due);
              bump(counts, `${name}#${k}`);
            });
            child.once('close', () => resolve());
            child.once('error', () => resolve());
          }, due - Date.now());
        }),
      );
    }
  await Promise.all(runs);
  log(`the loop ran ${lateness.length} commands`);
  return count(names, counts, lateness);
}

async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += ADD_CONCURRENCY)
    await Promise.all(items.slice(i, i + ADD_CONCURRENCY).map(fn));
}

const ms = (v: number): string => `${Math.round(v)} ms`;

export function renderChronosReport(f: ChronosFigures): string {
  const row = (what: string, l: LatenessFigures): string[] => [
    what,
    ms(percentile(l.latenessMs, 0.5)),
    ms(percentile(l.latenessMs, 0.99)),
    ms(l.latenessMs.at(-1) ?? Number.NaN),
    String(l.missed),
    String(l.doubled),
  ];
  const clean = f.launched.missed === 0 && f.launched.doubled === 0;
  const running = { latenessMs: f.running, missed: f.launched.missed, doubled: f.launched.doubled };
  return [
    `## Chronos: ${f.jobs} jobs due every minute, ${f.runsPerJob} times each, all at the same second ` +
      '(demo profile, 2 agents)',
    '',
    ...markdownTable(
      'lateness from the due start',
      ['', 'p50', 'p99', 'max', 'missed', 'doubled'],
      [
        row('Chronos: → launched (ACCEPT sent)', f.launched),
        row(`Chronos: → TASK_RUNNING (${f.running.length} seen)`, running),
        row('setTimeout loop, one Node process: → process spawned', f.loop),
      ],
    ),
    `target: no start missed or run twice → ${clean ? 'met' : 'missed'}`,
  ].join('\n');
}
