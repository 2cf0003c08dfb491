import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The request id Fastify assigned (taken from `x-correlation-id` or `x-request-id` when the client sent one). */
export const CorrelationId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  return String(context.switchToHttp().getRequest<FastifyRequest>().id);
});
