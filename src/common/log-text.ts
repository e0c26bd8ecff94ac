// Component logs (pino JSON lines) as people read them: one line per record with the time, the level,
// the message and the other fields as key=value; `minicluster logs` and the masters' and agents'
// `/files/read` of their log show the same lines.

export interface LogRecord {
  time?: number;
  level?: number;
  component?: string;
  msg?: string;
  [field: string]: unknown;
}

/** A log line as a record; a line that is not JSON (a crash trace, say) becomes its message. */
export function parseLogLine(line: string): LogRecord {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null) return value as LogRecord;
  } catch {
    // not JSON: shown as it is
  }
  return { msg: line };
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `14:03:07.412` in local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LOG_FIELDS_SHOWN = new Set(['time', 'level', 'component', 'msg', 'pid', 'hostname']);

/** A pino record as one readable line: time, level, message, then the other fields as key=value. */
export function formatLogRecord(record: LogRecord): string {
  const time = record.time === undefined ? '' : `${clockTime(record.time)}  `;
  const level = record.level === undefined ? '' : `${(LEVELS[record.level] ?? String(record.level)).padEnd(5)}  `;
  const extra = Object.entries(record)
    .filter(([key]) => !LOG_FIELDS_SHOWN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [`${time}${level}${record.msg ?? ''}`, ...extra].join('  ');
}
