import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryMessageInputSchema } from '../../events/memory-commands';
import { parseOrThrow } from '../../validation';
import { isoDateSchema, looseBooleanSchema, rangeBoundSchema } from './common';

const DAY = 86_400_000;
/** Within two days of a time: where the edges of the years 0001 and 9999 are. */
const near = (iso: string) => fc.integer({ min: -2 * DAY, max: 2 * DAY }).map((ms) => new Date(Date.parse(iso) + ms));
/** Any time, a day's margin from the ends of JavaScript's range keeping the test's own offsets in it. */
const anyDate = fc.date({ min: new Date(-8.64e15 + DAY), max: new Date(8.64e15 - DAY), noInvalidDate: true });

describe('isoDateSchema', () => {
  it('passes a date-time on in UTC ISO form', () => {
    expect(isoDateSchema.parse('2025-01-10T12:34:56+02:00')).toBe('2025-01-10T10:34:56.000Z');
    expect(isoDateSchema.parse('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
    expect(isoDateSchema.parse('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
  });

  it.each(['9999-12-31T23:59:59-01:00', '0001-01-01T00:00:00+01:00', '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z'])(
    'refuses %s, whose year in UTC has more or fewer than four digits',
    (date) => {
      const result = isoDateSchema.safeParse(date);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual(['must fall within the years 0001 to 9999, in UTC']);
    },
  );

  it('refuses what is no date at all, with that reason alone', () => {
    expect(isoDateSchema.safeParse('next tuesday').error?.issues.map((issue) => issue.message)).toEqual(['must be an ISO 8601 date-time']);
  });

  it.each([
    ['2023-02-29T10:00:00Z', 'must be a date that exists: 2023-02 has 28 days'],
    ['2023-02-30', 'must be a date that exists: 2023-02 has 28 days'],
    ['2100-02-29T00:00:00+01:00', 'must be a date that exists: 2100-02 has 28 days'],
    ['2023-04-31T00:00:00+02:00', 'must be a date that exists: 2023-04 has 30 days'],
    [' 2023-02-30', 'must be a date that exists: 2023-02 has 28 days'],
    ['2023/2/30', 'must be a date that exists: 2023-02 has 28 days'],
  ])('refuses %s, a day its month does not have, instead of reading it as a day of the next', (date, message) => {
    expect(isoDateSchema.safeParse(date).error?.issues.map((issue) => issue.message)).toEqual([message]);
    expect(rangeBoundSchema.safeParse(date).error?.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it('takes the last day of every month, February 29 of leap years included', () => {
    for (const date of ['2024-02-29', '2000-02-29T12:00:00Z', '2023-01-31', '2023-04-30', '2023-12-31T23:59:59Z']) {
      expect(isoDateSchema.safeParse(date).success).toBe(true);
    }
  });

  it('hands on only dates that a memory command carries: the gateway accepts none that the memory service would refuse', () => {
    const occurredAt = memoryMessageInputSchema.shape.occurredAt;
    fc.assert(
      fc.property(fc.oneof(near('0001-01-01T00:00:00Z'), near('9999-12-31T23:59:59.999Z'), anyDate), fc.integer({ min: -14 * 60, max: 14 * 60 }), (date, offsetMinutes) => {
        // The same instant written with an offset, as clients send it.
        const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const offset = `${sign}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
        const parsed = isoDateSchema.safeParse(`${local}${offset}`);
        if (parsed.success) expect(occurredAt.safeParse(parsed.data).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rangeBoundSchema', () => {
  it('moves a bound past the years a stored date can have to the nearest it can, and refuses what is no date', () => {
    expect(rangeBoundSchema.parse('0000-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
    expect(rangeBoundSchema.parse('+010000-01-01T00:00:00Z')).toBe('9999-12-31T23:59:59.999Z');
    expect(rangeBoundSchema.parse('2025-01-10T12:34:56+02:00')).toBe('2025-01-10T10:34:56.000Z');
    expect(rangeBoundSchema.safeParse('soon').success).toBe(false);
  });
});

describe('looseBooleanSchema', () => {
  it('reads booleans and their strings, and says what it takes otherwise', () => {
    expect([true, false, 'true', 'false'].map((v) => parseOrThrow(looseBooleanSchema, v))).toEqual([true, false, true, false]);
    expect(() => parseOrThrow(looseBooleanSchema, 'maybe')).toThrow('must be true or false (a boolean, or the string "true" or "false")');
  });
});
