// The terminal shells of long waits and of `up`'s live status: on a terminal they redraw in place with
// ANSI control codes (at most a few times a second); on a pipe or a file they print plain lines only.
import { LIVE_STATUS_MIN_EVENT_ROWS, TERMINAL_REDRAW_MS } from '../common/limits.js';
import { noteText, progressText } from './format.js';
import { fitToWidth, statusBlock, statusLine, type LiveSnapshot } from './live-status.js';

/** What the shells need of process.stdout / process.stderr (tests pass fakes). */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

const CLEAR_ROW = '\x1b[2K';
const CLEAR_LINE = `\r${CLEAR_ROW}`;
const SAVE_CURSOR = '\x1b7';
const RESTORE_CURSOR = '\x1b8';
const RESET_SCROLL_REGION = '\x1b[r';
const DEFAULT_COLUMNS = 80;
const DEFAULT_ROWS = 24;

const moveTo = (row: number): string => `\x1b[${row};1H`;
const scrollRegion = (top: number, bottom: number): string => `\x1b[${top};${bottom}r`;

export interface ProgressOptions {
  out: Output;
  /** What is going on: `starting cluster default`, `deployment 5f2c…`. */
  title: string;
  now?: () => number;
}

/**
 * One wait with its elapsed time. On a terminal: a single line rewritten in place (what is awaited,
 * ticking seconds), with notes printed above it. Elsewhere: a line each time what is awaited changes,
 * and the notes, each with the seconds since the wait began.
 */
export class ProgressLine {
  private what: string | null = null;
  private readonly startedAt: number;
  private readonly tty: boolean;
  private readonly timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: ProgressOptions) {
    this.startedAt = this.now();
    this.tty = o.out.isTTY === true;
    if (!this.tty) return;
    this.timer = setInterval(() => this.draw(), TERMINAL_REDRAW_MS);
    this.timer.unref();
    this.draw();
  }

  /** Runs `wait` with a progress line that is ended however it turns out. */
  static async around<T>(o: ProgressOptions, wait: (progress: ProgressLine) => Promise<T>): Promise<T> {
    const progress = new ProgressLine(o);
    try {
      return await wait(progress);
    } finally {
      progress.end();
    }
  }

  waitingFor(what: string): void {
    if (what === this.what) return;
    this.what = what;
    if (this.tty) this.draw();
    else this.o.out.write(`${this.line()}\n`);
  }

  note(line: string): void {
    const text = `${noteText(line, this.elapsed())}\n`;
    if (!this.tty) return void this.o.out.write(text);
    this.o.out.write(`${CLEAR_LINE}${text}`);
    this.draw();
  }

  /** Stops the ticking and, on a terminal, takes the line away. */
  end(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.o.out.write(CLEAR_LINE);
  }

  private draw(): void {
    this.o.out.write(`${CLEAR_LINE}${fitToWidth(this.line(), (this.o.out.columns ?? DEFAULT_COLUMNS) - 1)}`);
  }

  private line(): string {
    return progressText(this.o.title, this.what, this.elapsed());
  }

  private elapsed(): number {
    return this.now() - this.startedAt;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}

/** Where `up` shows the live status and the events. */
export interface LiveScreen {
  show(snapshot: LiveSnapshot): void;
  event(line: string): void;
  /** Gives the terminal back as it was (scrolling over the whole screen). */
  close(): void;
}

/** `title` heads the events: the last line of the block on a terminal, a line before them elsewhere. */
export function liveScreen(out: Output, title: string): LiveScreen {
  return out.isTTY === true ? new PinnedStatus(out, title) : new PlainStatus(out, title);
}

/** Not a terminal: the events as plain lines, the one-line status whenever it changes. */
class PlainStatus implements LiveScreen {
  private last = '';

  constructor(
    private readonly out: Output,
    title: string,
  ) {
    out.write(`\n${title}:\n`);
  }

  show(snapshot: LiveSnapshot): void {
    const line = statusLine(snapshot);
    if (line === this.last) return;
    this.last = line;
    this.out.write(`${line}\n`);
  }

  event(line: string): void {
    this.out.write(`${line}\n`);
  }

  close(): void {}
}

/**
 * A terminal: the status block stays at the top of the screen and the events scroll in the rows below
 * it (a scroll region); the block is redrawn in place, and the region set again when its height or the
 * terminal's size changes.
 */
class PinnedStatus implements LiveScreen {
  private snapshot: LiveSnapshot | null = null;
  /** What the block shows now, so an unchanged block is not drawn again. */
  private drawn = '';
  /** Rows the block takes now; 0 before the first draw. */
  private height = 0;
  private closed = false;
  private readonly onResize = (): void => this.draw(true);
  private readonly onExit = (): void => this.close();

  constructor(
    private readonly out: Output,
    private readonly title: string,
  ) {
    out.on?.('resize', this.onResize);
    process.once('exit', this.onExit);
  }

  show(snapshot: LiveSnapshot): void {
    this.snapshot = snapshot;
    this.draw(false);
  }

  event(line: string): void {
    if (!this.closed) this.out.write(`${line}\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.off?.('resize', this.onResize);
    process.off('exit', this.onExit);
    if (this.height > 0) this.out.write(`${RESET_SCROLL_REGION}${moveTo(this.rows())}\n`);
  }

  private draw(resized: boolean): void {
    if (this.snapshot === null || this.closed) return;
    const rows = this.rows();
    const columns = this.out.columns ?? DEFAULT_COLUMNS;
    const status = statusBlock(this.snapshot, columns).slice(0, Math.max(0, rows - LIVE_STATUS_MIN_EVENT_ROWS - 1));
    const block = [...status, fitToWidth(`${this.title}:`, columns)];
    const lines = block.map((line, i) => `${moveTo(i + 1)}${CLEAR_ROW}${line}`).join('');
    if (lines === this.drawn && !resized) return;
    this.drawn = lines;
    if (block.length === this.height && !resized) {
      this.out.write(`${SAVE_CURSOR}${lines}${RESTORE_CURSOR}`);
      return;
    }
    // The first draw scrolls what the screen shows into the scrollback and starts the events right
    // under the block; later the events go on at the bottom of the new region.
    const first = this.height === 0;
    this.out.write(
      `${first ? '\n'.repeat(rows) : ''}${scrollRegion(block.length + 1, rows)}${lines}${moveTo(first ? block.length + 1 : rows)}`,
    );
    this.height = block.length;
  }

  private rows(): number {
    return this.out.rows ?? DEFAULT_ROWS;
  }
}
