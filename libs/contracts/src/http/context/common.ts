import { z } from 'zod';

export const MAX_DOCUMENTS_PER_CALL = 100;
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

export const contextTypeSchema = z.enum(['resource', 'conversation', 'instruction']);
export const scopeSchema = z.enum(['internal', 'external']);

/** The seeds' examples send booleans as "true"/"false" strings; both spellings are accepted. */
export const looseBooleanSchema = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const FIRST_STORABLE_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_STORABLE_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A date-time JavaScript can read, passed on in UTC ISO form. Its year, in UTC, must have four digits
 * (0001 to 9999): outside them ISO strings take the extended form (`+010000-01-01T…`), which the
 * commands' date-time fields, PostgreSQL and the index's text order do not all take.
 */
export const isoDateSchema = z
  .string()
  .superRefine((v, ctx) => {
    const time = Date.parse(v);
    if (Number.isNaN(time)) ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time' });
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
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be an ISO 8601 date-time' })
  .transform((v) => new Date(Math.min(Math.max(Date.parse(v), FIRST_STORABLE_TIME), LAST_STORABLE_TIME)).toISOString());

/** Identity fields a body may carry for compatibility; the token decides, these must agree with it. */
export const identityFieldsSchema = z.object({
  user_id: z.string().min(1).max(256).nullish(),
  organization_id: z.string().min(1).max(256).nullish(),
});
