// Job JSON: Chronos 3's defaults and key order, the lenient reading of numbers and booleans, containers and
// constraints, and the answers the example jobs under test/fixtures/chronos get from POST /iso8601 and /dependency.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChronosCore } from '../../../src/chronos/core/chronos.js';
import type { Endpoint } from '../../../src/chronos/core/job-checks.js';
import { readJob, writeJob } from '../../../src/chronos/core/job.js';
import { chronosOptions, launchesOf, offerOf, writesOf } from '../../helpers/chronos-sim.js';
import { FIXTURES } from '../../helpers/repo.js';

const NOW = Date.parse('2030-03-01T12:00:00.000Z');
const DEFAULTS = { cpus: 0.1, mem: 128, disk: 256, user: 'nobody' };

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES, 'chronos', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

function newCore(): ChronosCore {
  const core = new ChronosCore({ options: chronosOptions({ defaults: DEFAULTS }) });
  core.input({ type: 'subscribed', frameworkId: 'fw-1', master: 'http://m', now: NOW });
  return core;
}

function put(core: ChronosCore, body: unknown, endpoint: Endpoint, now = NOW) {
  return core.putJob({ body, endpoint, now });
}

describe('reading and writing jobs', () => {
  it('fills in Chronos 3 defaults and writes every field in JobSerializer order', () => {
    const job = readJob({ name: 'x', schedule: 'R//PT1H' }, { defaults: DEFAULTS, runOnceSchedule: '' });
    expect(Object.entries(writeJob(job))).toEqual([
      ['name', 'x'],
      ['command', ''],
      ['shell', true],
      ['executor', ''],
      ['executorFlags', ''],
      ['taskInfoData', ''],
      ['retries', 2],
      ['owner', ''],
      ['ownerName', ''],
      ['description', ''],
      ['successCount', 0],
      ['errorCount', 0],
      ['lastSuccess', ''],
      ['lastError', ''],
      ['cpus', 0.1],
      ['disk', 256],
      ['mem', 128],
      ['disabled', false],
      ['softError', false],
      ['dataProcessingJobType', false],
      ['errorsSinceLastSuccess', 0],
      ['fetch', []],
      ['uris', []],
      ['environmentVariables', []],
      ['arguments', []],
      ['highPriority', false],
      ['runAsUser', 'nobody'],
      ['concurrent', false],
      ['constraints', []],
      ['schedule', 'R//PT1H'],
      ['scheduleTimeZone', ''],
    ]);
  });

  it('reads numbers and booleans given as strings, and ints truncated, as Jackson does', () => {
    const job = readJob(
      { name: 'x', schedule: 'R//PT1H', cpus: '0.5', mem: 0, retries: '3.9', shell: 'false', disabled: 1 },
      { defaults: DEFAULTS, runOnceSchedule: '' },
    );
    expect(job).toMatchObject({ cpus: 0.5, mem: 128, retries: 3, shell: false, disabled: true });
  });

  it('reads a container only when it has an image, upper-casing type and volume modes', () => {
    const job = readJob(fixture('docker-job'), { defaults: DEFAULTS, runOnceSchedule: '' });
    expect(job.container).toEqual({
      type: 'DOCKER',
      image: 'alpine:3.19',
      network: 'BRIDGE',
      networkInfos: [],
      volumes: [{ containerPath: '/config', hostPath: '/etc/smoke', mode: 'RO' }],
      forcePullImage: true,
      parameters: [{ key: 'memory-swap', value: '-1' }],
    });
    expect(job.constraints).toEqual([['hostname', 'LIKE', 'host-.*']]);
    const noImage = readJob({ name: 'x', container: { type: 'DOCKER' } }, { defaults: DEFAULTS, runOnceSchedule: '' });
    expect(noImage.container).toBeNull();
  });

  it('writes only output_file values that are set, and network ports as strings', () => {
    const job = readJob(
      {
        name: 'x',
        fetch: [{ uri: 'http://a/b.tgz' }, { uri: 'http://a/c', output_file: 'c.sh', executable: true }],
        container: {
          image: 'busybox',
          networkInfos: [{ name: 'n', portMappings: [{ hostPort: 8080, containerPort: 80 }] }],
        },
      },
      { defaults: DEFAULTS, runOnceSchedule: 'R1//PT24H' },
    );
    const json = writeJob(job);
    expect(json.fetch).toEqual([
      { uri: 'http://a/b.tgz', executable: false, cache: false, extract: true },
      { uri: 'http://a/c', executable: true, cache: false, extract: true, output_file: 'c.sh' },
    ]);
    expect((json.container as { networkInfos: unknown[] }).networkInfos).toEqual([
      { name: 'n', labels: [], portMappings: [{ hostPort: '8080', containerPort: '80', protocol: 'tcp' }] },
    ]);
  });
});

