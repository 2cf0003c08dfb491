import { z } from 'zod';
import { isoDateSchema, rangeBoundSchema } from '../context/common';
import { base64DecodedBytes } from './base64';
import { MAX_MESSAGE_CHARS } from './limits';

const optionalId = z.string().trim().min(1, 'must not be empty').max(256).optional();
const nonBlank = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => v.trim().length > 0, { message: 'must not be empty' });

const base64SourceSchema = z.object({
  type: z.literal('base64'),
  media_type: z.string().trim().min(1, 'must name the media type, e.g. image/png').max(255),
  data: z.string().refine((v) => base64DecodedBytes(v) !== null, { message: 'must be base64 (RFC 4648, padded), bare or as a data: URI' }),
  contentId: z.string().max(256).optional(),
});
/**
 * A URL is kept for whoever reads the message later, to fetch or to render: one that runs script, reads
 * the reader's own files or carries the media inline is refused. Storage schemes (s3:, gs:, …) pass.
 */
const REFUSED_URL_SCHEMES = new Set(['javascript:', 'vbscript:', 'file:', 'blob:', 'data:', 'filesystem:', 'view-source:', 'about:']);
const mediaUrlSchema = z
  .url()
  .max(8192)
  // Checks run on after a failed one: a URL that does not parse is left to z.url()'s own issue.
  .refine((url) => !URL.canParse(url) || !REFUSED_URL_SCHEMES.has(new URL(url).protocol), {
    message: 'must not be a javascript:, vbscript:, file:, blob:, data:, filesystem:, view-source: or about: URL (send inline media as a base64 source)',
  });
const urlSourceSchema = z.object({ type: z.literal('url'), url: mediaUrlSchema, contentId: z.string().max(256).optional() });
const sourceSchema = z.discriminatedUnion('type', [base64SourceSchema, urlSourceSchema]);

const mediaBlock = <K extends 'image' | 'audio' | 'video'>(kind: K) => z.object({ type: z.literal(kind), source: sourceSchema });

/** Memind content blocks (seed 003): text, image, audio, video; media with a base64 or URL source. */
export const memindContentBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: nonBlank(MAX_MESSAGE_CHARS) }),
  mediaBlock('image'),
  mediaBlock('audio'),
  mediaBlock('video'),
]);
export type MemindContentBlock = z.output<typeof memindContentBlockSchema>;

export const memindMessageSchema = z.object({
  role: z.enum(['USER', 'ASSISTANT']),
  content: z.array(memindContentBlockSchema).min(1, 'must hold at least one content block').max(100),
  timestamp: isoDateSchema.optional(),
  userName: z.string().trim().min(1).max(256).optional(),
  sourceClient: z.string().max(256).optional(),
  /** Extension: the caller's message id, so a later add with the same id replaces it. */
  id: optionalId,
  /** Extension: kept with the message and returned by retrieve and search. */
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type MemindMessage = z.output<typeof memindMessageSchema>;

export const addMessageBodySchema = z.object({
  userId: z.string().trim().min(1, 'must not be empty').max(256),
  agentId: z.string().trim().min(1, 'must not be empty').max(256),
  message: memindMessageSchema,
  sourceClient: z.string().max(256).optional(),
  /** Extension: the conversation the message belongs to; defaults to the agentId. */
  sessionId: optionalId,
  /** Extension: only meaningful when Memind auth is off (the token decides otherwise). */
  organizationId: z.string().trim().min(1).max(256).nullish(),
  /** Extension: merged under the message's own metadata. */
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type AddMessageBody = z.output<typeof addMessageBodySchema>;

export const retrieveMemoryBodySchema = z
  .object({
    userId: optionalId,
    organizationId: z.string().trim().min(1).max(256).nullish(),
    agentId: optionalId,
    sessionId: optionalId,
    query: z.string().trim().min(1, 'must not be empty').max(10_000),
    /** Memind's strategies; both run the same hybrid search here. */
    strategy: z.enum(['SIMPLE', 'DEEP']).default('SIMPLE'),
    trace: z.boolean().optional(),
    limit: z.number().int().min(1).max(100).default(10),
    /** Inclusive bounds on when the messages occurred. */
    timeRange: z.object({ from: rangeBoundSchema.optional(), to: rangeBoundSchema.optional() }).strict().optional(),
  })
  .refine((b) => !b.timeRange?.from || !b.timeRange.to || b.timeRange.from <= b.timeRange.to, {
    message: 'from must not be after to',
    path: ['timeRange', 'from'],
  });
export type RetrieveMemoryBody = z.output<typeof retrieveMemoryBodySchema>;

export const operationIdParamSchema = z.object({ operationId: z.string().min(1).max(200) });

/** Only read when Memind auth is off: whose operation it is. */
export const memindTenantQuerySchema = z.object({ userId: optionalId, organizationId: z.string().trim().min(1).max(256).optional() });
