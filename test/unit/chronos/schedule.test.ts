// The next-run arithmetic: periods on the wall clock (month ends, leap days, DST in a named zone) or exact,
// the skip forward past now in phase with the start (property tests), and Rn counting down to R0.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePeriod, type Period } from '../../../src/chronos/core/iso8601.js';
import {
  addPeriod,
  advanceSchedule,
  nextRunAt,
  nextStartAfter,
  readSchedule,
} from '../../../src/chronos/core/schedule.js';
import { fixedZone, offsetAt, UTC, zoneOf } from '../../../src/chronos/core/zone.js';

const iso = (t: number): string => new Date(t).toISOString();
const period = (text: string): Period => {
  const p = parsePeriod(text);
  if (p === null) throw new Error(text);
  return p;
};
const BERLIN = zoneOf('Europe/Berlin');
const NEW_YORK = zoneOf('America/New_York');

describe('adding periods', () => {
  it('keeps the day of month or clamps it to the month end, year by year and month by month', () => {
    const jan31 = Date.UTC(2024, 0, 31, 9);
    expect(iso(addPeriod(jan31, period('P1M'), UTC))).toBe('2024-02-29T09:00:00.000Z');
    expect(iso(addPeriod(jan31, period('P1M'), UTC, 2))).toBe('2024-03-31T09:00:00.000Z');
    expect(iso(addPeriod(Date.UTC(2023, 0, 31), period('P1M'), UTC))).toBe('2023-02-28T00:00:00.000Z');
    expect(iso(addPeriod(Date.UTC(2024, 1, 29), period('P1Y'), UTC))).toBe('2025-02-28T00:00:00.000Z');
    expect(iso(addPeriod(Date.UTC(2024, 1, 29), period('P1Y'), UTC, 4))).toBe('2028-02-29T00:00:00.000Z');
    expect(iso(addPeriod(Date.UTC(2024, 1, 29), period('P1Y1M'), UTC))).toBe('2025-03-28T00:00:00.000Z');
    expect(iso(addPeriod(Date.UTC(2024, 11, 31), period('P2M'), UTC))).toBe('2025-02-28T00:00:00.000Z');
  });

  it('keeps the local time across DST with P1D and moves it with PT24H (Europe/Berlin, 2030-03-31)', () => {
    const mar30 = Date.UTC(2030, 2, 30, 1, 30); // 02:30 CET
    expect(iso(addPeriod(mar30, period('P1D'), BERLIN))).toBe('2030-03-31T01:30:00.000Z'); // 02:30 does not exist: 03:30 CEST
    expect(iso(addPeriod(mar30, period('P1D'), BERLIN, 2))).toBe('2030-04-01T00:30:00.000Z'); // 02:30 CEST
    expect(iso(addPeriod(mar30, period('PT24H'), BERLIN))).toBe('2030-03-31T01:30:00.000Z');
    expect(iso(addPeriod(mar30, period('PT24H'), BERLIN, 2))).toBe('2030-04-01T01:30:00.000Z'); // 03:30 CEST
    const mar29 = Date.UTC(2030, 2, 29, 11); // 12:00 CET
    expect(iso(addPeriod(mar29, period('P1W'), BERLIN))).toBe('2030-04-05T10:00:00.000Z'); // 12:00 CEST
  });

  it('takes the earlier of an hour that happens twice, and keeps the offset it starts from (America/New_York, 2030-11-03)', () => {
    const nov2 = Date.UTC(2030, 10, 2, 5, 30); // 01:30 EDT
    expect(iso(addPeriod(nov2, period('P1D'), NEW_YORK))).toBe('2030-11-03T05:30:00.000Z'); // 01:30 EDT, the first one
    expect(iso(addPeriod(nov2, period('P1D'), NEW_YORK, 2))).toBe('2030-11-04T06:30:00.000Z'); // 01:30 EST
    const secondOne = Date.UTC(2030, 10, 3, 6, 30); // 01:30 EST
    expect(iso(addPeriod(secondOne, period('PT1H'), NEW_YORK))).toBe('2030-11-03T07:30:00.000Z');
  });
});

describe('the next start', () => {
  const zones = fc.oneof(
    fc.integer({ min: -14 * 60, max: 14 * 60 }).map((m) => fixedZone(m * 60_000)),
    fc.constantFrom('Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago').map(zoneOf),
  );
  const periods = fc.oneof(
    fc.constantFrom('P1D', 'PT24H', 'P1M', 'P1Y', 'P1W', 'PT1H', 'PT15M', 'PT1M', 'P1DT12H', 'PT0.25S').map(period),
    fc
      .record({ days: fc.nat(40), hours: fc.nat(48), minutes: fc.nat(90), seconds: fc.nat(90) })
      .filter((p) => p.days + p.hours + p.minutes + p.seconds > 0)
      .map((p): Period => ({ years: 0, months: 0, weeks: 0, millis: 0, ...p })),
  );
  const start = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) });

  it('is the first start after now in phase with the first one', () => {
    fc.assert(
      fc.property(start, fc.integer({ min: 0, max: 20 * 365 * 86_400_000 }), periods, zones, (s, later, p, zone) => {
        const now = s + later;
        const next = nextStartAfter({
          start: { instant: s, local: s + offsetAt(zone, s) },
          period: p,
          zone,
          now,
        }).instant;
        expect(next).toBeGreaterThan(now);
        const k = countPeriods(s, p, zone, next);
        expect(k).toBeGreaterThanOrEqual(1);
        expect(addPeriod(s, p, zone, k - 1)).toBeLessThanOrEqual(now);
      }),
      { numRuns: 300 },
    );
  });

  it('is the start itself while it is ahead', () => {
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 86_400_000 }), periods, zones, (s, ahead, p, zone) => {
        const start = { instant: s, local: s + offsetAt(zone, s) };
        expect(nextStartAfter({ start, period: p, zone, now: s - ahead })).toBe(start);
      }),
    );
  });
});

