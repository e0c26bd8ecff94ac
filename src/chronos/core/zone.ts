// Time zones of schedules: `scheduleTimeZone` ids as Java's TimeZone.getTimeZone reads them (IANA names,
// the legacy three-letter ids, `GMT+hh:mm`; anything unknown is GMT), offsets from Intl, and wall clock ↔ instant.
import { CHRONOS_MAX_CACHED_ZONES } from '../../common/limits.js';

export type Zone = { kind: 'fixed'; offsetMs: number } | { kind: 'named'; id: string; format: Intl.DateTimeFormat };

/** Wall-clock fields; `month` is 1–12. */
export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

export const UTC: Zone = { kind: 'fixed', offsetMs: 0 };
const DAY_MS = 86_400_000;
const zones = new Map<string, Zone>();

export function fixedZone(offsetMs: number): Zone {
  return offsetMs === 0 ? UTC : { kind: 'fixed', offsetMs };
}

/** The zone of a `scheduleTimeZone`: Java's `GMT±h[h][[:]mm]` custom ids, else Intl's names; unknown ids mean GMT. */
export function zoneOf(id: string): Zone {
  const custom = /^GMT([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(id);
  if (custom !== null) {
    const [, sign, hours, minutes] = custom;
    const ms = (Number(hours) * 60 + Number(minutes ?? 0)) * 60_000;
    return Number(hours) > 23 || Number(minutes ?? 0) > 59 ? UTC : fixedZone(sign === '-' ? -ms : ms);
  }
  const known = zones.get(id);
  if (known !== undefined) return known;
  const zone = namedZone(id);
  if (zones.size >= CHRONOS_MAX_CACHED_ZONES) zones.clear();
  zones.set(id, zone);
  return zone;
}

function namedZone(id: string): Zone {
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const resolved = format.resolvedOptions().timeZone;
    return resolved === 'UTC' || resolved === 'Etc/UTC' ? UTC : { kind: 'named', id: resolved, format };
  } catch {
    return UTC;
  }
}

/** The zone's offset from UTC at an instant, in ms. */
export function offsetAt(zone: Zone, instant: number): number {
  if (zone.kind === 'fixed') return zone.offsetMs;
  const second = Math.floor(instant / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of zone.format.formatToParts(second)) fields[part.type] = Number(part.value);
  const wall = Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return wall - second;
}

/** Wall-clock time as ms since the epoch read as UTC ("local millis"). */
export function localOf(zone: Zone, instant: number): number {
  return instant + offsetAt(zone, instant);
}

/**
 * The instant of a wall-clock time in a zone. In a gap (spring forward) the time moves forward by the
 * gap (02:30 becomes 03:30); in an overlap (fall back) `prefer` picks the offset when it is one of the two
 * (so a start Chronos printed reads back as the same instant), else the earlier instant wins, as in Joda-Time.
 */
export function instantOf(zone: Zone, local: number, prefer: number | null = null): number {
  if (zone.kind === 'fixed') return local - zone.offsetMs;
  if (prefer !== null && offsetAt(zone, local - prefer) === prefer) return local - prefer;
  const before = offsetAt(zone, local - DAY_MS);
  const after = offsetAt(zone, local + DAY_MS);
  const valid = [local - before, local - after].filter((t) => offsetAt(zone, t) === local - t);
  return valid.length > 0 ? Math.min(...valid) : local - before;
}

export function wallOf(local: number): Wall {
  const d = new Date(local);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
  };
}

export function localFromWall(w: Wall): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.ms);
  return d.getTime();
}
