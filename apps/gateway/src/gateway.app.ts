import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LoggerService } from '@nestjs/common';
import { MAX_BODY_BYTES } from '@recollect/contracts';
import { MAX_PATH_SEGMENT_LENGTH, answerClientError, answerFrameworkError } from './errors/client-error';
import { GatewayStopping } from './bus/gateway-stopping';
import { GatewayModule } from './gateway.module';
import { acceptOnlyPlainUtf8Bodies } from './limits/body-encoding';
import { parseJsonBodiesWithReasons } from './limits/json-body';
import { timeRequests } from './metrics/http-metrics';
import type { GatewayOptions } from './gateway.options';
import { buildOpenApiDocument } from './openapi/openapi.document';

const correlationIdOf = (headers: Record<string, string | string[] | undefined>): string => {
  const given = headers['x-correlation-id'] ?? headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
};

/** Builds the HTTP gateway; the caller decides where it listens. */
export async function createGatewayApp(options: GatewayOptions, logger: LoggerService | false = false): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => correlationIdOf(request.headers),
    requestIdHeader: false,
    trustProxy: true,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT_LENGTH },
  });
  // Bodies are JSON, parsed by parseJsonBodiesWithReasons below; Nest's parsers would replace it.
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(options), adapter, { logger, abortOnError: false, bodyParser: false });

  const document = buildOpenApiDocument({ version: process.env.npm_package_version ?? '0.1.0', memindAuth: options.memindAuth });
  // The plugins' own fastify typings lag Nest's; the runtime contract is the same.
  await app.register(fastifySwagger as never, { mode: 'static', specification: { document: document as never } });
  await app.register(fastifySwaggerUi as never, { routePrefix: '/docs' });
  app.getHttpAdapter().get('/openapi.json', (_request, reply) => void reply.send(document));
  const fastify = app.getHttpAdapter().getInstance();
  timeRequests(fastify, { serveMetrics: options.servesMetrics });
  acceptOnlyPlainUtf8Bodies(fastify);
  parseJsonBodiesWithReasons(fastify);
  // Once closing, each response ends its connection. Fastify closes the connections idle when close()
  // begins; one busy then would stay open after its answer, and close() would wait for the client's
  // keep-alive to lapse (72 s with Node's fetch), past any orchestrator's grace period.
  let closing = false;
  const stopping = app.get(GatewayStopping);
  fastify.addHook('preClose', async () => {
    closing = true;
    stopping.begin();
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-correlation-id', String(request.id));
    if (closing) void reply.header('connection', 'close');
  });
  if (logger) {
    fastify.addHook('onResponse', async (request, reply) => {
      const line = { msg: 'request', correlationId: request.id, method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
      logger.log(line, 'Http');
    });
  }
  if (options.memindAuth === 'none' && logger) {
    logger.warn(
      'MEMIND_AUTH=none: the Memind routes under /open/v1 accept requests WITHOUT a token and trust the userId in the body. Only run this on a trusted internal network.',
      'Security',
    );
  }
  // No enableShutdownHooks(): it would close the gateway alone on any of a dozen signals. Whoever runs
  // the process handles signals (stopOnSignals) and calls close(), which runs the same hooks.
  await app.init();
  return app;
}
