import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { parse } from 'secure-json-parse';

/** Refuses a request body; the error filter answers its status with the message as it stands. */
class UnreadableJsonBody extends Error {
  readonly statusCode = 400;
}

const SECURE = { protoAction: 'error', constructorAction: 'error' } as const;
const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * Why a body was refused, worked out only once it was: parsing again without the key checks tells
 * a forbidden key from a syntax error, whose message says where.
 */
function reasonFor(body: string): string {
  try {
    JSON.parse(withoutBom(body));
  } catch (error) {
    return `Body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  return 'Body must not hold a "__proto__" key, nor a "constructor" key holding "prototype": such keys could change how the service reads every object';
}

/**
 * JSON bodies parsed as Fastify's own parser does (the same key checks), except that a refusal says
 * why: Fastify answers every bad body "Body is not valid JSON", naming neither the place nor the key.
 * Bytes that are not UTF-8 are refused too, where decoding would have replaced them with U+FFFD and
 * stored text the client never sent. Only `application/json` is read: Fastify's `text/plain` parser
 * is removed, so such a body is a 415 like any other type.
 */
export function parseJsonBodiesWithReasons(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, bytes, done) => {
    if (!isUtf8(bytes as Buffer)) return done(new UnreadableJsonBody('Body is not valid UTF-8: send JSON encoded as UTF-8'), undefined);
    const text = (bytes as Buffer).toString('utf8');
    if (text === '') return done(new UnreadableJsonBody("Body is empty, but its content-type is 'application/json'"), undefined);
    try {
      done(null, parse(text, undefined, SECURE));
    } catch {
      done(new UnreadableJsonBody(reasonFor(text)), undefined);
    }
  });
}
