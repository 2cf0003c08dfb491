import 'reflect-metadata';
import { loadEnv } from '@recollect/config';
import { warmUpInBackground } from '@recollect/embedder';
import {
  kafkaReadiness,
  embedderFromEnv,
  exitOnStartFailure,
  kafkaClient,
  kafkaServer,
  createServiceLogger,
  requireDistributed,
  searchIndexFromEnv,
  startHealthServer,
  startMicroservice,
  stopOnSignals,
} from '@recollect/runtime';
import { IngestionModule } from './ingestion.module';

/** Distributed mode: the ingestion service alone, consuming commands from Kafka in the `ingestion` group. */
async function main(): Promise<void> {
  const env = loadEnv();
  requireDistributed(env, { database: true, sharedIndex: true });
  const logger = createServiceLogger(env.LOG_LEVEL, 'ingestion');

  const embedder = await embedderFromEnv(env);
  warmUpInBackground(embedder, (error) => logger.warn(`the encoder could not be loaded ahead of use: ${String(error)}`, 'Ingestion'));
  const searchIndex = await searchIndexFromEnv(env);
  await searchIndex.open({ modelId: embedder.modelId, dimension: embedder.dimension });
  const busClient = kafkaClient(env, 'ingestion', { sendsRequests: false });
  await busClient.connect();
  const strategy = kafkaServer(env, 'ingestion', () => process.exit(1));
  const readiness = kafkaReadiness(strategy.status);

  const service = await startMicroservice(
    IngestionModule.forRoot({
      databaseUrl: env.DATABASE_URL!,
      runMigrations: false,
      searchIndex,
      embedder,
      busClient,
      chunking: { maxWords: env.CHUNK_MAX_WORDS ?? embedder.maxInputWords, overlapWords: env.CHUNK_OVERLAP_WORDS },
      delivery: { maxAttempts: env.BUS_MAX_ATTEMPTS },
    }),
    strategy,
    logger,
  );
  const health = await startHealthServer(env.HEALTH_PORT, env.HOST, readiness);
  logger.log(`ingestion consuming from ${env.KAFKA_BROKERS!.join(',')}; health on port ${env.HEALTH_PORT}`, 'Ingestion');

  stopOnSignals(logger, [
    () => service.close(),
    () => busClient.close(),
    () => searchIndex.close(),
    async () => embedder.close?.(),
    () => new Promise((resolve) => health.close(resolve)),
  ]);
}

main().catch(exitOnStartFailure('ingestion'));
