// ISO 8601 text as Chronos reads and writes it: repeating intervals `R[n]/[start]/P…`, starts as Joda-Time parses
// them, periods `PnYnMnWnDTnHnMnS` with fractional seconds, instants printed `yyyy-MM-ddTHH:mm:ss.SSS±hh:mm`.
import { localFromWall, offsetAt, wallOf, type Zone } from './zone.js';

export interface Period {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  millis: number;
}

/** A start as written: its wall-clock time as UTC millis, and the offset written with it (null: none). */
export interface StartText {
  local: number;
  offsetMs: number | null;
}

export interface RepeatingInterval {
  /** Runs left; null for `R` (forever). */
  repeat: number | null;
  /** null when the start is empty (`R//PT1H`): due now, at every reading. */
  start: StartText | null;
  period: Period;
  /** The period as written; a rewritten schedule keeps it. */
  periodText: string;
}

/** Java's Integer.MAX_VALUE: Chronos reads counts and period fields as ints. */
const MAX_INT = 2_147_483_647;
const INTERVAL = /^(R[0-9]*)\/(.*)\/(P.*)$/s;
const PERIOD =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d+))?S)?)?$/;
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-(\d{3})|-W(\d{2})(?:-([1-7]))?)?$/;
const TIME = /^(\d{2})(?::(\d{2})(?::(\d{2}))?)?(?:[.,](\d{1,9}))?$/;
const OFFSET = /^(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/;
const DAY_MS = 86_400_000;

export function parseInterval(text: string): RepeatingInterval | null {
  const match = INTERVAL.exec(text);
  if (match === null) return null;
  const [, r = '', startText = '', periodText = ''] = match;
  const repeat = r === 'R' ? null : Number(r.slice(1));
  if (repeat !== null && repeat > MAX_INT) return null;
  const period = parsePeriod(periodText);
  if (period === null) return null;
  if (startText === '') return { repeat, start: null, period, periodText };
  const start = parseDateTime(startText);
  return start === null ? null : { repeat, start, period, periodText };
}

export function parsePeriod(text: string): Period | null {
  const m = PERIOD.exec(text);
  if (m === null) return null;
  const n = m.slice(1, 8).map((v) => (v === undefined ? 0 : Number(v)));
  if (n.some((v) => v > MAX_INT)) return null;
  const [years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0] = n;
  return { years, months, weeks, days, hours, minutes, seconds, millis: fractionOf(m[8], 1000) };
}

export function isZeroPeriod(p: Period): boolean {
  return Object.values(p).every((v) => v === 0);
}

/** A date-time as Joda-Time's ISO parser reads it; time-only text (`T05:50Z`) falls on 1970-01-01. */
export function parseDateTime(text: string): StartText | null {
  const t = text.indexOf('T');
  const datePart = t === -1 ? text : text.slice(0, t);
  const date = datePart === '' && t === 0 ? 0 : parseDate(datePart);
  if (date === null) return null;
  if (t === -1) return { local: date, offsetMs: null };
  const rest = text.slice(t + 1);
  const zoneAt = rest.search(/[Z+-]/);
  const timePart = zoneAt === -1 ? rest : rest.slice(0, zoneAt);
  const time = timePart === '' ? (t === 0 ? null : 0) : parseTime(timePart);
  const offsetMs = zoneAt === -1 ? null : parseOffset(rest.slice(zoneAt));
  if (time === null || offsetMs === undefined) return null;
  return { local: date + time, offsetMs };
}

/** `yyyy-MM-ddTHH:mm:ss.SSS` with `Z` for a zero offset, else `±hh:mm`, as Joda-Time prints a DateTime. */
export function formatInstant(instant: number, zone: Zone): string {
  const offset = offsetAt(zone, instant);
  const w = wallOf(instant + offset);
  const p = (n: number, width = 2): string => String(n).padStart(width, '0');
  const abs = Math.abs(offset) / 60_000;
  const zoneText = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
  const date = `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}`;
  return `${date}T${p(w.hour)}:${p(w.minute)}:${p(w.second)}.${p(w.ms, 3)}${zoneText}`;
}

export function formatInterval(o: { repeat: number | null; start: string; periodText: string }): string {
  return `R${o.repeat ?? ''}/${o.start}/${o.periodText}`;
}

/** Local millis of a date, or null. */
function parseDate(text: string): number | null {
  const m = DATE.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  if (m[4] !== undefined) {
    const ordinal = Number(m[4]);
    return ordinal >= 1 && ordinal <= daysInYear(year) ? dayOf(year, 1, ordinal) : null;
  }
  if (m[5] !== undefined) return weekDate(year, Number(m[5]), Number(m[6] ?? 1));
  const month = Number(m[2] ?? 1);
  const day = Number(m[3] ?? 1);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return dayOf(year, month, day);
}

/** Local millis of midnight of a day (days beyond the month roll over); years below 100 stay as written. */
function dayOf(year: number, month: number, day: number): number {
  return localFromWall({ year, month, day, hour: 0, minute: 0, second: 0, ms: 0 });
}

/** Local millis of the Monday of ISO week 1 (the week holding January 4th). */
function firstIsoMonday(weekYear: number): number {
  const jan4 = dayOf(weekYear, 1, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
}

/** ISO week date: week 1 holds January 4th; days run Monday (1) to Sunday (7). */
function weekDate(weekYear: number, week: number, weekday: number): number | null {
  const monday = firstIsoMonday(weekYear);
  const weeks = (firstIsoMonday(weekYear + 1) - monday) / (7 * DAY_MS);
  if (week < 1 || week > weeks) return null;
  return monday + ((week - 1) * 7 + weekday - 1) * DAY_MS;
}

/** Millis into the day; a fraction belongs to the last element written (hour, minute or second). */
function parseTime(text: string): number | null {
  const m = TIME.exec(text);
  if (m === null) return null;
  const [hour, minute, second] = [m[1], m[2], m[3]].map((v) => (v === undefined ? null : Number(v)));
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return null;
  const unit = second !== null ? 1000 : minute !== null ? 60_000 : 3_600_000;
  return ((hour ?? 0) * 60 + (minute ?? 0)) * 60_000 + (second ?? 0) * 1000 + fractionOf(m[4], unit);
}

/** Offset in ms; null for none; undefined when malformed. */
function parseOffset(text: string): number | null | undefined {
  const m = OFFSET.exec(text);
  if (m === null) return undefined;
  if (m[1] === undefined) return 0;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 23 || minutes > 59) return undefined;
  const ms = (hours * 60 + minutes) * 60_000;
  return m[1] === '-' ? -ms : ms;
}

/** Whole ms of `0.<digits>` units, truncated. */
function fractionOf(digits: string | undefined, unitMs: number): number {
  return digits === undefined ? 0 : Math.floor(Number(`0.${digits}`) * unitMs);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(dayOf(year, month + 1, 0)).getUTCDate();
}

function daysInYear(year: number): number {
  return daysInMonth(year, 2) === 29 ? 366 : 365;
}
