import 'reflect-metadata';
import { loadEnv } from '@recollect/config';
import { warmUpInBackground } from '@recollect/embedder';
import {
  kafkaReadiness,
  embedderFromEnv,
  exitOnStartFailure,
  kafkaServer,
  createServiceLogger,
  requireDistributed,
  searchIndexFromEnv,
  startHealthServer,
  startMicroservice,
  stopOnSignals,
} from '@recollect/runtime';
import { QueryModule } from './query.module';
import { scoringFromEnv } from './search/hybrid-fusion';

/** Distributed mode: the query service alone, answering search and view requests from Kafka in the `query` group. */
async function main(): Promise<void> {
  const env = loadEnv();
  requireDistributed(env, { sharedIndex: true });
  const logger = createServiceLogger(env.LOG_LEVEL, 'query');

  const embedder = await embedderFromEnv(env);
  warmUpInBackground(embedder, (error) => logger.warn(`the encoder could not be loaded ahead of use: ${String(error)}`, 'Query'));
  const searchIndex = await searchIndexFromEnv(env);
  await searchIndex.open({ modelId: embedder.modelId, dimension: embedder.dimension });
  const strategy = kafkaServer(env, 'query', () => process.exit(1));
  const readiness = kafkaReadiness(strategy.status);

  const service = await startMicroservice(QueryModule.forRoot({ searchIndex, embedder, scoring: scoringFromEnv(env) }), strategy, logger);
  const health = await startHealthServer(env.HEALTH_PORT, env.HOST, readiness);
  logger.log(`query answering from ${env.KAFKA_BROKERS!.join(',')}; health on port ${env.HEALTH_PORT}`, 'Query');

  stopOnSignals(logger, [
    () => service.close(),
    () => searchIndex.close(),
    async () => embedder.close?.(),
    () => new Promise((resolve) => health.close(resolve)),
  ]);
}

main().catch(exitOnStartFailure('query'));
