// A component's JSON log served as readable text: lines converted as the log grows (a half-written line
// waits for its end), the newest MAX_READABLE_LOG_BYTES kept with offsets that keep counting, a log far
// behind read from its newest part, and a log that was replaced read again from its start.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_READABLE_LOG_BYTES } from '../../../src/common/limits.js';
import { formatLogRecord } from '../../../src/common/log-text.js';
import { ReadableLog } from '../../../src/common/readable-log.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'minicluster-readable-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (n: number) => ({ level: 30, time: 1_700_000_000_000 + n, component: 'agent-1', msg: `line ${n}` });
const json = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => `${JSON.stringify(record(from + i))}\n`).join('');
const text = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => `${formatLogRecord(record(from + i))}\n`).join('');

async function all(log: ReadableLog): Promise<{ offset: number; data: string }> {
  const chunk = await log.read(0, await log.size());
  return { offset: chunk.offset, data: chunk.data.toString('utf8') };
}

describe('ReadableLog', () => {
  it('is empty while the log does not exist, then converts whole lines as they are written', async () => {
    const file = join(dir, 'agent-1.log');
    const log = new ReadableLog(file);
    expect(await log.size()).toBe(0);
    writeFileSync(file, `${json(0, 2)}{"msg":"not yet`);
    expect(await all(log)).toEqual({ offset: 0, data: text(0, 2) });
    appendFileSync(file, ' done"}\nnot JSON\n');
    expect((await all(log)).data).toBe(`${text(0, 2)}not yet done\nnot JSON\n`);
    expect(log.name).toBe('agent-1.log');
  });

  it('keeps the newest MAX_READABLE_LOG_BYTES of text as the log grows, starting at a whole line', async () => {
    const file = join(dir, 'master-1.log');
    const log = new ReadableLog(file);
    const perStep = Math.ceil(MAX_READABLE_LOG_BYTES / JSON.stringify(record(0)).length);
    let lines = 0;
    for (let step = 0; step < 5; step++, lines += perStep) {
      appendFileSync(file, json(lines, lines + perStep));
      await log.size();
    }
    const kept = await all(log);
    expect(kept.offset).toBeGreaterThan(0);
    expect(kept.offset + Buffer.byteLength(kept.data)).toBe(Buffer.byteLength(text(0, lines)));
    expect(Buffer.byteLength(kept.data)).toBeLessThanOrEqual(MAX_READABLE_LOG_BYTES);
    expect(kept.data.endsWith(text(lines - 1, lines))).toBe(true);
    expect(kept.data.split('\n')[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}INFO {3}line \d+$/);
  });

  it('reads a log far behind from its newest part, starting at a whole line', async () => {
    const file = join(dir, 'master-2.log');
    const lines = Math.ceil((3 * MAX_READABLE_LOG_BYTES) / JSON.stringify(record(0)).length);
    writeFileSync(file, json(0, lines));
    const kept = await all(new ReadableLog(file));
    expect(kept.data.startsWith(text(0, 1))).toBe(false);
    expect(kept.data.endsWith(text(lines - 1, lines))).toBe(true);
    expect(kept.data.split('\n')[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}INFO {3}line \d+$/);
  });

  it('reads a log that was replaced from its start, after what it had', async () => {
    const file = join(dir, 'zk-1.log');
    writeFileSync(file, json(0, 3));
    const log = new ReadableLog(file);
    const before = await log.size();
    writeFileSync(file, json(10, 11));
    const after = await log.read(before, 1024);
    expect(after.data.toString('utf8')).toBe(text(10, 11));
  });
});
