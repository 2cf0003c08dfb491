import { z } from 'zod';

export const MAX_DOCUMENTS_PER_CALL = 100;
/**
 * Every chunk keeps a copy of its call's metadata and of its document's own fields: each of the two
 * may take this much as JSON, so a large document's chunks cannot multiply megabytes of it.
 */
export const MAX_METADATA_BYTES = 16 * 1024;
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

export const contextTypeSchema = z.enum(['resource', 'conversation', 'instruction']);
export const scopeSchema = z.enum(['internal', 'external']);

/** The seeds' examples send booleans as "true"/"false" strings; both spellings are accepted. */
export const looseBooleanSchema = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'must be true or false (a boolean, or the string "true" or "false")' });

const FIRST_STORABLE_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_STORABLE_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** Year, month and day at the start, in the spellings JavaScript reads as dates (`2023-02-30`, ` 2023/2/30`). */
const CALENDAR_DATE = /^\s*([+-]\d{6}|\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)/;

/** Days in a month of the proleptic Gregorian calendar, which ISO 8601 uses. */
function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/**
 * JavaScript reads `2023-02-30` as March 2, silently: the date a client meant is not the one stored.
 * Answers why an ISO date's day does not exist in its month, or undefined.
 */
function missingDay(value: string): string | undefined {
  const [, year, month, day] = CALENDAR_DATE.exec(value) ?? [];
  if (year === undefined) return undefined;
  const days = daysIn(Number(year), Number(month));
  return Number(day) > days ? `must be a date that exists: ${year}-${month!.padStart(2, '0')} has ${days} days` : undefined;
}

/**
 * A date-time JavaScript can read, passed on in UTC ISO form. Its year, in UTC, must have four digits
 * (0001 to 9999): outside them ISO strings take the extended form (`+010000-01-01T…`), which the
 * commands' date-time fields, PostgreSQL and the index's text order do not all take.
 */
export const isoDateSchema = z
  .string()
  .superRefine((v, ctx) => {
    const time = Date.parse(v);
    const missing = missingDay(v);
    if (Number.isNaN(time)) ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time' });
    else if (missing) ctx.addIssue({ code: 'custom', message: missing });
    else if (time < FIRST_STORABLE_TIME || time > LAST_STORABLE_TIME)
      ctx.addIssue({ code: 'custom', message: 'must fall within the years 0001 to 9999, in UTC' });
  })
  .transform((v) => new Date(v).toISOString());

/**
 * A bound of a time range. Bounds are compared, never stored, so one past the years isoDateSchema
 * takes (`0000-01-01T00:00:00Z` for "from the start") is moved to the nearest it takes, which keeps
 * its meaning: every stored date lies within them.
 */
export const rangeBoundSchema = z
  .string()
  .superRefine((v, ctx) => {
    const missing = missingDay(v);
    if (Number.isNaN(Date.parse(v))) ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time' });
    else if (missing) ctx.addIssue({ code: 'custom', message: missing });
  })
  .transform((v) => new Date(Math.min(Math.max(Date.parse(v), FIRST_STORABLE_TIME), LAST_STORABLE_TIME)).toISOString());

/** Identity fields a body may carry for compatibility; the token decides, these must agree with it. */
export const identityFieldsSchema = z.object({
  user_id: z.string().min(1).max(256).nullish(),
  organization_id: z.string().min(1).max(256).nullish(),
});
