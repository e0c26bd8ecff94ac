// The `marathon` suite, through the Marathon API as a user drives it: POST → every instance
// TASK_RUNNING for 1 and 50 Docker instances beside a loop of bare `docker run` of the same count;
// scaling a process app 0 → 500; GET /v2/apps latency with 100 apps; and, with 500 apps of 4 KB beside
// a handful, GET /v2/apps latency and how long a deployment takes to start.
import { execa } from 'execa';
import { MarathonClient } from '../src/api/marathon.js';
import { ensureTestImage, probeDocker } from '../test/helpers/docker-image.js';
import { fleetApp } from '../test/helpers/fleet.js';
import { BenchCluster } from './mesos.js';
import { markdownTable } from './report.js';
import { median, percentile } from './stats.js';

export interface MarathonSuiteOptions {
  log: (line: string) => void;
}

export interface DockerLaunch {
  instances: number;
  /** ms from POST /v2/apps to every instance TASK_RUNNING (median over the runs). */
  marathonMs: number;
  /** ms of `docker run -d` of the same image, one after another, `instances` times (median over the runs). */
  bareLoopMs: number;
}

export interface MarathonFigures {
  docker: DockerLaunch[] | { skipped: string };
  /** ms from PUT instances 500 to 500 TASK_RUNNING. */
  scaleMs: number;
  scaleInstances: number;
  /** GET /v2/apps latencies (ms) with LIST_APPS apps. */
  listLatencyMs: number[];
  /** The same figures with a handful of apps and with FLEET_APPS more of 4 KB each. */
  fleet: { few: FleetFigures; many: FleetFigures };
}

export interface FleetFigures {
  apps: number;
  /** GET /v2/apps latencies (ms). */
  listMs: number[];
  /** ms from PUT of one app's new definition to the answer naming its deployment. */
  deployStartMs: number[];
}

const DOCKER_COUNTS = [1, 50];
/** A single launch is short and noisy: its figures are the medians of this many runs. */
const SINGLE_RUNS = 5;
const SCALE_INSTANCES = 500;
const LIST_APPS = 100;
const LIST_REQUESTS = 1_000;
const FLEET_APPS = 500;
const FLEET_LIST_REQUESTS = 200;
const DEPLOY_STARTS = 30;
const POLL_MS = 25;
const DEPLOY_TIMEOUT_MS = 300_000;
/** Small enough that 500 fit on the two agents of a demo cluster. */
const TINY = { cpus: 0.001, mem: 4, disk: 0 };

