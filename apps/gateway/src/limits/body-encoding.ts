import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@recollect/contracts';
import { refusalBodyFor } from '../errors/error-envelope';

/** A `charset` parameter of a content type, lower-cased; undefined when it has none. */
const charsetOf = (contentType: string): string | undefined => /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1]?.toLowerCase();

const UTF8 = new Set(['utf-8', 'utf8']);

const refuse = (request: FastifyRequest, reply: FastifyReply, message: string): FastifyReply =>
  reply.status(415).send(refusalBodyFor(request.url, 415, ErrorCode.UnsupportedMediaType, message));

/**
 * Bodies are read as uncompressed UTF-8 JSON. A compressed body, or one in another charset, would
 * otherwise fail as "not valid JSON" (a 400 naming nothing) or, worse, be read with its letters
 * replaced: both are a 415 that says what to send instead.
 */
export function acceptOnlyPlainUtf8Bodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const { 'content-length': length, 'transfer-encoding': chunked } = request.headers;
    // Headers on a request without a body describe nothing.
    if ((length === undefined || length === '0') && chunked === undefined) return undefined;
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') return refuse(request, reply, `Content-Encoding ${encoding} is not accepted: send the body uncompressed`);
    const contentType = request.headers['content-type'];
    const charset = contentType ? charsetOf(contentType) : undefined;
    if (charset && !UTF8.has(charset)) return refuse(request, reply, `Bodies must be UTF-8 JSON (charset=${charset} was given)`);
    return undefined;
  });
}
