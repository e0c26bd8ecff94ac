// The Chronos REST API over HTTP, around a core whose Mesos side is simulated: every endpoint under /v1/scheduler
// and /scheduler with Chronos's status codes and bodies, bad input answered in Chronos's error shape with nothing
// stored, and a standby proxying to the leader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CHRONOS_BODY_BYTES } from '../../src/common/limits.js';
import { ChronosHarness, HARNESS_START, send, startChronosStandby } from '../helpers/chronos-harness.js';

const job = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  command: `echo ${name}`,
  schedule: 'R/2030-03-02T00:00:00Z/P1D',
  owner: 'ops@example.test',
  ...extra,
});

describe('the Chronos API', () => {
  let h: ChronosHarness;

  beforeAll(async () => {
    h = await ChronosHarness.start((task) => ({
      durationMs: task.command?.value?.includes('sleep') ? 600_000 : 2000,
      exit: task.command?.value?.includes('fail') ? 'TASK_FAILED' : 'TASK_FINISHED',
    }));
  });
  afterAll(() => h.close());

  it('creates and replaces jobs with POST or PUT under both prefixes, answering 204', async () => {
    expect((await h.send('POST', '/v1/scheduler/iso8601', job('extract'))).status).toBe(204);
    expect((await h.send('PUT', '/scheduler/iso8601', job('extract', { cpus: 0.2 }))).status).toBe(204);
    const dep = { name: 'transform', command: 'echo t', parents: ['extract'] };
    expect((await h.send('POST', '/v1/scheduler/dependency', dep)).status).toBe(204);
    expect((await h.send('PUT', '/scheduler/dependency', { ...dep, retries: 1 })).status).toBe(204);
    const got = await h.send('GET', '/v1/scheduler/job/extract');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ name: 'extract', cpus: 0.2, schedule: 'R/2030-03-02T00:00:00Z/P1D' });
    expect(Object.keys(got.body as object).slice(0, 3)).toEqual(['name', 'command', 'shell']);
    expect((await h.send('GET', '/scheduler/job/transform')).body).toMatchObject({ parents: ['extract'], retries: 1 });
  });

  it('answers a missing job with 400 in Chronos words', async () => {
    expect(await body('GET', '/v1/scheduler/job/nope')).toEqual({
      status: 400,
      body: { message: "requirement failed: Job 'nope' not found", status: 'Bad Request' },
    });
    expect((await body('DELETE', '/v1/scheduler/job/nope')).body).toEqual({
      message: "requirement failed: JobSchedule 'nope' not found",
      status: 'Bad Request',
    });
    expect((await body('DELETE', '/v1/scheduler/task/kill/nope')).status).toBe(400);
    expect((await body('PUT', '/v1/scheduler/job/nope')).status).toBe(400);
    expect((await body('GET', '/v1/scheduler/job/stat/nope')).status).toBe(400);
  });

  it('refuses bad bodies with a clear 400 (415, 413) and stores nothing', async () => {
    const before = (await h.send('GET', '/v1/scheduler/jobs')).text;
    expect(await body('POST', '/v1/scheduler/iso8601', '{"name": "x",')).toMatchObject({
      status: 400,
      body: { status: 'Bad Request' },
    });
    expect(await body('POST', '/v1/scheduler/iso8601', job('x', { schedule: 'every day' }))).toEqual({
      status: 400,
      body: { message: "Cannot parse schedule 'every day' (wtf bro)", status: 'Bad Request' },
    });
    const both = await body('POST', '/v1/scheduler/dependency', job('x', { parents: ['extract'] }));
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body)).toContain('mutually exclusive');
    const cycle = await body('PUT', '/v1/scheduler/dependency', { name: 'extract', parents: ['transform'] });
    expect(cycle.body).toEqual({
      message: "Job 'extract' would close a dependency cycle: extract -> transform -> extract",
      status: 'Bad Request',
    });
    const form = await h.send('POST', '/v1/scheduler/iso8601', 'name=x', { 'Content-Type': 'text/plain' });
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({ status: 'Unsupported Media Type' });
    const huge = await h.send(
      'POST',
      '/v1/scheduler/iso8601',
      job('x', { description: 'x'.repeat(MAX_CHRONOS_BODY_BYTES) }),
    );
    expect(huge.status).toBe(413);
    expect((await h.send('GET', '/v1/scheduler/jobs')).text).toBe(before);
    expect((await body('GET', '/v1/scheduler/nothing-here')).status).toBe(404);
  });

  it('lists, searches (10 by default) and summarises jobs', async () => {
    for (let i = 0; i < 11; i++)
      await h.send('POST', '/v1/scheduler/iso8601', job(`batch-${String(i).padStart(2, '0')}`));
    await h.send('POST', '/v1/scheduler/iso8601', job('fetcher', { uris: ['http://example.test/a.tgz'] }));
    const all = (await h.send('GET', '/v1/scheduler/jobs')).body as { name: string; fetch: unknown[] }[];
    expect(all.map((j) => j.name)).toContain('batch-10');
    expect(all.find((j) => j.name === 'fetcher')?.fetch).toEqual([
      { uri: 'http://example.test/a.tgz', executable: false, cache: false, extract: true },
    ]);
    const names = async (q: string): Promise<string[]> =>
      ((await h.send('GET', `/v1/scheduler/jobs/search${q}`)).body as { name: string }[]).map((j) => j.name);
    expect(await names('')).toHaveLength(10);
    expect(await names('?name=BATCH&limit=3&offset=9')).toEqual(['batch-09', 'batch-10']);
    expect(await names('?command=echo%20transform')).toEqual([]);
    expect(await names('?name=nomatch&any=zzz')).toEqual([]);
    expect(await names('?name=nomatch&any=TRANSFORM')).toEqual(['transform']);
    expect(await names('?name=nomatch&any=echo%20t')).toEqual(['transform']);
    expect((await h.send('GET', '/v1/scheduler/jobs/search?limit=-1')).status).toBe(400);
    const summary = (await h.send('GET', '/v1/scheduler/jobs/summary')).body as { jobs: unknown[] };
    expect(summary.jobs).toContainEqual({
      name: 'transform',
      status: 'fresh',
      state: 'idle',
      schedule: '',
      parents: ['extract'],
      disabled: false,
    });
  });

  it('runs a job now (PUT /job/{name}), tracks it, and kills it (DELETE /task/kill/{name})', async () => {
    await h.send('POST', '/v1/scheduler/iso8601', job('long', { command: 'sleep 600' }));
    expect((await h.send('PUT', '/v1/scheduler/job/long?arguments=--fast')).status).toBe(204);
    h.advance(2000);
    expect(h.sim.launches.map((l) => l.taskId)).toContain(`ct:${HARNESS_START + 500}:0:long:--fast`);
    const summary = (await h.send('GET', '/scheduler/jobs/summary')).body as {
      jobs: { name: string; state: string }[];
    };
    expect(summary.jobs.find((j) => j.name === 'long')?.state).toBe('1 running');
    const stat = (await h.send('GET', '/v1/scheduler/job/stat/long')).body as { taskStatHistory: unknown[] };
    expect(stat.taskStatHistory).toEqual([
      expect.objectContaining({ jobName: 'long', status: 'Running', endTime: 'N/A' }),
    ]);
    expect((await h.send('DELETE', '/v1/scheduler/task/kill/long')).status).toBe(204);
    h.advance(1000);
    expect(h.sim.liveTasks().filter((t) => t.job === 'long')).toEqual([]);
  });

  it('marks a job successful, runs its children, and keeps run times for stat and stats', async () => {
    const marked = await h.send('PUT', '/v1/scheduler/job/success/extract');
    expect(marked.status).toBe(200);
    expect(marked.text).toBe('marked job extract as successful: true');
    expect((await h.send('PUT', '/v1/scheduler/job/success/ghost')).text).toBe('marked job ghost as successful: false');
    h.advance(5000);
    expect(h.sim.launches.some((l) => l.job === 'transform')).toBe(true);
    const stat = (await h.send('GET', '/v1/scheduler/job/stat/transform')).body as {
      histogram: Record<string, number>;
      taskStatHistory: Record<string, string>[];
    };
    expect(Object.keys(stat.histogram)).toEqual([
      '99thPercentile',
      '98thPercentile',
      '95thPercentile',
      '75thPercentile',
      'median',
      'mean',
      'count',
    ]);
    expect(stat.histogram.count).toBe(1);
    expect(stat.taskStatHistory[0]).toMatchObject({ jobName: 'transform', status: 'Success', duration: '2s' });
    expect(stat.taskStatHistory[0]?.startTime).toMatch(/^03\/01\/30 12:00:\d\d$/);
    const stats = (await h.send('GET', '/v1/scheduler/stats/99thPercentile')).body as {
      jobNameLabel: string;
      time: number;
    }[];
    expect(stats[0]).toEqual({ jobNameLabel: 'transform', time: 2 });
    expect((await h.send('GET', '/v1/scheduler/stats/p42')).status).toBe(400);
    expect((await h.send('GET', '/scheduler/jobs')).body).toContainEqual(
      expect.objectContaining({ name: 'extract', successCount: 1, errorsSinceLastSuccess: 0 }),
    );
  });

  it('exports the graph as DOT and CSV', async () => {
    const dot = await h.send('GET', '/v1/scheduler/graph/dot');
    expect(dot.headers.get('content-type')).toMatch(/^text\/plain/);
    const ids = Object.fromEntries(
      [...dot.text.matchAll(/ {2}(\d+) \[ label="([^"]+)" \];/g)].map((m) => [m[2], m[1]]),
    );
    expect(dot.text.startsWith('digraph G {\n')).toBe(true);
    expect(dot.text).toContain(`  ${ids.extract} -> ${ids.transform};\n`);
    const csv = (await h.send('GET', '/scheduler/graph/csv')).text;
    expect(csv).toContain('node,extract,success,idle\n');
    expect(csv).toContain('node,transform,success,idle\n');
    expect(csv.endsWith('link,extract,transform\n')).toBe(true);
  });

  it('checks task progress requests (no Cassandra here)', async () => {
    await h.send('POST', '/v1/scheduler/iso8601', job('counter', { dataProcessingJobType: true }));
    const path = '/v1/scheduler/job/counter/task/ct:1:0:counter:/progress';
    expect((await h.send('POST', path, { numAdditionalElementsProcessed: 5 })).status).toBe(204);
    expect((await h.send('POST', path, { numAdditionalElementsProcessed: -1 })).status).toBe(400);
    expect((await h.send('POST', '/v1/scheduler/job/counter/task/bogus/progress', {})).status).toBe(400);
    expect((await h.send('POST', '/v1/scheduler/job/long/task/ct:1:0:long:/progress', {})).status).toBe(400);
  });

  it('deletes a job (204), its dependent children re-scheduled on its schedule', async () => {
    expect((await h.send('DELETE', '/v1/scheduler/job/extract')).status).toBe(204);
    expect((await h.send('GET', '/v1/scheduler/job/transform')).body).toMatchObject({
      schedule: 'R/2030-03-02T00:00:00Z/P1D',
    });
    expect((await h.send('GET', '/v1/scheduler/job/extract')).status).toBe(400);
  });

  it('answers ping, metrics and the leader outside the job resources', async () => {
    const ping = await h.send('GET', '/ping');
    expect(ping.text).toBe('pong\n');
    expect(ping.headers.get('cache-control')).toBe('must-revalidate,no-cache,no-store');
    const metrics = (await h.send('GET', '/metrics')).body as Record<string, unknown>;
    expect(Object.keys(metrics)).toEqual(['version', 'gauges', 'counters', 'histograms', 'meters', 'timers']);
    for (const path of ['/v1/scheduler/leader', '/scheduler/leader', '/leader'])
      expect((await h.send('GET', path)).body).toEqual({ leader: new URL(h.url).host });
  });

  it('is served by a standby through its leader, and a standby with no leader answers 503', async () => {
    const standby = await startChronosStandby(h.url);
    const orphan = await startChronosStandby(null);
    try {
      expect((await send(standby.url, 'POST', '/v1/scheduler/iso8601', job('via-standby'))).status).toBe(204);
      expect((await send(standby.url, 'GET', '/v1/scheduler/job/via-standby')).body).toMatchObject({
        name: 'via-standby',
      });
      expect((await send(standby.url, 'GET', '/scheduler/jobs')).text).toBe(
        (await h.send('GET', '/scheduler/jobs')).text,
      );
      expect((await send(standby.url, 'GET', '/v1/scheduler/leader')).body).toEqual({ leader: new URL(h.url).host });
      const none = await send(orphan.url, 'GET', '/v1/scheduler/jobs');
      expect(none).toMatchObject({ status: 503, body: { status: 'Service Unavailable' } });
      expect((await send(orphan.url, 'GET', '/v1/scheduler/leader')).status).toBe(404);
      expect((await send(orphan.url, 'GET', '/ping')).text).toBe('pong\n');
    } finally {
      await standby.close();
      await orphan.close();
    }
  });

  async function body(method: string, path: string, payload?: unknown): Promise<{ status: number; body: unknown }> {
    const sent = await h.send(method, path, payload);
    return { status: sent.status, body: sent.body };
  }
});
