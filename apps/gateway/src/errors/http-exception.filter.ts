import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, httpStatusOf, type ErrorBody } from '@recollect/contracts';
import { otherMethodsOn } from './allowed-methods';
import { alchemystErrorBody, codeForFastifyError, isMemindPath, memindErrorBody, refusalBodyFor } from './error-envelope';

const CODE_FOR_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.DuplicateFile,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
  503: ErrorCode.BusUnavailable,
  504: ErrorCode.Timeout,
};

/** A body no parser reads; Fastify's own text names neither the type sent nor the one expected. */
const unsupportedMediaType = (request: FastifyRequest): string =>
  `Bodies must be JSON, sent with content-type application/json (${request.headers['content-type'] ?? 'no content-type'} was given)`;

/** Maps every error to the envelope of the API family the route belongs to. Unknown errors are logged and answered 500 without internals. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // The router's 404: the path may have routes for other methods. An HTTP refusal, not a domain error.
    const allowed = exception instanceof NotFoundException ? otherMethodsOn(request) : [];
    if (allowed.length > 0) {
      const message = `${request.method} is not allowed on ${request.url.split('?')[0]}: it takes ${allowed.join(', ')}`;
      void reply.status(405).header('allow', allowed.join(', ')).send(refusalBodyFor(request.url, 405, 'METHOD_NOT_ALLOWED', message));
      return;
    }
    const body = this.toErrorBody(exception, request);
    const status = httpStatusOf[body.code];
    void reply.status(status).send(isMemindPath(request.url) ? memindErrorBody(body) : alchemystErrorBody(body));
  }

  private toErrorBody(exception: unknown, request: FastifyRequest): ErrorBody {
    if (exception instanceof DomainError) return exception.toBody();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_FOR_STATUS[status] ?? (status < 500 ? ErrorCode.ValidationFailed : ErrorCode.Internal);
      const message =
        status === 401
          ? 'Missing or invalid bearer token'
          : status === 404
            ? `No route ${request.method} ${request.url.split('?')[0]}`
            : status === 415
              ? unsupportedMediaType(request)
              : exception.message;
      return { code, message };
    }
    const fastifyError = exception as { code?: string; statusCode?: number; message?: string };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
      const code = codeForFastifyError(fastifyError.code, fastifyError.statusCode);
      return { code, message: code === ErrorCode.UnsupportedMediaType ? unsupportedMediaType(request) : (fastifyError.message ?? 'Bad request') };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { code: ErrorCode.Internal, message: 'Internal server error' };
  }
}
