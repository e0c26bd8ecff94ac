// Benchmark entry: `npm run bench -- <suite> [--seconds N] [--warmup N] [--runs N] [--no-zookeeper] [--json]`.
// Progress goes to stderr; the tables (or the JSON figures) go to stdout.
import { parseArgs } from 'node:util';
import { renderChronosReport, runChronosSuite } from './chronos.js';
import { runEnsembleSuite } from './ensemble.js';
import { renderMarathonReport, runMarathonSuite } from './marathon.js';
import { renderMesosReport, runMesosSuite } from './mesos.js';
import { renderEnsembleReport } from './report.js';
import { renderSnapReport, runSnapSuite } from './snap.js';

interface BenchOptions {
  measureSeconds: number;
  warmupSeconds: number;
  /** 0 skips the failover measurement (ensemble suite). */
  failoverRuns: number;
  /** Whether the ensemble suite also measures a real ZooKeeper. */
  zookeeper: boolean;
  json: boolean;
}

interface Suite {
  run(options: BenchOptions): Promise<{ figures: unknown; report: string }>;
  /** --runs when not given. */
  defaultRuns: number;
}

const USAGE = 'usage: npm run bench -- <suite> [--seconds N] [--warmup N] [--runs N] [--no-zookeeper] [--json]';

const SUITES: Record<string, Suite> = {
  ensemble: {
    async run(options) {
      const figures = await runEnsembleSuite({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
      return { figures, report: renderEnsembleReport(figures) };
    },
    defaultRuns: 5,
  },
  mesos: {
    async run(options) {
      const figures = await runMesosSuite({
        failoverRuns: options.failoverRuns,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      return { figures, report: renderMesosReport(figures) };
    },
    defaultRuns: 10,
  },
  snap: {
    async run(options) {
      const figures = await runSnapSuite({
        zookeeper: options.zookeeper,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      return { figures, report: renderSnapReport(figures) };
    },
    defaultRuns: 1,
  },
  marathon: {
    async run() {
      const figures = await runMarathonSuite({ log: (line) => process.stderr.write(`${line}\n`) });
      return { figures, report: renderMarathonReport(figures) };
    },
    defaultRuns: 1,
  },
  chronos: {
    async run() {
      const figures = await runChronosSuite({ log: (line) => process.stderr.write(`${line}\n`) });
      return { figures, report: renderChronosReport(figures) };
    },
    defaultRuns: 1,
  },
};

function numberFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  least: { min: number; inclusive: boolean },
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const inRange = least.inclusive ? value >= least.min : value > least.min;
  if (!Number.isFinite(value) || !inRange)
    throw new Error(`--${flag} must be a number ${least.inclusive ? '≥' : '>'} ${least.min}, not ${raw}`);
  return value;
}

const POSITIVE = { min: 0, inclusive: false };
const NON_NEGATIVE = { min: 0, inclusive: true };

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      runs: { type: 'string' },
      'no-zookeeper': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const name = positionals[0] ?? '';
  const suite = SUITES[name];
  if (suite === undefined) {
    process.stderr.write(`unknown suite "${name}"; suites: ${Object.keys(SUITES).join(', ')}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const options: BenchOptions = {
    measureSeconds: numberFlag('seconds', values.seconds, 10, POSITIVE),
    warmupSeconds: numberFlag('warmup', values.warmup, 2, POSITIVE),
    failoverRuns: Math.round(numberFlag('runs', values.runs, suite.defaultRuns, NON_NEGATIVE)),
    zookeeper: values['no-zookeeper'] !== true,
    json: values.json === true,
  };
  const { figures, report } = await suite.run(options);
  process.stdout.write(options.json ? `${JSON.stringify(figures, null, 2)}\n` : `${report}\n`);
}

// Ctrl-C: exit through process 'exit' so the ZooKeeper helper kills its JVMs; members exit with their IPC channel.
process.on('SIGINT', () => process.exit(130));

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
