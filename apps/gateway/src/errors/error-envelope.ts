import { ErrorCode, httpStatusOf, type ErrorBody } from '@recollect/contracts';

/**
 * Alchemyst routes: satisfies the seeds' error schemas: `success/message/status` (400), `response`
 * (500, and the documented common format), and `error` as an object (memory routes).
 */
export const alchemystErrorBody = (error: ErrorBody) => ({
  success: false as const,
  status: httpStatusOf[error.code],
  message: error.message,
  response: error.message,
  error,
});

/**
 * A refusal made before any route runs (by Node's parser, Fastify's router or a body check), whose
 * code need not be a domain code: the Alchemyst shape, whose `error` also satisfies Memind's, for
 * where the path is not known (see refusalBodyFor).
 */
export const refusalBody = (status: number, code: string, message: string) => ({ success: false as const, status, message, response: message, error: { code, message } });

/** Memind routes: `{error: {code, message, details}}`. */
export const memindErrorBody = (error: ErrorBody | { code: string; message: string }) => ({ error });

/** Memind's routes live under /open/; every other route answers in the Alchemyst shape. */
export const isMemindPath = (url: string): boolean => url.startsWith('/open/');

/** A refusal made before any route runs, in the shape of the API family its path belongs to. */
export const refusalBodyFor = (url: string, status: number, code: string, message: string) =>
  isMemindPath(url) ? memindErrorBody({ code, message }) : refusalBody(status, code, message);

/** Fastify's own request errors (body parsing, size, media type), mapped to domain codes. */
export function codeForFastifyError(fastifyCode: string | undefined, statusCode: number | undefined): ErrorCode {
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE' || statusCode === 413) return ErrorCode.PayloadTooLarge;
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || statusCode === 415) return ErrorCode.UnsupportedMediaType;
  return ErrorCode.ValidationFailed;
}
