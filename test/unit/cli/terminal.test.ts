// The terminal shells: on a terminal the progress line and the status block are redrawn in place with
// control codes; on a pipe only plain lines come out.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressLine, liveScreen, type Output } from '../../../src/cli/terminal.js';
import type { LiveSnapshot } from '../../../src/cli/live-status.js';
import type { ClusterStatus } from '../../../src/cluster/status.js';

const ESC = '\x1b';

function output(tty: boolean): Output & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY: tty, columns: 60, rows: 20, write: (t: string) => chunks.push(t), text: () => chunks.join('') };
}

const master = { name: 'master-1', url: 'http://m', role: 'leading', state: 'running', pid: 1 } as const;
const status = {
  name: 'default',
  profile: 'demo',
  phase: 'ready',
  waiting: null,
  supervisorPid: 1,
  zk: 'zk://x/mesos',
  ensemble: [],
  masters: [master],
  agents: [],
  marathon: null,
  schedulers: [],
  dashboard: null,
} satisfies ClusterStatus;
const snapshot = (role: 'leading' | 'standby'): LiveSnapshot => ({
  status: { ...status, masters: [{ ...master, role }] },
  apps: [],
});

afterEach(() => vi.useRealTimers());

describe('ProgressLine', () => {
  it('prints one plain line per change of what is awaited, and notes with their time, when not a terminal', () => {
    let now = 0;
    const out = output(false);
    const progress = new ProgressLine({ out, title: 'starting cluster default', now: () => now });
    progress.waitingFor('no master is leading yet');
    now = 400;
    progress.waitingFor('no master is leading yet');
    progress.waitingFor('agent-1 not registered with master-1 yet');
    progress.note('step 1/1: StartApplication /web');
    progress.end();
    expect(out.text()).toBe(
      [
        'starting cluster default: no master is leading yet  [0.0 s]',
        'starting cluster default: agent-1 not registered with master-1 yet  [0.4 s]',
        'step 1/1: StartApplication /web  [0.4 s]',
        '',
      ].join('\n'),
    );
    expect(out.text()).not.toContain(ESC);
  });

  it('rewrites a single line in place on a terminal, ticking, with notes above it, and takes it away at the end', () => {
    vi.useFakeTimers();
    const out = output(true);
    const progress = new ProgressLine({ out, title: 'starting master-1', now: () => Date.now() });
    progress.waitingFor('waiting for it to report ready');
    vi.advanceTimersByTime(1_000);
    progress.note('a note');
    progress.end();
    const text = out.text();
    expect(text).not.toContain('\n[');
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('\r\x1b[2Kstarting master-1: waiting for it to report ready  [1.0 s]');
    expect(text).toContain('\r\x1b[2Ka note  [1.0 s]\n');
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });
});

describe('liveScreen', () => {
  it('prints events and the one-line status only when it changed, without control codes, when not a terminal', () => {
    const out = output(false);
    const screen = liveScreen(out, 'events (Ctrl-C stops the cluster)');
    screen.show(snapshot('leading'));
    screen.event('12:00:00.000  master-1 elected as the leading master after 0.9 s');
    screen.show(snapshot('leading'));
    screen.show(snapshot('standby'));
    screen.close();
    expect(out.text()).toBe(
      [
        '',
        'events (Ctrl-C stops the cluster):',
        'status: masters: master-1 leads, 1/1 up | apps: none',
        '12:00:00.000  master-1 elected as the leading master after 0.9 s',
        'status: masters: no leader, 1/1 up | apps: none',
        '',
      ].join('\n'),
    );
    expect(out.text()).not.toContain(ESC);
  });

  it('pins the block at the top of a terminal with a scroll region below it, redraws it in place, and gives the screen back', () => {
    const out = output(true);
    const screen = liveScreen(out, 'events');
    screen.show(snapshot('leading'));
    const first = out.text();
    expect(first).toContain(`${ESC}[5;20r`);
    expect(first).toContain(`${ESC}[1;1H${ESC}[2Kcluster default (demo) ready`);
    expect(first).toContain(`${ESC}[3;1H${ESC}[2Kapps       none`);
    expect(first.endsWith(`${ESC}[5;1H`)).toBe(true);
    screen.event('an event');
    screen.show(snapshot('standby'));
    const redraw = out.text().slice(first.length + 'an event\n'.length);
    expect(redraw.startsWith(`${ESC}7`)).toBe(true);
    expect(redraw.endsWith(`${ESC}8`)).toBe(true);
    expect(redraw).toContain('master-1 standby');
    expect(redraw).not.toMatch(new RegExp(`${ESC}\\[\\d+;\\d+r`));
    screen.close();
    expect(out.text().endsWith(`${ESC}[r${ESC}[20;1H\n`)).toBe(true);
  });
});
