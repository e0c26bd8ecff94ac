// The ISO 8601 reader and writer of schedules: repeating intervals, starts and periods round-trip through
// their text (property tests), Joda-Time's forms of a start are read, and what Chronos refuses is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatInstant,
  formatInterval,
  parseDateTime,
  parseInterval,
  parsePeriod,
  type Period,
} from '../../../src/chronos/core/iso8601.js';
import { fixedZone, UTC, zoneOf } from '../../../src/chronos/core/zone.js';

const p2 = (n: number): string => String(n).padStart(2, '0');

const wall = fc.record({
  year: fc.integer({ min: 1970, max: 2200 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
  ms: fc.integer({ min: 0, max: 999 }),
});
const offsetMinutes = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });
const period = fc.record({
  years: fc.nat(50),
  months: fc.nat(50),
  weeks: fc.nat(50),
  days: fc.nat(400),
  hours: fc.nat(100),
  minutes: fc.nat(100),
  seconds: fc.nat(100),
  millis: fc.nat(999),
});

function offsetText(minutes: number): string {
  if (minutes === 0) return 'Z';
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
}

function periodText(p: Period): string {
  const date = `${p.years ? `${p.years}Y` : ''}${p.months ? `${p.months}M` : ''}${p.weeks ? `${p.weeks}W` : ''}${p.days ? `${p.days}D` : ''}`;
  const secs = p.seconds || p.millis ? `${p.seconds}${p.millis ? `.${String(p.millis).padStart(3, '0')}` : ''}S` : '';
  const time = `${p.hours ? `${p.hours}H` : ''}${p.minutes ? `${p.minutes}M` : ''}${secs}`;
  return `P${date}${time === '' ? '' : `T${time}`}`;
}

describe('repeating intervals', () => {
  it('read back what was written: count, start wall clock and offset, period', () => {
    fc.assert(
      fc.property(fc.option(fc.nat(100_000)), wall, offsetMinutes, period, (repeat, w, offset, p) => {
        const start = `${w.year}-${p2(w.month)}-${p2(w.day)}T${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}.${String(w.ms).padStart(3, '0')}${offsetText(offset)}`;
        const text = formatInterval({ repeat, start, periodText: periodText(p) });
        const read = parseInterval(text);
        expect(read).not.toBeNull();
        expect(read?.repeat).toBe(repeat);
        expect(read?.start).toEqual({
          local: Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms),
          offsetMs: offset * 60_000,
        });
        expect(read?.period).toEqual(p);
      }),
    );
  });

  it('print an instant that reads back as the same instant, in fixed and named zones', () => {
    const zones = fc.oneof(
      offsetMinutes.map((m) => fixedZone(m * 60_000)),
      fc.constantFrom('Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata').map(zoneOf),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: Date.UTC(2200, 0, 1) }), zones, (instant, zone) => {
        const read = parseDateTime(formatInstant(instant, zone));
        expect(read).not.toBeNull();
        expect((read?.local ?? 0) - (read?.offsetMs ?? 0)).toBe(instant);
      }),
    );
  });

  it('refuse any text not of the form R[n]/[start]/P…', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        if (!/^R\d*\/.*\/P.*$/s.test(text)) expect(parseInterval(text)).toBeNull();
      }),
    );
  });

  it('read R as forever, Rn as n runs left, an empty start, and P alone as a zero period', () => {
    expect(parseInterval('R//PT1H')).toMatchObject({ repeat: null, start: null, periodText: 'PT1H' });
    expect(parseInterval('R3/2030-03-01T02:30:00Z/P1D')).toMatchObject({ repeat: 3, start: { offsetMs: 0 } });
    expect(parseInterval('R0/2030-01-01T00:00:00Z/PT1M')?.repeat).toBe(0);
    expect(parseInterval('R1//P')?.period).toEqual(parsePeriod('PT0S'));
    expect(parseInterval('R99999999999/2030-01-01T00:00:00Z/PT1M')).toBeNull();
  });

  it('refuse what Chronos cannot parse', () => {
    for (const bad of [
      'R/2030-01-01T00:00:00Z',
      'R/2030-01-01T00:00:00Z/',
      'R/2030-13-01T00:00:00Z/PT1H',
      'R/2030-02-30T00:00:00Z/PT1H',
      'R/2030-01-01T24:00:00Z/PT1H',
      'R/2030-01-01 00:00:00Z/PT1H',
      'R/2030-01-01T00:00:00+25:00/PT1H',
      'R/2030-01-01T00:00:00Z/PT',
      'R/2030-01-01T00:00:00Z/P1.5D',
      'R/2030-01-01T00:00:00Z/P1H',
      'X/2030-01-01T00:00:00Z/PT1H',
      'R-1/2030-01-01T00:00:00Z/PT1H',
      'R/yesterday/PT1H',
    ])
      expect(parseInterval(bad), bad).toBeNull();
  });
});

