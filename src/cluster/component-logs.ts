// Component logs (logs/<component>.log, pino JSON lines): the records so far and, when following,
// those appended later, until the signal aborts.
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { parseLogLine, type LogRecord } from '../common/log-text.js';

export interface LogFollowOptions {
  follow: boolean;
  pollMs: number;
  signal?: AbortSignal;
}

export async function* componentLog(file: string, options: LogFollowOptions): AsyncGenerator<LogRecord> {
  let offset = 0;
  let partial = '';
  for (;;) {
    const { text, end } = await readFrom(file, offset);
    offset = end;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') yield parseLogLine(line);
    if (!options.follow || options.signal?.aborted === true) return;
    await delay(options.pollMs, undefined, options.signal === undefined ? {} : { signal: options.signal }).catch(
      () => undefined,
    );
  }
}

async function readFrom(file: string, offset: number): Promise<{ text: string; end: number }> {
  if (!existsSync(file)) return { text: '', end: offset };
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const from = size < offset ? 0 : offset;
    const buffer = Buffer.alloc(size - from);
    await handle.read(buffer, 0, buffer.length, from);
    return { text: buffer.toString('utf8'), end: size };
  } finally {
    await handle.close();
  }
}