describe('the example jobs', () => {
  it('a scheduled job with a past start is stored as given and runs at once', () => {
    const core = newCore();
    expect(put(core, fixture('every-minute'), 'iso8601').reply).toEqual({ ok: true });
    expect(core.job('disk-usage-sample')).toMatchObject({ cpus: 0.05, mem: 16, disk: 8, retries: 0 });
    const effects = core.input({ type: 'tick', now: NOW + 100 });
    expect(effects.some((e) => e.type === 'call' && e.call.type === 'REVIVE')).toBe(true);
    const launched = core.input({ type: 'offers', offers: [offerOf({ id: 'o1', agentId: 'a1' })], now: NOW + 150 });
    expect(launchesOf(launched).map((t) => t.task_id.value)).toEqual([`ct:${NOW + 100}:0:disk-usage-sample:`]);
    expect(core.job('disk-usage-sample')).toMatchObject({ schedule: 'R/2030-03-01T12:01:00.000Z/PT1M' });
  });

  it('a finite job in Europe/Berlin keeps 02:30 local, counts R3 down, and is disabled after its third success', () => {
    const core = newCore();
    expect(put(core, fixture('finite-berlin'), 'iso8601').reply).toEqual({ ok: true });
    expect(core.job('month-end-close')).toMatchObject({ cpus: 0.25, disk: 256 });
    const starts: string[] = [];
    let now = Date.parse('2031-03-29T00:00:00Z');
    for (let run = 1; run <= 3; run++) {
      const due = core.nextRunAt('month-end-close', now) ?? 0;
      starts.push(new Date(due).toISOString());
      now = due + 1000;
      core.input({ type: 'tick', now });
      const [task] = launchesOf(
        core.input({ type: 'offers', offers: [offerOf({ id: `o${run}`, agentId: 'a1' })], now }),
      );
      const finish = { task_id: task?.task_id ?? { value: '' }, agent_id: { value: 'a1' }, uuid: `u${run}` } as const;
      core.input({ type: 'update', status: { ...finish, state: 'TASK_FINISHED' }, now: now + 5000 });
    }
    expect(starts).toEqual(['2031-03-29T01:30:00.000Z', '2031-03-30T01:30:00.000Z', '2031-03-31T00:30:00.000Z']);
    expect(core.job('month-end-close')).toMatchObject({
      schedule: 'R0/2031-04-01T02:30:00.000+02:00/P1D',
      disabled: true,
      successCount: 3,
    });
  });

  it('a dependent job with two parents is stored with its parents once each', () => {
    const core = newCore();
    put(core, fixture('every-minute'), 'iso8601');
    put(core, fixture('finite-berlin'), 'iso8601');
    expect(put(core, fixture('after-two-parents'), 'dependency').reply).toEqual({ ok: true });
    expect(core.job('publish-dashboard')).toMatchObject({
      kind: 'dependent',
      parents: ['disk-usage-sample', 'month-end-close'],
      softError: true,
    });
    expect(core.summary().find((j) => j.name === 'publish-dashboard')).toEqual({
      name: 'publish-dashboard',
      status: 'fresh',
      state: 'idle',
      schedule: '',
      parents: ['disk-usage-sample', 'month-end-close'],
      disabled: false,
    });
  });

  it('a dependent job whose parents do not exist is refused, not stored out of sight', () => {
    const reply = put(newCore(), fixture('after-two-parents'), 'dependency').reply;
    expect(reply).toEqual({
      ok: false,
      status: 400,
      body: {
        message:
          'requirement failed: Job publish-dashboard does not have all parents defined! Missing: disk-usage-sample, month-end-close',
        status: 'Bad Request',
      },
    });
  });

  it('a Docker job with an empty start runs at once, then its start is the launch less a second plus the period', () => {
    const core = newCore();
    expect(put(core, fixture('docker-job'), 'iso8601').reply).toEqual({ ok: true });
    core.input({ type: 'tick', now: NOW + 10 });
    const [task] = launchesOf(
      core.input({ type: 'offers', offers: [offerOf({ id: 'o1', agentId: 'a1' })], now: NOW + 20 }),
    );
    expect(core.job('image-smoke-test')).toMatchObject({ schedule: 'R/2030-03-01T13:59:59.020Z/PT2H' });
    expect(task?.container).toEqual({
      type: 'DOCKER',
      docker: {
        image: 'alpine:3.19',
        network: 'BRIDGE',
        force_pull_image: true,
        parameters: [{ key: 'memory-swap', value: '-1' }],
      },
      volumes: [{ container_path: '/config', host_path: '/etc/smoke', mode: 'RO' }],
    });
    const env = Object.fromEntries((task?.command?.environment?.variables ?? []).map((v) => [v.name, v.value]));
    expect(env).toMatchObject({
      mesos_task_id: `ct:${NOW + 10}:0:image-smoke-test:`,
      MESOS_TASK_ID: `ct:${NOW + 10}:0:image-smoke-test:`,
      CHRONOS_JOB_NAME: 'image-smoke-test',
      CHRONOS_JOB_OWNER: '',
      HOST: 'host-a1',
      CHRONOS_RESOURCE_MEM: '96.0',
      CHRONOS_RESOURCE_CPU: '0.5',
      CHRONOS_RESOURCE_DISK: '64.0',
      CHRONOS_JOB_RUN_TIME: String(NOW + 10),
      CHRONOS_JOB_RUN_ATTEMPT: '0',
      MODE: 'smoke',
    });
    expect(task?.command).toMatchObject({ value: 'cat /config/settings && echo $MODE', shell: true, user: 'nobody' });
    expect(task?.name).toBe('ChronosTask:image-smoke-test');
  });

  it('a 2.x job is accepted; async and epsilon are dropped, not echoed', () => {
    const core = newCore();
    expect(put(core, fixture('legacy-async'), 'iso8601').reply).toEqual({ ok: true });
    const listed = core.listJobs().find((j) => j.name === 'legacy-callback') ?? {};
    expect(listed).not.toHaveProperty('async');
    expect(listed).not.toHaveProperty('epsilon');
  });

  it('a job with both schedule and parents is refused at both endpoints and nothing is written', () => {
    const core = newCore();
    put(core, fixture('every-minute'), 'iso8601');
    for (const endpoint of ['iso8601', 'dependency'] as const) {
      const output = put(core, fixture('invalid-schedule-and-parents'), endpoint);
      expect(output.effects).toEqual([]);
      expect(output.reply).toMatchObject({ ok: false, status: 400, body: { status: 'Bad Request' } });
      if (!output.reply.ok) expect(output.reply.body.message).toContain('schedule and parents are mutually exclusive');
    }
    expect(core.job('cannot-be-both')).toBeUndefined();
  });
});

