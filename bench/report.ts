// Renders the ensemble suite's figures as one markdown table per section
// (metric | minicluster | zookeeper 3.8 | ratio) with the issue's target under each.
import type { EnsembleFigures, FailoverFigures, SystemFigures } from './ensemble.js';
import type { LoadFigures } from './load.js';
import { median } from './stats.js';
import { WORKLOADS, type Workload } from './zk-client.js';

interface Row {
  metric: string;
  ours: number;
  theirs: number | undefined;
  format: (value: number) => string;
}

const opsFormat = (n: number): string => Math.round(n).toLocaleString('en-US');
const msFormat = (n: number): string => n.toFixed(2);
const wholeMsFormat = (n: number): string => n.toFixed(0);
const mibFormat = (kb: number): string => (kb / 1024).toFixed(1);
const times = (r: number): string => `${r.toFixed(2)}×`;

const RATIO_FOR_RATES = 'ratio = minicluster / zookeeper: >1 is better for ops/s, <1 is better for ms';

export function renderEnsembleReport(f: EnsembleFigures): string {
  const s = f.settings;
  return [
    '## Ensemble: minicluster vs ZooKeeper 3.8 (3 members each on 127.0.0.1, one system at a time)',
    '',
    `- minicluster: ${f.minicluster.setup}`,
    `- zookeeper: ${f.zookeeper?.setup ?? `not run: ${f.zookeeperMissing ?? 'unknown reason'}`}`,
    `- load: node-zookeeper-client in worker threads, closed loop, ${s.payloadBytes}-byte payloads, ` +
      `${s.warmupSeconds} s warm-up then ${s.measureSeconds} s measured per workload`,
    `- machine: ${s.cpus} CPUs shared by both systems and the load generator; load average ${s.loadAverage.toFixed(2)} at start`,
    '',
    ...loadSection(
      f,
      'throughput',
      `Throughput: ${s.clients} clients × ${s.outstanding} outstanding, client i → member i mod 3 (${RATIO_FOR_RATES})`,
    ),
    ...throughputTarget(f),
    '',
    ...loadSection(f, 'unloaded', `Unloaded: 1 client × 1 outstanding on a follower (${RATIO_FOR_RATES})`),
    'target: none in the issue (reference figures)',
    '',
    ...failoverSection(f),
    '',
    ...memorySection(f),
  ].join('\n');
}

function loadSection(f: EnsembleFigures, section: 'throughput' | 'unloaded', title: string): string[] {
  const theirs = f.zookeeper?.[section];
  const rows = WORKLOADS.flatMap((w): Row[] => {
    const ours = f.minicluster[section][w];
    return [
      { metric: `${w} ops/s`, ours: ours.opsPerSec, theirs: theirs?.[w].opsPerSec, format: opsFormat },
      { metric: `${w} p50 ms`, ours: ours.p50Ms, theirs: theirs?.[w].p50Ms, format: msFormat },
      { metric: `${w} p99 ms`, ours: ours.p99Ms, theirs: theirs?.[w].p99Ms, format: msFormat },
    ];
  });
  return [...table(title, rows), ...errorNotes(f, section)];
}

function errorNotes(f: EnsembleFigures, section: 'throughput' | 'unloaded'): string[] {
  const systems = [f.minicluster, f.zookeeper].filter((sys): sys is SystemFigures => sys !== null);
  return systems.flatMap((sys) =>
    WORKLOADS.filter((w) => sys[section][w].errors > 0).map((w) => {
      const figures: LoadFigures = sys[section][w];
      return `note: ${sys.name} ${w}: ${figures.errors} requests failed (first: ${figures.firstError ?? '?'})`;
    }),
  );
}

function throughputTarget(f: EnsembleFigures): string[] {
  const goal = 'target: ops/s ≥ 1.0× ZooKeeper on every op (aim 1.2×)';
  const zk = f.zookeeper;
  if (zk === null) return [`${goal}: not checked, no ZooKeeper run`];
  const ratioOf = (w: Workload): number => f.minicluster.throughput[w].opsPerSec / zk.throughput[w].opsPerSec;
  const each = WORKLOADS.map((w) => `${w} ${times(ratioOf(w))}`).join(', ');
  const worst = Math.min(...WORKLOADS.map(ratioOf));
  const verdict = worst >= 1.2 ? 'met, aim met' : worst >= 1.0 ? 'met, aim missed' : 'missed';
  return [`${goal}: ${each} → ${verdict}`];
}

