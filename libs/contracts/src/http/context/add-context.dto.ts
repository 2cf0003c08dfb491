import { z } from 'zod';
import { MEMORY_SOURCE_PREFIX } from '../../memory-index';
import { contextTypeSchema, identityFieldsSchema, isoDateSchema, looseBooleanSchema, scopeSchema } from './common';

const fileNameSchema = z.string().min(1).max(1024);

/** Both spellings of the file name in one place must agree: otherwise one would be dropped without a word. */
const oneFileName = (fields: { fileName?: string; file_name?: string }, ctx: z.RefinementCtx): void => {
  // An empty one is refused by its own rule; a conflict with it would say nothing more.
  if (fields.fileName && fields.file_name && fields.fileName !== fields.file_name) {
    ctx.addIssue({ code: 'custom', path: ['file_name'], message: `conflicts with fileName "${fields.fileName}": give one, or the same` });
  }
};

const metadataSchema = z
  .object({
    fileName: fileNameSchema.optional(),
    /** The spelling some clients send (seed 001's example); equal to `fileName` when both are given. */
    file_name: fileNameSchema.optional(),
    fileType: z.string().max(256).optional(),
    groupName: z.array(z.string().min(1).max(256)).max(64).optional(),
    lastModified: isoDateSchema.optional(),
    fileSize: z.number().nonnegative().optional(),
  })
  .catchall(z.unknown())
  .superRefine(oneFileName);

/**
 * A document is its content plus string-valued per-document metadata (seed 000: additionalProperties
 * string). Its own fileName and lastModified override the call's, so they follow the same rules.
 */
const documentSchema = z
  .object({
    // Blank text makes no chunk: the document would be stored, counted and never found.
    content: z
      .string()
      .min(1, 'must not be empty')
      .max(10_000_000)
      .refine((content) => /\S/.test(content), 'must hold some text, not only whitespace'),
    fileName: fileNameSchema.optional(),
    file_name: fileNameSchema.optional(),
    lastModified: isoDateSchema.optional(),
  })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .superRefine(oneFileName);

/**
 * A source naming a memory session's messages (`memory:<sessionId>`) is refused: an added context
 * under it would be retrieved, and deleted, as that session's messages.
 */
const sourceSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((source) => !source.startsWith(MEMORY_SOURCE_PREFIX), { message: `must not start with "${MEMORY_SOURCE_PREFIX}", which names memory sessions` });

export const addContextBodySchema = identityFieldsSchema.extend({
  documents: z.array(documentSchema).min(1, 'must hold at least one document'),
  source: sourceSchema,
  context_type: contextTypeSchema,
  scope: scopeSchema.default('internal'),
  metadata: metadataSchema.default({}),
  chained: looseBooleanSchema.default(false),
});

/** `/add` (seed 001) marks every field optional; sensible defaults keep it usable. */
export const addContextSyncBodySchema = addContextBodySchema.extend({
  source: sourceSchema.default('api'),
  context_type: contextTypeSchema.default('resource'),
});

export type AddContextBody = z.output<typeof addContextBodySchema>;
export type AddContextDocument = z.output<typeof documentSchema>;
export type AddContextMetadata = z.output<typeof metadataSchema>;

/**
 * The file name a document is stored under, from its own fields laid over the call's metadata:
 * `fileName`, else `file_name`; null when it has neither. Ingestion stores this, and the gateway's
 * 409 asks about exactly these names.
 */
export function effectiveFileName(fields: Readonly<Record<string, unknown>>): string | null {
  const named = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
  return named(fields.fileName) ?? named(fields.file_name);
}
