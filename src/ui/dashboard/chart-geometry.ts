// Where the chart's marks go: the time span shown, the running-tasks step line as an SVG path and
// one bar per leaderless gap. Pure numbers, no DOM, so it is unit-tested.
import type { ChartPoint } from './model.js';

/** The chart shows at most the last ten minutes… */
export const CHART_WINDOW_MS = 10 * 60_000;
/** …and at least the last minute. */
export const CHART_MIN_SPAN_MS = 60_000;

export interface Span {
  from: number;
  to: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Bar extends Box {
  value: number;
}

/** From the first point (at most CHART_WINDOW_MS, at least CHART_MIN_SPAN_MS ago) to now. */
export function timeSpan(points: readonly ChartPoint[], now: number): Span {
  const first = points.reduce((min, p) => Math.min(min, p.at), now);
  return { from: Math.max(now - CHART_WINDOW_MS, Math.min(first, now - CHART_MIN_SPAN_MS)), to: now };
}

/** A round upper bound for the y axis: 1, 2, 5, 10, 20, 50, … at or above every value. */
export function niceMax(values: readonly number[]): number {
  const top = Math.max(1, ...values);
  for (let scale = 1; ; scale *= 10) {
    for (const step of [1, 2, 5]) if (step * scale >= top) return step * scale;
  }
}

function xOf(at: number, span: Span, box: Box): number {
  const ratio = span.to === span.from ? 1 : (at - span.from) / (span.to - span.from);
  return round(box.x + Math.min(1, Math.max(0, ratio)) * box.width);
}

function yOf(value: number, max: number, box: Box): number {
  return round(box.y + box.height - (Math.min(value, max) / max) * box.height);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** A step line of the values over the span: each value holds until the next point; '' without points. */
export function stepPath(points: readonly ChartPoint[], span: Span, box: Box, max: number): string {
  const before = points.filter((p) => p.at <= span.from).at(-1);
  const inside = points.filter((p) => p.at > span.from && p.at <= span.to);
  const start = before ?? inside[0];
  if (start === undefined) return '';
  const rest = before === undefined ? inside.slice(1) : inside;
  let path = `M${xOf(Math.max(start.at, span.from), span, box)} ${yOf(start.value, max, box)}`;
  for (const p of rest) path += ` H${xOf(p.at, span, box)} V${yOf(p.value, max, box)}`;
  return `${path} H${xOf(span.to, span, box)}`;
}

/** One bar per point inside the span, as tall as its value against `max`, `barWidth` wide and centred on its time. */
export function bars(points: readonly ChartPoint[], span: Span, box: Box, max: number, barWidth = 6): Bar[] {
  return points
    .filter((p) => p.at >= span.from && p.at <= span.to)
    .map((p) => {
      const y = yOf(p.value, max, box);
      return {
        x: round(xOf(p.at, span, box) - barWidth / 2),
        y,
        width: barWidth,
        height: round(box.y + box.height - y),
        value: p.value,
      };
    });
}