describe('starts', () => {
  it('read the forms Joda-Time reads', () => {
    const at = (text: string): number | null => {
      const read = parseDateTime(text);
      return read === null ? null : read.local - (read.offsetMs ?? 0);
    };
    expect(at('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(at('2024-03')).toBe(Date.UTC(2024, 2, 1));
    expect(at('2024')).toBe(Date.UTC(2024, 0, 1));
    expect(at('2024-060')).toBe(Date.UTC(2024, 1, 29));
    expect(at('2023-365')).toBe(Date.UTC(2023, 11, 31));
    expect(at('2023-366')).toBeNull();
    expect(at('2024-W01-1')).toBe(Date.UTC(2024, 0, 1));
    expect(at('2021-W01')).toBe(Date.UTC(2021, 0, 4));
    expect(at('2020-W53-7')).toBe(Date.UTC(2021, 0, 3));
    expect(at('2021-W53')).toBeNull();
    expect(at('T05:50Z')).toBe(Date.UTC(1970, 0, 1, 5, 50));
    expect(at('2024-03-01T10')).toBe(Date.UTC(2024, 2, 1, 10));
    expect(at('2024-03-01T10.5')).toBe(Date.UTC(2024, 2, 1, 10, 30));
    expect(at('2024-03-01T10:15,5')).toBe(Date.UTC(2024, 2, 1, 10, 15, 30));
    expect(at('2024-03-01T10:15:30.123456Z')).toBe(Date.UTC(2024, 2, 1, 10, 15, 30, 123));
    expect(at('2024-03-01T10:15:30+0530')).toBe(Date.UTC(2024, 2, 1, 4, 45, 30));
    expect(at('2024-03-01T10:15:30-08')).toBe(Date.UTC(2024, 2, 1, 18, 15, 30));
    expect(parseDateTime('2024-03-01T10:00')?.offsetMs).toBeNull();
  });

  it('print as Chronos rewrites them: milliseconds, Z for a zero offset, ±hh:mm otherwise', () => {
    const t = Date.UTC(2030, 2, 1, 1, 30);
    expect(formatInstant(t, UTC)).toBe('2030-03-01T01:30:00.000Z');
    expect(formatInstant(t, zoneOf('Europe/Berlin'))).toBe('2030-03-01T02:30:00.000+01:00');
    expect(formatInstant(Date.UTC(2030, 6, 1), zoneOf('Europe/Berlin'))).toBe('2030-07-01T02:00:00.000+02:00');
    expect(formatInstant(t, zoneOf('America/St_Johns'))).toBe('2030-02-28T22:00:00.000-03:30');
    expect(formatInstant(t, zoneOf('Europe/London'))).toBe('2030-03-01T01:30:00.000Z');
  });
});

describe('periods', () => {
  it('read every field, and fractional seconds only', () => {
    expect(parsePeriod('P1Y2M3W4DT5H6M7.008S')).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7,
      millis: 8,
    });
    expect(parsePeriod('PT0.5S')?.millis).toBe(500);
    expect(parsePeriod('PT1,25S')).toMatchObject({ seconds: 1, millis: 250 });
    expect(parsePeriod('PT0.5M')).toBeNull();
    expect(parsePeriod('P1M1Y')).toBeNull();
    expect(parsePeriod('PT3000000000S')).toBeNull();
  });
});

describe('time zones', () => {
  it('read IANA names, the legacy three-letter ids as Java reads them, GMT offsets; unknown ids are GMT', () => {
    expect(zoneOf('Europe/Berlin')).toMatchObject({ kind: 'named', id: 'Europe/Berlin' });
    expect(zoneOf('PST')).toMatchObject({ kind: 'named', id: 'America/Los_Angeles' });
    expect(zoneOf('BST')).toMatchObject({ kind: 'named', id: 'Asia/Dhaka' });
    expect(zoneOf('GMT+02:00')).toEqual(fixedZone(2 * 3_600_000));
    expect(zoneOf('GMT-5')).toEqual(fixedZone(-5 * 3_600_000));
    expect(zoneOf('Mars/Olympus_Mons')).toBe(UTC);
    expect(zoneOf('null')).toBe(UTC);
  });
});