/** The k with addPeriod(start, p, zone, k) === next, found by walking. */
function countPeriods(start: number, p: Period, zone: ReturnType<typeof zoneOf>, next: number): number {
  let lo = 0;
  let hi = 1;
  while (addPeriod(start, p, zone, hi) < next) hi *= 2;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (addPeriod(start, p, zone, mid) < next) lo = mid + 1;
    else hi = mid;
  }
  if (addPeriod(start, p, zone, lo) !== next) throw new Error('not in phase');
  return lo;
}

describe('schedules', () => {
  const NOW = Date.UTC(2030, 2, 1, 12, 0, 0);

  it('keep the wall clock of the start and replace its zone with scheduleTimeZone', () => {
    expect(iso(readSchedule('R3/2030-03-01T02:30:00Z/P1D', 'Europe/Berlin', NOW)?.start ?? 0)).toBe(
      '2030-03-01T01:30:00.000Z',
    );
    expect(iso(readSchedule('R/2014-10-10T18:32:00Z/PT60M', 'PST', NOW)?.start ?? 0)).toBe('2014-10-11T01:32:00.000Z');
    expect(iso(readSchedule('R/2030-03-01T02:30:00+05:00/P1D', '', NOW)?.start ?? 0)).toBe('2030-02-28T21:30:00.000Z');
    expect(iso(readSchedule('R/2030-03-01T02:30:00/P1D', '', NOW)?.start ?? 0)).toBe('2030-03-01T02:30:00.000Z');
  });

  it('read an empty start as one second ago, at every reading', () => {
    expect(readSchedule('R//PT1H', '', NOW)?.start).toBe(NOW - 1000);
    expect(readSchedule('R//PT1H', 'Europe/Berlin', NOW + 5000)?.start).toBe(NOW + 4000);
  });

  it('count Rn down at each launch, skip the start past now once, and stop at R0', () => {
    const tz = 'Europe/Berlin';
    const first = 'R3/2030-03-01T02:30:00Z/P1D';
    const second = advanceSchedule(first, tz, Date.UTC(2030, 2, 1, 1, 30, 5)) ?? '';
    expect(second).toBe('R2/2030-03-02T02:30:00.000+01:00/P1D');
    const third = advanceSchedule(second, tz, Date.UTC(2030, 2, 2, 1, 30, 5)) ?? '';
    expect(third).toBe('R1/2030-03-03T02:30:00.000+01:00/P1D');
    const last = advanceSchedule(third, tz, Date.UTC(2030, 2, 3, 1, 30, 5)) ?? '';
    expect(last).toBe('R0/2030-03-04T02:30:00.000+01:00/P1D');
    expect(nextRunAt(last, tz, NOW)).toBeNull();
    expect(advanceSchedule(last, tz, Date.UTC(2030, 2, 4, 1, 30, 5))).toBe('R0/2030-03-05T02:30:00.000+01:00/P1D');
  });

  it('coalesce missed starts into one run: one decrement however many periods are skipped', () => {
    expect(advanceSchedule('R10/2030-03-01T00:00:00.000Z/PT1M', '', Date.UTC(2030, 2, 1, 0, 42, 30))).toBe(
      'R9/2030-03-01T00:43:00.000Z/PT1M',
    );
    expect(advanceSchedule('R/2024-01-01T00:00:00.000Z/PT1M', '', NOW)).toBe('R/2030-03-01T12:01:00.000Z/PT1M');
  });

  it('turn an empty start into the launch time less a second plus a period', () => {
    expect(advanceSchedule('R//PT1H', '', NOW)).toBe('R/2030-03-01T12:59:59.000Z/PT1H');
  });

  it('keep the period as written and run a one-off job once', () => {
    expect(advanceSchedule('R1//P', '', NOW)).toBe('R0/2030-03-01T11:59:59.000Z/P');
    expect(advanceSchedule('R/2030-03-01T00:00:00Z/PT0.5S', '', NOW)).toBe('R/2030-03-01T12:00:00.500Z/PT0.5S');
  });

  it('keep the wall clock through a DST gap: 02:30 that ran at 03:30 is 02:30 again the next day', () => {
    const tz = 'Europe/Berlin';
    const gapDay = advanceSchedule('R/2031-03-29T02:30:00Z/P1D', tz, Date.UTC(2031, 2, 29, 1, 30, 1)) ?? '';
    expect(gapDay).toBe('R/2031-03-30T02:30:00.000+01:00/P1D');
    expect(iso(readSchedule(gapDay, tz, NOW)?.start ?? 0)).toBe('2031-03-30T01:30:00.000Z');
    expect(advanceSchedule(gapDay, tz, Date.UTC(2031, 2, 30, 1, 30, 1))).toBe('R/2031-03-31T02:30:00.000+02:00/P1D');
  });

  it('read a rewritten start back as the same instant inside a repeated hour', () => {
    const tz = 'America/New_York';
    const rewritten = advanceSchedule('R/2030-11-03T00:30:00-04:00/PT1H', tz, Date.UTC(2030, 10, 3, 5, 45)) ?? '';
    expect(rewritten).toBe('R/2030-11-03T01:30:00.000-05:00/PT1H');
    expect(iso(readSchedule(rewritten, tz, NOW)?.start ?? 0)).toBe('2030-11-03T06:30:00.000Z');
  });
});
