import 'reflect-metadata';
import { loadEnv } from '@recollect/config';
import {
  kafkaReadiness,
  createServiceLogger,
  exitOnStartFailure,
  kafkaClient,
  kafkaServer,
  requireDistributed,
  startHealthServer,
  startMicroservice,
  stopOnSignals,
} from '@recollect/runtime';
import { MemoryModule } from './memory.module';
import { changeLimitsFor } from './memory.tokens';

/** Distributed mode: the memory service alone, consuming memory commands from Kafka in the `memory` group. */
async function main(): Promise<void> {
  const env = loadEnv();
  requireDistributed(env, { database: true });
  const logger = createServiceLogger(env.LOG_LEVEL, 'memory');

  const busClient = kafkaClient(env, 'memory', { sendsRequests: false });
  await busClient.connect();
  const strategy = kafkaServer(env, 'memory', () => process.exit(1));
  const readiness = kafkaReadiness(strategy.status);

  const service = await startMicroservice(
    MemoryModule.forRoot({
      databaseUrl: env.DATABASE_URL!,
      runMigrations: false,
      busClient,
      delivery: { maxAttempts: env.BUS_MAX_ATTEMPTS },
      changes: changeLimitsFor(env.KAFKA_MAX_MESSAGE_BYTES),
    }),
    strategy,
    logger,
  );
  const health = await startHealthServer(env.HEALTH_PORT, env.HOST, readiness);
  logger.log(`memory consuming from ${env.KAFKA_BROKERS!.join(',')}; health on port ${env.HEALTH_PORT}`, 'Memory');

  stopOnSignals(logger, [() => service.close(), () => busClient.close(), () => new Promise((resolve) => health.close(resolve))]);
}

main().catch(exitOnStartFailure('memory'));