async function waitRunning(client: MarathonClient, appId: string, count: number): Promise<void> {
  const deadline = Date.now() + DEPLOY_TIMEOUT_MS;
  while (((await client.app(appId, [])).tasksRunning ?? 0) < count) {
    if (Date.now() > deadline)
      throw new Error(`${appId}: ${count} tasks not running within ${DEPLOY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function removeApp(client: MarathonClient, appId: string): Promise<void> {
  const { deploymentId } = await client.deleteApp(appId, { force: true });
  await client.waitForDeployment(deploymentId, { timeoutMs: DEPLOY_TIMEOUT_MS });
}

async function measureDocker(
  client: MarathonClient,
  log: (line: string) => void,
): Promise<DockerLaunch[] | { skipped: string }> {
  const docker = await probeDocker();
  if (!docker.ok) return { skipped: `no Docker engine is reachable (${docker.reason})` };
  const image = await ensureTestImage();
  const out: DockerLaunch[] = [];
  for (const instances of DOCKER_COUNTS) {
    const samples: { marathonMs: number; bareLoopMs: number }[] = [];
    for (let run = 1; run <= (instances === 1 ? SINGLE_RUNS : 1); run++) {
      const sample = await dockerSample(client, image, instances);
      log(
        `  ${instances} Docker instance(s), run ${run}: POST → all running ${sample.marathonMs} ms, docker run loop ${sample.bareLoopMs} ms`,
      );
      samples.push(sample);
    }
    out.push({
      instances,
      marathonMs: median(samples.map((x) => x.marathonMs)),
      bareLoopMs: median(samples.map((x) => x.bareLoopMs)),
    });
  }
  return out;
}

async function dockerSample(
  client: MarathonClient,
  image: string,
  instances: number,
): Promise<{ marathonMs: number; bareLoopMs: number }> {
  const id = `/bench-docker-${instances}`;
  const app = {
    id,
    cmd: 'sleep 600',
    instances,
    ...TINY,
    cpus: 0.01,
    container: { type: 'DOCKER', docker: { image } },
    networks: [{ mode: 'host' }],
    portDefinitions: [],
  };
  const started = Date.now();
  await client.createApp(app);
  await waitRunning(client, id, instances);
  const marathonMs = Date.now() - started;
  await removeApp(client, id);
  return { marathonMs, bareLoopMs: await bareDockerLoop(image, instances) };
}

/** ms of `instances` × `docker run -d` one after another (each until its container runs); then they go. */
async function bareDockerLoop(image: string, instances: number): Promise<number> {
  const ids: string[] = [];
  const started = Date.now();
  for (let i = 0; i < instances; i++)
    ids.push(
      (
        await execa('docker', ['run', '-d', '--network', 'host', '--entrypoint', '/bin/sh', image, '-c', 'sleep 600'])
      ).stdout.trim(),
    );
  const ms = Date.now() - started;
  await execa('docker', ['rm', '-f', ...ids]);
  return ms;
}

async function measureScale(client: MarathonClient, log: (line: string) => void): Promise<number> {
  const id = '/bench-scale';
  const created = await client.createApp({ id, cmd: 'sleep 600', instances: 0, ...TINY, portDefinitions: [] });
  await client.waitForDeployment(created.deploymentId, { timeoutMs: DEPLOY_TIMEOUT_MS });
  const started = Date.now();
  await client.putApp(id, { instances: SCALE_INSTANCES });
  await waitRunning(client, id, SCALE_INSTANCES);
  const ms = Date.now() - started;
  log(`  scale 0 → ${SCALE_INSTANCES} process instances: ${ms} ms`);
  await removeApp(client, id);
  return ms;
}

async function measureList(client: MarathonClient, log: (line: string) => void): Promise<number[]> {
  const ids = Array.from({ length: LIST_APPS }, (_, i) => `/bench-list/app-${i}`);
  const { deploymentId } = await client.putApps(ids.map((id) => ({ id, cmd: 'sleep 600', instances: 0, ...TINY })));
  await client.waitForDeployment(deploymentId, { timeoutMs: DEPLOY_TIMEOUT_MS });
  const latencies: number[] = [];
  for (let i = 0; i < LIST_REQUESTS; i++) {
    const started = performance.now();
    await client.apps();
    latencies.push(performance.now() - started);
  }
  log(
    `  GET /v2/apps with ${LIST_APPS} apps: p50 ${median(latencies).toFixed(1)} ms, p99 ${percentile(
      [...latencies].sort((a, b) => a - b),
      0.99,
    ).toFixed(1)} ms`,
  );
  return latencies;
}

/** GET /v2/apps latency and deployment start times as the cluster holds now. */
async function fleetFigures(client: MarathonClient, log: (line: string) => void): Promise<FleetFigures> {
  const apps = (await client.apps()).length;
  const deployStartMs: number[] = [];
  for (let i = 0; i < DEPLOY_STARTS; i++) {
    const started = performance.now();
    const { deploymentId } = await client.putApp('/bench-start', { cmd: `sleep ${600 + i}`, instances: 0, ...TINY });
    deployStartMs.push(performance.now() - started);
    await client.waitForDeployment(deploymentId, { timeoutMs: DEPLOY_TIMEOUT_MS });
  }
  const listMs: number[] = [];
  for (let i = 0; i < FLEET_LIST_REQUESTS; i++) {
    const started = performance.now();
    await client.apps();
    listMs.push(performance.now() - started);
  }
  const p99 = (v: number[]): string =>
    percentile(
      [...v].sort((a, b) => a - b),
      0.99,
    ).toFixed(1);
  log(`  ${apps} apps: GET /v2/apps p99 ${p99(listMs)} ms, deployment start p99 ${p99(deployStartMs)} ms`);
  return { apps, listMs, deployStartMs };
}

/** The fleet figures before and after adding FLEET_APPS apps of 4 KB. */
async function measureFleet(client: MarathonClient, log: (line: string) => void): Promise<MarathonFigures['fleet']> {
  const few = await fleetFigures(client, log);
  const { deploymentId } = await client.putApps(Array.from({ length: FLEET_APPS }, (_, i) => fleetApp(i)));
  await client.waitForDeployment(deploymentId, { timeoutMs: DEPLOY_TIMEOUT_MS });
  const many = await fleetFigures(client, log);
  return { few, many };
}

export async function runMarathonSuite(options: MarathonSuiteOptions): Promise<MarathonFigures> {
  const { log } = options;
  log('demo profile: 3 masters, 2 agents, 1 scheduler');
  const cluster = await BenchCluster.up('demo');
  try {
    const client = new MarathonClient(cluster.status.marathon ?? '');
    const docker = await measureDocker(client, log);
    const scaleMs = await measureScale(client, log);
    const listLatencyMs = await measureList(client, log);
    const fleet = await measureFleet(client, log);
    return { docker, scaleMs, scaleInstances: SCALE_INSTANCES, listLatencyMs, fleet };
  } finally {
    await cluster.down();
  }
}

const ms = (v: number): string => `${Math.round(v)} ms`;

export function renderMarathonReport(f: MarathonFigures): string {
  return [
    '## Marathon: the scheduler (a worker thread of the supervisor, demo profile, 2 agents)',
    '',
    ...dockerSection(f.docker),
    '',
    ...scaleSection(f),
    '',
    ...listSection(f.listLatencyMs),
    '',
    ...fleetSection(f.fleet),
  ].join('\n');
}

function dockerSection(docker: MarathonFigures['docker']): string[] {
  if ('skipped' in docker) return ['### POST → running, Docker', '', `not run: ${docker.skipped}`];
  const cells = docker.map((d) => [
    `${d.instances}`,
    ms(d.marathonMs),
    ms(d.bareLoopMs),
    `${(d.marathonMs / d.bareLoopMs).toFixed(2)}×`,
  ]);
  const worst = Math.max(...docker.map((d) => d.marathonMs / d.bareLoopMs));
  return [
    ...markdownTable(
      `POST /v2/apps → every instance TASK_RUNNING, beside a loop of bare \`docker run -d\` (busybox, host network; 1 instance: median of ${SINGLE_RUNS} runs)`,
      ['instances', 'minicluster', 'docker run loop', 'ratio'],
      cells,
    ),
    `target: at most 1.3× the bare Docker time: worst ${worst.toFixed(2)}× → ${worst <= 1.3 ? 'met' : 'missed'}`,
  ];
}

