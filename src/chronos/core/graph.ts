// The dependency graph of the jobs (edges parent → child): the cycle a new set of parents would close, and the
// graph as Chronos exports it, DOT (JGraphT's DOTExporter: integer ids from 1, names as labels) and CSV.
import type { Job } from './job.js';

/**
 * The cycle `job` would close by depending on `parents` (`['a', 'b', 'a']` for a → b → a), or null. `job`
 * depends on itself, or some parent has it among its ancestors.
 */
export function cycleThrough(jobs: ReadonlyMap<string, Job>, job: string, parents: readonly string[]): string[] | null {
  for (const parent of parents) {
    const path = ancestorPath(jobs, parent, job, new Set());
    if (path !== null) return [job, ...path];
  }
  return null;
}

/** The path from `from` up through parents to `target` (both included), or null. */
function ancestorPath(
  jobs: ReadonlyMap<string, Job>,
  from: string,
  target: string,
  seen: Set<string>,
): string[] | null {
  if (from === target) return [from];
  if (seen.has(from)) return null;
  seen.add(from);
  const job = jobs.get(from);
  for (const parent of job?.kind === 'dependent' ? job.parents : []) {
    const path = ancestorPath(jobs, parent, target, seen);
    if (path !== null) return [from, ...path];
  }
  return null;
}

function edges(jobs: readonly Job[]): [parent: string, child: string][] {
  const names = new Set(jobs.map((j) => j.name));
  return jobs.flatMap((j) =>
    j.kind === 'dependent' ? j.parents.filter((p) => names.has(p)).map((p): [string, string] => [p, j.name]) : [],
  );
}

export function graphDot(jobs: readonly Job[]): string {
  const ids = new Map(jobs.map((j, i) => [j.name, i + 1]));
  const quote = (name: string): string => name.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
  const lines = [
    'digraph G {',
    ...jobs.map((j) => `  ${ids.get(j.name)} [ label="${quote(j.name)}" ];`),
    ...edges(jobs).map(([p, c]) => `  ${ids.get(p)} -> ${ids.get(c)};`),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

/** `node,<name>,<last status>,<state>` per job, then `link,<parent>,<child>` per edge. */
export function graphCsv(jobs: readonly Job[], statusOf: (job: Job) => { status: string; state: string }): string {
  const nodes = jobs.map((j) => {
    const { status, state } = statusOf(j);
    return `node,${j.name},${status},${state}\n`;
  });
  return [...nodes, ...edges(jobs).map(([p, c]) => `link,${p},${c}\n`)].join('');
}
