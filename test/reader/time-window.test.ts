import { describe, expect, it } from 'vitest';
import { describeWindow, inWindow, parseTimeWindow, TimeWindowError } from '../../src/core/usage/time-window.js';

const NOW = new Date('2026-11-15T12:30:00Z');
const iso = (d: Date | undefined): string | undefined => d?.toISOString();

describe('parseTimeWindow', () => {
  it('is open on both ends with no option', () => {
    expect(parseTimeWindow({}, NOW)).toEqual({});
    expect(describeWindow({})).toBe('all time');
  });

  it('reads a date-only --since as the start of that UTC day and --until as the end of its day', () => {
    const w = parseTimeWindow({ since: '2026-10-01', until: '2026-10-31' }, NOW);
    expect(iso(w.since)).toBe('2026-10-01T00:00:00.000Z');
    expect(iso(w.until)).toBe('2026-11-01T00:00:00.000Z');
  });

  it('reads date-times, with Z, with an offset, and without a zone (as UTC)', () => {
    expect(iso(parseTimeWindow({ since: '2026-10-01T08:15:30Z' }, NOW).since)).toBe('2026-10-01T08:15:30.000Z');
    expect(iso(parseTimeWindow({ since: '2026-10-01T08:15:30.250Z' }, NOW).since)).toBe('2026-10-01T08:15:30.250Z');
    expect(iso(parseTimeWindow({ since: '2026-10-01T10:15+02:00' }, NOW).since)).toBe('2026-10-01T08:15:00.000Z');
    expect(iso(parseTimeWindow({ since: '2026-10-01T03:15:00-0500' }, NOW).since)).toBe('2026-10-01T08:15:00.000Z');
    expect(iso(parseTimeWindow({ since: '2026-10-01 08:15' }, NOW).since)).toBe('2026-10-01T08:15:00.000Z');
    // A date-time --until is exact (not moved to the end of the day).
    expect(iso(parseTimeWindow({ until: '2026-10-31T00:00:00Z' }, NOW).until)).toBe('2026-10-31T00:00:00.000Z');
  });

  it('reads relative durations back from now', () => {
    expect(iso(parseTimeWindow({ since: '30d' }, NOW).since)).toBe('2026-10-16T12:30:00.000Z');
    expect(iso(parseTimeWindow({ since: '12h' }, NOW).since)).toBe('2026-11-15T00:30:00.000Z');
    expect(iso(parseTimeWindow({ since: '90m' }, NOW).since)).toBe('2026-11-15T11:00:00.000Z');
    expect(iso(parseTimeWindow({ since: '2w' }, NOW).since)).toBe('2026-11-01T12:30:00.000Z');
    expect(iso(parseTimeWindow({ since: '45s' }, NOW).since)).toBe('2026-11-15T12:29:15.000Z');
    expect(iso(parseTimeWindow({ since: '2h', until: '1h' }, NOW).until)).toBe('2026-11-15T11:30:00.000Z');
  });

  it('counts --days back from now, or from --until when given', () => {
    const a = parseTimeWindow({ days: 30 }, NOW);
    expect(iso(a.since)).toBe('2026-10-16T12:30:00.000Z');
    expect(a.until).toBeUndefined();
    const b = parseTimeWindow({ days: '30', until: '2026-11-01T00:00:00Z' }, NOW);
    expect(iso(b.since)).toBe('2026-10-02T00:00:00.000Z');
    expect(iso(b.until)).toBe('2026-11-01T00:00:00.000Z');
  });

  it.each([
    [{ since: 'yesterday' }, 'since', /not a date, date-time or duration/],
    [{ since: '2026-02-30' }, 'since', /not a real calendar date/],
    [{ until: '2026-13-01' }, 'until', /not a real calendar date/],
    [{ since: '2026-10-01T25:00Z' }, 'since', /not a real calendar date or time/],
    [{ since: '30' }, 'since', /bare number is ambiguous; write 30d/],
    [{ since: ' ' }, 'since', /is empty/],
    [{ days: 0 }, 'days', /whole number of days between 1/],
    [{ days: '1.5' }, 'days', /whole number/],
    [{ days: 'x' }, 'days', /whole number/],
    [{ days: 3, since: '2026-10-01' }, 'days', /cannot be combined with --since/],
    [{ since: '2026-10-02', until: '2026-10-01' }, 'since', /must be before --until/],
  ] as const)('rejects %o with a clear error on --%s', (opts, option, message) => {
    let err: unknown;
    try {
      parseTimeWindow(opts, NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TimeWindowError);
    expect((err as TimeWindowError).option).toBe(option);
    expect((err as Error).message).toMatch(message);
  });

  it('never reads the clock: the same input and now give the same window', () => {
    const a = parseTimeWindow({ since: '7d' }, new Date('2020-01-08T00:00:00Z'));
    expect(iso(a.since)).toBe('2020-01-01T00:00:00.000Z');
  });
});

describe('inWindow', () => {
  it('is inclusive at since and exclusive at until', () => {
    const w = { since: new Date('2026-10-01T00:00:00Z'), until: new Date('2026-10-02T00:00:00Z') };
    expect(inWindow(w, Date.parse('2026-10-01T00:00:00Z'))).toBe(true);
    expect(inWindow(w, Date.parse('2026-10-01T23:59:59Z'))).toBe(true);
    expect(inWindow(w, Date.parse('2026-10-02T00:00:00Z'))).toBe(false);
    expect(inWindow(w, Date.parse('2026-09-30T23:59:59Z'))).toBe(false);
    expect(inWindow({}, 0)).toBe(true);
  });
});
