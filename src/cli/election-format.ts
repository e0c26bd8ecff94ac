// An election record as `minicluster events --election` prints it: a heading with the winner and why,
// then one line per step with its time since the election began.
import type { ElectionRecord } from '../common/election-record.js';
import { seconds } from '../cluster/core/timeline.js';

export function formatElection(record: ElectionRecord): string[] {
  const what = record.kind === 'ensemble' ? 'ensemble election' : 'contest for leading master';
  const outcome =
    record.verdict === null || record.decidedAt === null
      ? 'undecided so far'
      : `decided after ${seconds(record.decidedAt - record.startedAt)}: ${record.verdict}`;
  const dropped = record.dropped === 0 ? [] : [`  (${record.dropped} later steps not kept)`];
  return [
    `election ${record.id}, ${what}; ${outcome}`,
    ...record.steps.map((s) => `  +${offset(s.at - record.startedAt)}  ${s.text}`),
    ...dropped,
  ];
}

/** `0.412 s`, to the millisecond: steps of one election are often milliseconds apart. */
function offset(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}
