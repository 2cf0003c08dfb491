import { z } from 'zod';
import { contextTypeSchema, identityFieldsSchema, isoDateSchema, looseBooleanSchema, scopeSchema } from './common';

const metadataSchema = z
  .object({
    fileName: z.string().min(1).max(1024).optional(),
    fileType: z.string().max(256).optional(),
    groupName: z.array(z.string().min(1).max(256)).max(64).optional(),
    lastModified: isoDateSchema.optional(),
    fileSize: z.number().nonnegative().optional(),
  })
  .catchall(z.unknown());

/**
 * A document is its content plus string-valued per-document metadata (seed 000: additionalProperties
 * string). Its own fileName and lastModified override the call's, so they follow the same rules.
 */
const documentSchema = z
  .object({
    content: z.string().min(1, 'must not be empty').max(10_000_000),
    fileName: z.string().min(1).max(1024).optional(),
    lastModified: isoDateSchema.optional(),
  })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const addContextBodySchema = identityFieldsSchema.extend({
  documents: z.array(documentSchema).min(1, 'must hold at least one document'),
  source: z.string().min(1).max(1024),
  context_type: contextTypeSchema,
  scope: scopeSchema.default('internal'),
  metadata: metadataSchema.default({}),
  chained: looseBooleanSchema.default(false),
});

/** `/add` (seed 001) marks every field optional; sensible defaults keep it usable. */
export const addContextSyncBodySchema = addContextBodySchema.extend({
  source: z.string().min(1).max(1024).default('api'),
  context_type: contextTypeSchema.default('resource'),
});

export type AddContextBody = z.output<typeof addContextBodySchema>;
export type AddContextDocument = z.output<typeof documentSchema>;
export type AddContextMetadata = z.output<typeof metadataSchema>;
