import 'reflect-metadata';
import { loadEnv } from '@recollect/config';
import {
  derivedSecret,
  exitOnStartFailure,
  kafkaClient,
  createServiceLogger,
  requireDistributed,
  startHealthServer,
  stopOnSignals,
  kafkaReadiness,
} from '@recollect/runtime';
import { createGatewayApp } from './gateway.app';

/** Distributed mode: the HTTP gateway alone; commands and requests go to the other services over Kafka. */
async function main(): Promise<void> {
  const env = loadEnv();
  requireDistributed(env, {});
  if (!env.JWT_SECRET && !env.JWT_PUBLIC_KEY && !env.JWT_JWKS_URL) {
    throw new Error('Invalid environment:\n  the gateway needs JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL (replicas must verify the same tokens)');
  }
  const jobIdSecret = env.JOB_ID_SECRET ?? (env.JWT_SECRET ? derivedSecret(env.JWT_SECRET, 'job-ids') : undefined);
  if (!jobIdSecret) throw new Error('Invalid environment:\n  JOB_ID_SECRET is required when tokens are verified with a public key');
  const logger = createServiceLogger(env.LOG_LEVEL, 'gateway');

  const busClient = kafkaClient(env, 'gateway', { sendsRequests: true });
  const readiness = kafkaReadiness(busClient.status);
  await busClient.connect();

  const gateway = await createGatewayApp(
    {
      jwt: {
        secret: env.JWT_PUBLIC_KEY || env.JWT_JWKS_URL ? undefined : env.JWT_SECRET,
        publicKey: env.JWT_PUBLIC_KEY,
        jwksUrl: env.JWT_JWKS_URL,
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
        orgClaim: env.JWT_ORG_CLAIM,
        adminScope: env.JWT_ADMIN_SCOPE,
      },
      busClient,
      jobIdSecret,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      syncTimeoutMs: env.SYNC_TIMEOUT_MS,
      rpcTimeoutMs: env.RPC_TIMEOUT_MS,
      memindAuth: env.MEMIND_AUTH,
      readiness,
      servesMetrics: false,
    },
    logger,
  );
  // Metrics (and the probes again) on their own port, which the public ingress does not route to;
  // bound first, so a port already taken stops the gateway before it takes any request.
  const health = await startHealthServer(env.HEALTH_PORT, env.HOST, readiness);
  await gateway.listen(env.PORT, env.HOST);
  logger.log(`gateway listening on ${env.HOST}:${env.PORT}, Kafka at ${env.KAFKA_BROKERS!.join(',')}; metrics on port ${env.HEALTH_PORT}`, 'Gateway');

  stopOnSignals(logger, [() => gateway.close(), () => busClient.close(), () => new Promise((resolve) => health.close(resolve))]);
}

main().catch(exitOnStartFailure('gateway'));
