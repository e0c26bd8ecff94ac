// A scheduled job's time arithmetic: its start with `scheduleTimeZone` (wall clock kept, zone replaced), periods
// added as Joda-Time adds them (P1D on the wall clock, PT24H exactly), and the skip forward past now at launch.
import {
  daysInMonth,
  formatInstant,
  formatInterval,
  isZeroPeriod,
  parseInterval,
  type Period,
  type RepeatingInterval,
} from './iso8601.js';
import { fixedZone, instantOf, localFromWall, localOf, UTC, wallOf, type Zone, zoneOf } from './zone.js';

const DAY_MS = 86_400_000;
/** An empty start is read as one second ago, every time, as Chronos reads it. */
const EMPTY_START_AGO_MS = 1000;

/**
 * An instant and the wall-clock time it stands for. They differ only when that time does not exist (it lies in
 * a DST gap and runs an hour later): the next day's run keeps the wall clock, not the shifted time.
 */
export interface Moment {
  instant: number;
  local: number;
}

/** A schedule read at one moment: its interval, its start and the zone its periods count in. */
export interface ScheduleAt {
  interval: RepeatingInterval;
  start: number;
  /** The start's wall clock: as written when `scheduleTimeZone` replaces the zone. */
  startLocal: number;
  zone: Zone;
}

/** Reads `schedule` with `scheduleTimeZone` at `now`; null when it does not parse. */
export function readSchedule(schedule: string, scheduleTimeZone: string, now: number): ScheduleAt | null {
  const interval = parseInterval(schedule);
  if (interval === null) return null;
  const written = interval.start;
  const zone =
    scheduleTimeZone !== '' ? zoneOf(scheduleTimeZone) : written?.offsetMs ? fixedZone(written.offsetMs) : UTC;
  if (written === null) {
    const start = now - EMPTY_START_AGO_MS;
    return { interval, start, startLocal: localOf(zone, start), zone };
  }
  const prefer = scheduleTimeZone === '' ? null : written.offsetMs;
  return { interval, start: instantOf(zone, written.local, prefer), startLocal: written.local, zone };
}

/** `instant` plus `times` × `period` in `zone` (the period's fields multiplied, then added once each, in order). */
export function addPeriod(instant: number, period: Period, zone: Zone, times = 1): number {
  return addToMoment({ instant, local: localOf(zone, instant) }, period, zone, times).instant;
}

/**
 * Joda-Time's addition: years, months, weeks and days on the wall clock (a time in a DST gap runs after it, an
 * hour that happens twice keeps the offset it had), then hours to milliseconds exactly.
 */
export function addToMoment(m: Moment, period: Period, zone: Zone, times = 1): Moment {
  let local = m.local;
  if (period.years !== 0) local = addMonths(local, period.years * 12 * times);
  if (period.months !== 0) local = addMonths(local, period.months * times);
  local += (period.weeks * 7 + period.days) * times * DAY_MS;
  const instant = local === m.local ? m.instant : instantOf(zone, local, m.local - m.instant);
  const exact = (((period.hours * 60 + period.minutes) * 60 + period.seconds) * 1000 + period.millis) * times;
  return exact === 0 ? { instant, local } : { instant: instant + exact, local: localOf(zone, instant + exact) };
}

/**
 * The first start after `now` in phase with `start` (`start` + k × period, k the smallest that is strictly
 * after now); `start` itself when it is still ahead or the period is zero.
 */
export function nextStartAfter(o: { start: Moment; period: Period; zone: Zone; now: number }): Moment {
  const { start, period, zone, now } = o;
  if (start.instant > now || isZeroPeriod(period)) return start;
  const at = (k: number): Moment => addToMoment(start, period, zone, k);
  let k = Math.max(1, Math.floor((now - start.instant) / nominalMs(period)));
  while (k > 1 && at(k - 1).instant > now) k -= 1;
  while (at(k).instant <= now) k += 1;
  return at(k);
}

/**
 * The schedule as Chronos rewrites it when a run launches: the start skipped forward past `now` (however many
 * periods that takes) and one run fewer (`R0` stays `R0`: a retry or a manual run never makes it `R`).
 */
export function advanceSchedule(schedule: string, scheduleTimeZone: string, now: number): string | null {
  const at = readSchedule(schedule, scheduleTimeZone, now);
  if (at === null) return null;
  const { interval, zone } = at;
  const next = nextStartAfter({
    start: { instant: at.start, local: at.startLocal },
    period: interval.period,
    zone,
    now,
  });
  const repeat = interval.repeat === null ? null : Math.max(0, interval.repeat - 1);
  return formatInterval({ repeat, start: formatMoment(next), periodText: interval.periodText });
}

/** A moment printed with its wall clock and the offset that makes it its instant (before the gap, in a gap). */
function formatMoment(m: Moment): string {
  return formatInstant(m.instant, fixedZone(m.local - m.instant));
}

/** When a scheduled job is due next (its start), or null when it has no runs left. */
export function nextRunAt(schedule: string, scheduleTimeZone: string, now: number): number | null {
  const at = readSchedule(schedule, scheduleTimeZone, now);
  return at === null || at.interval.repeat === 0 ? null : at.start;
}

/** The period's length if every month had its average length: the first guess of how many periods to skip. */
function nominalMs(p: Period): number {
  const MONTH_MS = (365.2425 / 12) * DAY_MS;
  const days = p.weeks * 7 + p.days;
  return (
    (p.years * 12 + p.months) * MONTH_MS +
    days * DAY_MS +
    ((p.hours * 60 + p.minutes) * 60 + p.seconds) * 1000 +
    p.millis
  );
}

/** Local millis plus whole months, the day of month kept or clamped to the month's last day. */
function addMonths(local: number, months: number): number {
  const w = wallOf(local);
  const index = w.year * 12 + (w.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return localFromWall({ ...w, year, month, day: Math.min(w.day, daysInMonth(year, month)) });
}
