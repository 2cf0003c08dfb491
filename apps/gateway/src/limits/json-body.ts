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
 */
export function parseJsonBodiesWithReasons(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text === '') return done(new UnreadableJsonBody("Body is empty, but its content-type is 'application/json'"), undefined);
    try {
      done(null, parse(text, undefined, SECURE));
    } catch {
      done(new UnreadableJsonBody(reasonFor(text)), undefined);
    }
  });
}
