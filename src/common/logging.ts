// Component logs: pino JSON lines to one file per component (logs/<component>.log), optionally
// mirrored to the terminal in a readable form for a foreground `up`.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './file-modes.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  component: string;
  /** JSON log file, readable by its owner only; its directory is created (owner-only) if missing. */
  file: string;
  level?: pino.Level;
  /** Also print warnings and errors, human-readable, on stderr. */
  terminal?: boolean;
  /** Write synchronously (nothing is lost when the process exits abruptly). */
  sync?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  mkdirSync(dirname(options.file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = pino.destination({ dest: options.file, sync: options.sync ?? false, mode: PRIVATE_FILE_MODE });
  const streams: pino.StreamEntry[] = [{ level, stream: file }];
  if (options.terminal === true) {
    streams.push({
      level: 'warn',
      stream: pretty({ destination: 2, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
    });
  }
  return pino({ level, base: { component: options.component } }, pino.multistream(streams));
}
