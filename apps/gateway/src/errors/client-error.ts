import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { refusalBody, refusalBodyFor } from './error-envelope';

/** Node's own limit on a request's header section (`--max-http-header-size`). */
const MAX_HEADER_BYTES = 16 * 1024;

interface Refusal {
  status: number;
  code: string;
  message: string;
}

function refusalFor(code: string | undefined): Refusal {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'HEADERS_TOO_LARGE', message: `Request headers must take at most ${MAX_HEADER_BYTES / 1024} KiB in all (a token, cookies and the rest together)` };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time' };
  return { status: 400, code: 'VALIDATION_FAILED', message: `The request is not well-formed HTTP/1.1${code ? ` (${code})` : ''}` };
}

/**
 * Answers what Node's HTTP parser refuses before any route sees it (headers over its limit,
 * malformed HTTP, a request too slow to arrive), when its path is not known, in the shape that
 * carries both the Alchemyst fields and Memind's `error`; then closes the connection, as Node does.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = refusalFor(error.code);
  const body = JSON.stringify(refusalBody(status, code, message));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** How long one path segment may be before routing gives up: ids are checked by their own rules, far below it. */
export const MAX_PATH_SEGMENT_LENGTH = 1024;

function frameworkRefusalFor(code: string): Refusal {
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return { status: 414, code: 'URI_TOO_LONG', message: `A path segment must take at most ${MAX_PATH_SEGMENT_LENGTH} characters` };
  }
  if (code === 'FST_ERR_BAD_URL') return { status: 400, code: 'VALIDATION_FAILED', message: 'The path is not valid percent-encoded UTF-8' };
  return { status: 400, code: 'VALIDATION_FAILED', message: `The request could not be routed (${code})` };
}

/** What Fastify's router refuses before any route runs, in the error shape of the path's API family. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, code, message } = frameworkRefusalFor(error.code);
  void reply.status(status).send(refusalBodyFor(request.url, status, code, message));
}