describe('refused jobs', () => {
  const refused = (body: unknown, endpoint: Endpoint = 'iso8601'): string => {
    const core = newCore();
    put(core, { name: 'parent', schedule: 'R//PT1H' }, 'iso8601');
    const output = put(core, body, endpoint);
    expect(output.effects).toEqual([]);
    if (output.reply.ok) throw new Error('accepted');
    expect(output.reply.status).toBe(400);
    return output.reply.body.message;
  };

  it('answer 400 in Chronos words', () => {
    expect(refused({ name: 'has space', schedule: 'R//PT1H' })).toBe(
      "requirement failed: the job's name is invalid. Allowed names: '([\\w\\.-]+)'",
    );
    expect(refused({ name: 'x', schedule: 'R/tomorrow/PT1H' })).toBe(
      "Cannot parse schedule 'R/tomorrow/PT1H' (wtf bro)",
    );
    expect(refused({ name: 'x', schedule: 'R/1969-12-31T00:00:00Z/PT1H' })).toBe(
      "Scheduled start date '1969-12-31T00:00:00Z' is before 1970!",
    );
    expect(refused({ name: 'x', schedule: 'R//PT1H', uris: ['http://a'], fetch: [{ uri: 'http://b' }] })).toBe(
      'Tried to add both uri (deprecated) and fetch parameters on x',
    );
    expect(refused({ name: 'x', parents: [] }, 'dependency')).toBe('Error, parent does not exist');
  });

  it('answer 400 for what Chronos 3 takes but cannot run: cycles, self-parents, forever with no period, bad types', () => {
    const core = newCore();
    put(core, { name: 'a', schedule: 'R//PT1H' }, 'iso8601');
    put(core, { name: 'b', parents: ['a'] }, 'dependency');
    put(core, { name: 'c', parents: ['b'] }, 'dependency');
    const cycle = put(core, { name: 'b', parents: ['c'] }, 'dependency').reply;
    expect(cycle).toMatchObject({
      status: 400,
      body: { message: "Job 'b' would close a dependency cycle: b -> c -> b" },
    });
    expect(refused({ name: 'self', parents: ['self'] }, 'dependency')).toBe(
      "Job 'self' would close a dependency cycle: self -> self",
    );
    expect(refused({ name: 'x', schedule: 'R/2030-01-01T00:00:00Z/P' })).toBe(
      "Schedule 'R/2030-01-01T00:00:00Z/P' repeats forever with a zero period",
    );
    expect(refused({ name: 'x', schedule: 'R//PT1H', environmentVariables: 'A=1' })).toBe(
      'environmentVariables must be an array',
    );
    expect(refused({ name: 'x', schedule: 'R//PT1H', cpus: 'lots' })).toBe('cpus must be a number');
    expect(refused({ name: 'x', parents: ['parent'] }, 'iso8601')).toBe(
      "Job 'x' has parents: dependent jobs go to /scheduler/dependency",
    );
    expect(refused({ name: 'x', schedule: 'R//PT1H' }, 'dependency')).toBe(
      "Job 'x' has no parents: scheduled jobs go to /scheduler/iso8601",
    );
    expect(refused([1, 2])).toBe('The request body must be a JSON object describing a job');
  });

  it('a job with neither schedule nor parents runs once now', () => {
    const core = newCore();
    expect(put(core, { name: 'once', command: 'true' }, 'iso8601').reply).toEqual({ ok: true });
    expect(core.job('once')).toMatchObject({ schedule: 'R1/2030-03-01T12:00:00.000Z/PT24H' });
    expect(writesOf(put(core, { name: 'once', command: 'true' }, 'iso8601').effects)).toHaveLength(1);
  });
});