function failoverSection(f: EnsembleFigures): string[] {
  if (f.settings.failoverRuns === 0) return ['### Failover: not run (--runs 0)'];
  const ours = summary(onlyRun(f.minicluster.failover));
  const theirRuns = f.zookeeper?.failover ?? [];
  const rows = (theirRuns.length > 0 ? theirRuns : [undefined]).flatMap((run): Row[] => {
    const label = run === undefined ? '' : ` (zookeeper tickTime ${run.tickMs})`;
    const theirs = run === undefined ? undefined : summary(run);
    return [
      {
        metric: `kill -9 leader → first write, median ms${label}`,
        ours: ours.median,
        theirs: theirs?.median,
        format: wholeMsFormat,
      },
      {
        metric: `kill -9 leader → first write, max ms${label}`,
        ours: ours.max,
        theirs: theirs?.max,
        format: wholeMsFormat,
      },
    ];
  });
  const title =
    `Failover: ${f.settings.failoverRuns} runs, a client writing every 10 ms through any member; ` +
    'minicluster tickMs 100 in every row (ratio = minicluster / zookeeper: <1 is better)';
  const runs = [f.minicluster, ...(f.zookeeper === null ? [] : [f.zookeeper])].flatMap((sys) =>
    sys.failover.map(
      (run) =>
        `${sys.name} tick ${run.tickMs}: ${run.samplesMs.map((v) => (v === null ? 'no write' : wholeMsFormat(v))).join(', ')}`,
    ),
  );
  const met = ours.failed === 0 && ours.max < 500;
  return [
    ...table(title, rows),
    `runs (ms): ${runs.join('; ')}`,
    `target: leader kill → first write < 0.5 s in the demo profile: median ${wholeMsFormat(ours.median)} ms, ` +
      `max ${wholeMsFormat(ours.max)} ms${ours.failed > 0 ? `, ${ours.failed} runs without a write` : ''} → ${met ? 'met' : 'missed'}`,
  ];
}

function onlyRun(runs: FailoverFigures[]): FailoverFigures {
  const run = runs[0];
  if (run === undefined) throw new Error('no failover figures');
  return run;
}

function summary(run: FailoverFigures): { median: number; max: number; failed: number } {
  const samples = run.samplesMs.filter((v): v is number => v !== null);
  return { median: median(samples), max: Math.max(...samples), failed: run.samplesMs.length - samples.length };
}

function memorySection(f: EnsembleFigures): string[] {
  const sum = (kb: number[]): number => kb.reduce((a, b) => a + b, 0);
  const ours = sum(f.minicluster.memoryKb);
  const theirs = f.zookeeper === null ? undefined : sum(f.zookeeper.memoryKb);
  const systems = [f.minicluster, ...(f.zookeeper === null ? [] : [f.zookeeper])];
  const perMember = systems.map((sys) => `${sys.name} ${sys.memoryKb.map(mibFormat).join(' / ')}`).join('; ');
  const nodes = systems.map((sys) => `${sys.name} ${opsFormat(sys.nodeCount)}`).join('; ');
  const goal = "target: memory < half of ZooKeeper's (ratio < 0.50)";
  return [
    ...table(
      'Memory: VmRSS of the three member processes after the load runs (ratio = minicluster / zookeeper: <1 is better)',
      [{ metric: 'RSS, sum of 3 members (MiB)', ours, theirs, format: mibFormat }],
    ),
    `per member (MiB): ${perMember}`,
    `znodes in the tree then: ${nodes}`,
    theirs === undefined
      ? `${goal}: not checked, no ZooKeeper run`
      : `${goal}: ${times(ours / theirs)} → ${ours / theirs < 0.5 ? 'met' : 'missed'}`,
  ];
}

function table(title: string, rows: Row[]): string[] {
  const cells = rows.map((r) => [
    r.metric,
    r.format(r.ours),
    r.theirs === undefined ? '—' : r.format(r.theirs),
    r.theirs === undefined ? '—' : times(r.ours / r.theirs),
  ]);
  return markdownTable(title, ['metric', 'minicluster', 'zookeeper 3.8', 'ratio'], cells);
}

/** A titled markdown table: the first column left-aligned, the others right-aligned. */
export function markdownTable(title: string, header: string[], cells: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string =>
    `| ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [`### ${title}`, '', line(header), rule, ...cells.map(line), ''];
}