function scaleSection(f: MarathonFigures): string[] {
  const cells = [
    [
      `0 → ${f.scaleInstances} process instances (sleep)`,
      ms(f.scaleMs),
      `${(f.scaleInstances / (f.scaleMs / 1000)).toFixed(0)} tasks/s`,
    ],
  ];
  return [
    ...markdownTable('Scaling a process app', ['workload', 'PUT → all running', 'rate'], cells),
    `target: ${f.scaleInstances} running in under 10 s: ${f.scaleMs < 10_000 ? 'met' : 'missed'}`,
  ];
}

function listSection(latencies: number[]): string[] {
  const sorted = [...latencies].sort((a, b) => a - b);
  const cells = [
    [
      `GET /v2/apps, ${LIST_APPS} apps, ${latencies.length} requests`,
      `${percentile(sorted, 0.5).toFixed(1)} ms`,
      `${percentile(sorted, 0.99).toFixed(1)} ms`,
      `${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
    ],
  ];
  return markdownTable('API latency', ['request', 'p50', 'p99', 'max'], cells);
}

function fleetSection(fleet: MarathonFigures['fleet']): string[] {
  const p99 = (v: number[]): number =>
    percentile(
      [...v].sort((a, b) => a - b),
      0.99,
    );
  const row = (label: string, pick: (f: FleetFigures) => number[]): string[] => {
    const [few, many] = [p99(pick(fleet.few)), p99(pick(fleet.many))];
    return [label, `${few.toFixed(1)} ms`, `${many.toFixed(1)} ms`, `${(many / few).toFixed(2)}×`];
  };
  return markdownTable(
    `With ${fleet.many.apps - fleet.few.apps} more apps of 4 KB each (p99; ${FLEET_LIST_REQUESTS} lists, ${DEPLOY_STARTS} deployments)`,
    ['request', `${fleet.few.apps} apps`, `${fleet.many.apps} apps`, 'ratio'],
    [row('GET /v2/apps', (f) => f.listMs), row('PUT /v2/apps/{id} → deployment started', (f) => f.deployStartMs)],
  );
}
