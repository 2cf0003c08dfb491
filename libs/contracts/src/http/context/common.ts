import { z } from 'zod';

export const MAX_DOCUMENTS_PER_CALL = 100;
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

export const contextTypeSchema = z.enum(['resource', 'conversation', 'instruction']);
export const scopeSchema = z.enum(['internal', 'external']);

/** The seeds' examples send booleans as "true"/"false" strings; both spellings are accepted. */
export const looseBooleanSchema = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const isoDateSchema = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be an ISO 8601 date-time' })
  .transform((v) => new Date(v).toISOString());

/** Identity fields a body may carry for compatibility; the token decides, these must agree with it. */
export const identityFieldsSchema = z.object({
  user_id: z.string().min(1).max(256).nullish(),
  organization_id: z.string().min(1).max(256).nullish(),
});
