// The live chart: running tasks as a step line over the last minutes, and below it one bar per
// election of a leading master, as tall as the time the masters were without a leader.
import { svg } from '../common/svg.js';
import type { ChartSeries } from './model.js';
import { bars, niceMax, stepPath, timeSpan, type Box } from './chart-geometry.js';

const WIDTH = 600;
const RUNNING_BOX: Box = { x: 40, y: 16, width: 550, height: 100 };
const GAPS_BOX: Box = { x: 40, y: 140, width: 550, height: 50 };

export function chart(series: ChartSeries, now: number): SVGElement {
  const span = timeSpan([...series.running, ...series.gaps], now);
  const runningMax = niceMax(series.running.map((p) => p.value));
  const gapMax = niceMax(series.gaps.map((p) => p.value));
  const running = stepPath(series.running, span, RUNNING_BOX, runningMax);
  const gapBars = bars(series.gaps, span, GAPS_BOX, gapMax);
  const root = svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${WIDTH} 210`,
    role: 'img',
    'aria-label': 'running tasks and leaderless gaps over time',
  });
  root.append(
    svg('text', { x: RUNNING_BOX.x, y: 10 }, `running tasks (max ${runningMax})`),
    axis(RUNNING_BOX),
    svg('text', { x: 4, y: RUNNING_BOX.y + 10 }, String(runningMax)),
    svg('text', { x: 4, y: RUNNING_BOX.y + RUNNING_BOX.height }, '0'),
    svg('path', { class: 'running', d: running }),
    svg('text', { x: GAPS_BOX.x, y: GAPS_BOX.y - 6 }, `masters without a leader (max ${(gapMax / 1000).toFixed(1)} s)`),
    axis(GAPS_BOX),
    ...gapBars.map((b) => {
      const bar = svg('rect', { class: 'gap', x: b.x, y: b.y, width: b.width, height: b.height });
      bar.append(svg('title', {}, `${(b.value / 1000).toFixed(1)} s without a leading master`));
      return bar;
    }),
    svg('text', { x: GAPS_BOX.x, y: 206 }, `${Math.round((span.to - span.from) / 60_000)} min ago`),
    svg('text', { x: GAPS_BOX.x + GAPS_BOX.width - 20, y: 206 }, 'now'),
  );
  return root;
}

function axis(box: Box): SVGElement {
  return svg('path', { class: 'axis', d: `M${box.x} ${box.y} V${box.y + box.height} H${box.x + box.width}` });
}
