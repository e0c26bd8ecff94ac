// How the master UI writes numbers and times: cpus with up to two decimals, MB scaled to GB, v0
// timestamps (float seconds) as local date and time, file sizes and modes as `ls -l` does.
import { clock } from '../common/dom.js';

export function cpus(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export function megabytes(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** `2024-05-01 14:03:07.412` in local time, from v0 seconds. */
export function when(secs: number | null | undefined): string {
  if (secs === null || secs === undefined || secs <= 0) return '–';
  const d = new Date(secs * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock(d.getTime())}`;
}

/** `TASK_RUNNING` → `running`. */
export function stateName(state: string): string {
  return state.replace(/^TASK_/, '').toLowerCase();
}
