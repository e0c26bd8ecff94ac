// Benchmark entry: `npm run bench -- <suite> [--seconds N] [--warmup N] [--runs N] [--json]`.
// Progress goes to stderr; the tables (or the JSON figures) go to stdout.
import { parseArgs } from 'node:util';
import { runEnsembleSuite } from './ensemble.js';
import { renderMesosReport, runMesosSuite } from './mesos.js';
import { renderEnsembleReport } from './report.js';

interface BenchOptions {
  measureSeconds: number;
  warmupSeconds: number;
  failoverRuns: number;
  json: boolean;
}

interface Suite {
  run(options: BenchOptions): Promise<{ figures: unknown; report: string }>;
  /** --runs when not given. */
  defaultRuns: number;
}

const USAGE = 'usage: npm run bench -- <suite> [--seconds N] [--warmup N] [--runs N] [--json]';

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
      const figures = await runMesosSuite({ failoverRuns: options.failoverRuns, log: (line) => process.stderr.write(`${line}\n`) });
      return { figures, report: renderMesosReport(figures) };
    },
    defaultRuns: 10,
  },
};

function positiveNumber(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${flag} must be a positive number, not ${raw}`);
  return value;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      runs: { type: 'string' },
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
    measureSeconds: positiveNumber('seconds', values.seconds, 10),
    warmupSeconds: positiveNumber('warmup', values.warmup, 2),
    failoverRuns: Math.round(positiveNumber('runs', values.runs, suite.defaultRuns)),
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
