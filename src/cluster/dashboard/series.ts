// The dashboard's chart series: running tasks over time (a point whenever the count changes) and the
// leaderless gaps of the masters (one point per election), each bounded. Pure.
import type { MasterStateJson } from '../../api/mesos.js';
import { MAX_DASHBOARD_CHART_POINTS } from '../../common/limits.js';
import type { ChartPoint } from '../../ui/dashboard/model.js';
import type { TimelineEvent } from '../core/timeline.js';

/** The series with `point` appended when its value differs from the last one; beyond `limit` the oldest points go. */
export function addPoint(series: ChartPoint[], point: ChartPoint, limit = MAX_DASHBOARD_CHART_POINTS): ChartPoint[] {
  if (series.at(-1)?.value === point.value) return series;
  return [...series, point].slice(-limit);
}

/** Tasks in TASK_RUNNING across the frameworks of a master's state. */
export function runningTasks(state: MasterStateJson): number {
  return state.frameworks.reduce((sum, f) => sum + f.tasks.filter((t) => t.state === 'TASK_RUNNING').length, 0);
}

/** One point per election of a leading master: how long the masters were without a leader. */
export function gapPoints(events: readonly TimelineEvent[], limit = MAX_DASHBOARD_CHART_POINTS): ChartPoint[] {
  return events
    .flatMap((e) => (e.type === 'master-elected' ? [{ at: e.at, value: e.leaderlessMs }] : []))
    .slice(-limit);
}
