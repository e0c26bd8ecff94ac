// The dashboard's chart series: running tasks sampled when the count changes, leaderless gaps from
// the masters' elections, both bounded; and where the page draws them.
import { describe, expect, it } from 'vitest';
import type { MasterStateJson } from '../../../src/api/mesos.js';
import { addPoint, gapPoints, runningTasks } from '../../../src/cluster/dashboard/series.js';
import type { TimelineEvent } from '../../../src/cluster/core/timeline.js';
import {
  CHART_MIN_SPAN_MS,
  CHART_WINDOW_MS,
  bars,
  niceMax,
  stepPath,
  timeSpan,
} from '../../../src/ui/dashboard/chart-geometry.js';

describe('chart series', () => {
  it('adds a running-tasks point only when the count changes, keeping the newest `limit`', () => {
    let series = addPoint([], { at: 1, value: 0 });
    series = addPoint(series, { at: 2, value: 0 });
    series = addPoint(series, { at: 3, value: 2 });
    expect(series).toEqual([
      { at: 1, value: 0 },
      { at: 3, value: 2 },
    ]);
    expect(addPoint(series, { at: 4, value: 3 }, 2)).toEqual([
      { at: 3, value: 2 },
      { at: 4, value: 3 },
    ]);
  });

  it('counts running tasks across frameworks', () => {
    const state = {
      frameworks: [
        { tasks: [{ state: 'TASK_RUNNING' }, { state: 'TASK_STAGING' }] },
        { tasks: [{ state: 'TASK_RUNNING' }] },
      ],
    } as unknown as MasterStateJson;
    expect(runningTasks(state)).toBe(2);
  });

  it('takes one gap per master election from the timeline, the newest `limit`', () => {
    const events = [
      { type: 'master-elected', master: 'master-1', leaderlessMs: 700, at: 10, seq: 1 },
      { type: 'agent-killed', agent: 'agent-1', at: 20, seq: 2 },
      { type: 'master-elected', master: 'master-2', leaderlessMs: 900, at: 30, seq: 3 },
    ] as TimelineEvent[];
    expect(gapPoints(events)).toEqual([
      { at: 10, value: 700 },
      { at: 30, value: 900 },
    ]);
    expect(gapPoints(events, 1)).toEqual([{ at: 30, value: 900 }]);
  });
});

describe('chart geometry', () => {
  const box = { x: 0, y: 0, width: 100, height: 50 };

  it('spans from the first point to now, between one and ten minutes', () => {
    const now = 100 * 60_000;
    expect(timeSpan([], now)).toEqual({ from: now - CHART_MIN_SPAN_MS, to: now });
    expect(timeSpan([{ at: now - 3 * 60_000, value: 1 }], now)).toEqual({ from: now - 3 * 60_000, to: now });
    expect(timeSpan([{ at: 0, value: 1 }], now)).toEqual({ from: now - CHART_WINDOW_MS, to: now });
  });

  it('rounds the y axis up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax([])).toBe(1);
    expect(niceMax([3])).toBe(5);
    expect(niceMax([7, 12])).toBe(20);
    expect(niceMax([900])).toBe(1000);
  });

  it('draws a step line that holds each value until the next point and runs to now', () => {
    const span = { from: 0, to: 100 };
    expect(stepPath([], span, box, 2)).toBe('');
    expect(
      stepPath(
        [
          { at: 20, value: 1 },
          { at: 60, value: 2 },
        ],
        span,
        box,
        2,
      ),
    ).toBe('M20 25 H60 V0 H100');
    // a value set before the span starts holds at its left edge
    expect(
      stepPath(
        [
          { at: -10, value: 2 },
          { at: 50, value: 0 },
        ],
        span,
        box,
        2,
      ),
    ).toBe('M0 0 H50 V50 H100');
  });

  it('draws one bar per gap inside the span, as tall as its share of the maximum', () => {
    const span = { from: 0, to: 100 };
    const drawn = bars(
      [
        { at: -5, value: 500 },
        { at: 50, value: 500 },
        { at: 100, value: 1000 },
      ],
      span,
      box,
      1000,
      4,
    );
    expect(drawn).toEqual([
      { x: 48, y: 25, width: 4, height: 25, value: 500 },
      { x: 98, y: 0, width: 4, height: 50, value: 1000 },
    ]);
  });
});
