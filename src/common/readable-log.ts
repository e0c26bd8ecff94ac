// A component's JSON log as the readable text `minicluster logs` prints, for its virtual file
// (`/master/log`, `/slave/log`): converted as the log grows, the newest MAX_READABLE_LOG_BYTES kept.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ChunkSource } from './files-read.js';
import { MAX_READABLE_LOG_BYTES, READABLE_LOG_READ_BYTES } from './limits.js';
import { formatLogRecord, parseLogLine } from './log-text.js';

const NEWLINE = 0x0a;

export class ReadableLog implements ChunkSource {
  /** Bytes of the JSON file converted so far. */
  private consumed = 0;
  /** The last line of the file, not complete yet. */
  private partial = Buffer.alloc(0);
  /** The text kept, which starts at offset `start` of the whole text. */
  private text = Buffer.alloc(0);
  private start = 0;
  /** Set after skipping into the middle of the file: the first line read is only the end of one. */
  private dropFirstLine = false;
  private catchingUp: Promise<void> | null = null;

  /** `file`: the component's JSON log. */
  constructor(readonly file: string) {}

  /** The name a download of the log gets. */
  get name(): string {
    return basename(this.file);
  }

  async size(): Promise<number> {
    await this.catchUp();
    return this.start + this.text.length;
  }

  async read(offset: number, length: number): Promise<{ offset: number; data: Buffer }> {
    await this.catchUp();
    const from = Math.max(offset, this.start);
    return { offset: from, data: this.text.subarray(from - this.start, from - this.start + length) };
  }

  /** Converts what the log gained since the last call (one conversion at a time). */
  private catchUp(): Promise<void> {
    this.catchingUp ??= this.convertNew().finally(() => {
      this.catchingUp = null;
    });
    return this.catchingUp;
  }

  private async convertNew(): Promise<void> {
    const handle = await open(this.file, 'r').catch(() => null);
    if (handle === null) return;
    try {
      const { size } = await handle.stat();
      // A log that shrank was replaced: read the new one from its start.
      if (size < this.consumed) this.skipTo(0);
      // Far behind: only the newest part can be kept anyway.
      if (size - this.consumed > 2 * MAX_READABLE_LOG_BYTES) this.skipTo(size - MAX_READABLE_LOG_BYTES);
      while (this.consumed < size) {
        const buffer = Buffer.alloc(Math.min(READABLE_LOG_READ_BYTES, size - this.consumed));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.consumed);
        if (bytesRead === 0) break;
        this.consumed += bytesRead;
        this.convert(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
  }

  /** Continues at `offset` of the JSON file; a line begun before it is dropped. */
  private skipTo(offset: number): void {
    this.consumed = offset;
    this.partial = Buffer.alloc(0);
    this.dropFirstLine = offset > 0;
  }

  private convert(bytes: Buffer): void {
    const joined = Buffer.concat([this.partial, bytes]);
    const end = joined.lastIndexOf(NEWLINE);
    this.partial = joined.subarray(end + 1);
    if (end === -1) return;
    let lines = joined.subarray(0, end).toString('utf8').split('\n');
    if (this.dropFirstLine) {
      lines = lines.slice(1);
      this.dropFirstLine = false;
    }
    const text = lines
      .filter((line) => line.trim() !== '')
      .map((line) => `${formatLogRecord(parseLogLine(line))}\n`)
      .join('');
    this.append(Buffer.from(text, 'utf8'));
  }

  /** Appends, then drops whole lines from the front beyond MAX_READABLE_LOG_BYTES. */
  private append(text: Buffer): void {
    this.text = Buffer.concat([this.text, text]);
    const excess = this.text.length - MAX_READABLE_LOG_BYTES;
    if (excess <= 0) return;
    const cut = this.text.indexOf(NEWLINE, excess) + 1 || this.text.length;
    this.text = this.text.subarray(cut);
    this.start += cut;
  }
}
