import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestMicroservice, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Pool } from 'pg';
import type { Env } from '@recollect/config';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { BusExceptionFilter, InProcessBroker, InProcessClient, InProcessServer } from '@recollect/bus';
import { poolEnder, startEmbeddedPostgres, type RunningPostgres } from '@recollect/database';
import { warmUpInBackground, type Embedder } from '@recollect/embedder';
import { createGatewayApp } from '@recollect/gateway';
import { IngestionModule } from '@recollect/ingestion';
import { MemoryModule, changeLimitsFor } from '@recollect/memory';
import { QueryModule, scoringFromEnv } from '@recollect/query';
import { embedderFromEnv, kafkaClient, kafkaServer, searchIndexFromEnv } from '@recollect/runtime';
import { derivedSecret, jwtSecretFor } from './secrets';

export interface EmbeddedStack {
  url: string;
  jwtSecret: string;
  embedder: Embedder;
  stop(): Promise<void>;
}

export interface EmbeddedStackOptions {
  env: Env;
  logger: LoggerService | false;
  /** Tests inject an already running database. */
  databaseUrl?: string;
  /** Used instead of the one the environment names (the evaluation tool wraps it in a cache). Closed on stop. */
  embedder?: Embedder;
}

/**
 * All four services in one process: a real PostgreSQL (embedded unless DATABASE_URL is set), the
 * PostgreSQL-backed in-process bus, and the embedded LanceDB index under DATA_DIR.
 */
export async function startEmbeddedStack({ env, logger, databaseUrl, embedder: givenEmbedder }: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const dataDir = resolve(env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const jwtSecret = jwtSecretFor(dataDir, env.JWT_SECRET);
  const log = (message: string) => (logger ? logger.log(message, 'Embedded') : undefined);
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error: unknown) => logger && logger.error(`shutdown step failed: ${String(error)}`));
  };

  try {
    let postgres: RunningPostgres | undefined;
    const url = databaseUrl ?? env.DATABASE_URL ?? (postgres = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), port: env.POSTGRES_PORT, notice: (line) => logger && logger.warn(line, 'Embedded') })).url;
    if (postgres) {
      stops.push(() => postgres.stop());
      log(`PostgreSQL ${postgres.dataDir} on port ${env.POSTGRES_PORT}`);
    }

    const pool = new Pool({ connectionString: url, max: 20 });
    // An idle connection the server drops (a restart, say) is reported here; unheard, it would
    // crash the process. The pool replaces it on the next checkout.
    pool.on('error', (error) => logger && logger.warn(`PostgreSQL dropped an idle connection: ${error.message}`, 'Embedded'));
    stops.push(poolEnder(pool));
    const broker = new InProcessBroker({ pool, partitions: env.BUS_PARTITIONS, maxAttempts: env.BUS_MAX_ATTEMPTS });
    await broker.start();
    stops.push(() => broker.stop());

    const embedder = givenEmbedder ?? (await embedderFromEnv(env));
    stops.push(async () => embedder.close?.());
    warmUpInBackground(embedder, (error) => logger && logger.warn(`the encoder could not be loaded ahead of use: ${String(error)}`, 'Embedded'));
    // LanceDB under DATA_DIR unless SEARCH_INDEX=opensearch.
    const searchIndex = await searchIndexFromEnv(env);
    await searchIndex.open({ modelId: embedder.modelId, dimension: embedder.dimension });
    stops.push(() => searchIndex.close());

    // BUS=kafka runs the same services in one process over Kafka instead of the PostgreSQL log.
    const overKafka = env.BUS === 'kafka';
    const busClient = overKafka ? kafkaClient(env, 'embedded', { sendsRequests: true }) : new InProcessClient(broker);
    if (overKafka) {
      await busClient.connect();
      stops.push(() => busClient.close());
    }
    const serverFor = (group: string): CustomTransportStrategy =>
      overKafka ? kafkaServer(env, group, (error) => logger && logger.error(`Kafka consumer ${group} stopped: ${String(error)}`)) : new InProcessServer({ broker, group });
    const chunking = { maxWords: env.CHUNK_MAX_WORDS ?? embedder.maxInputWords, overlapWords: env.CHUNK_OVERLAP_WORDS };
    const ingestion = await startService(
      IngestionModule.forRoot({ databaseUrl: url, runMigrations: true, searchIndex, embedder, busClient, chunking, delivery: { maxAttempts: env.BUS_MAX_ATTEMPTS } }),
      serverFor('ingestion'),
      logger,
    );
    stops.push(() => ingestion.close());
    const query = await startService(QueryModule.forRoot({ searchIndex, embedder, scoring: scoringFromEnv(env) }), serverFor('query'), logger);
    stops.push(() => query.close());
    const memory = await startService(
      MemoryModule.forRoot({
        databaseUrl: url,
        runMigrations: true,
        busClient,
        delivery: { maxAttempts: env.BUS_MAX_ATTEMPTS },
        changes: changeLimitsFor(env.KAFKA_MAX_MESSAGE_BYTES),
      }),
      serverFor('memory'),
      logger,
    );
    stops.push(() => memory.close());

    const gateway = await createGatewayApp(
      {
        jwt: {
          secret: env.JWT_PUBLIC_KEY || env.JWT_JWKS_URL ? undefined : jwtSecret,
          publicKey: env.JWT_PUBLIC_KEY,
          jwksUrl: env.JWT_JWKS_URL,
          issuer: env.JWT_ISSUER,
          audience: env.JWT_AUDIENCE,
          orgClaim: env.JWT_ORG_CLAIM,
          adminScope: env.JWT_ADMIN_SCOPE,
        },
        busClient,
        jobIdSecret: env.JOB_ID_SECRET ?? derivedSecret(jwtSecret, 'job-ids'),
        rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
        syncTimeoutMs: env.SYNC_TIMEOUT_MS,
        rpcTimeoutMs: env.RPC_TIMEOUT_MS,
        memindAuth: env.MEMIND_AUTH,
        readiness: async () => ({ postgres: await pool.query('SELECT 1').then(() => true, () => false) }),
        servesMetrics: true,
      },
      logger,
    );
    stops.push(() => gateway.close());
    await gateway.listen(env.PORT, env.HOST);
    const address = gateway.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, jwtSecret, embedder, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startService(module: Parameters<typeof NestFactory.createMicroservice>[0], strategy: CustomTransportStrategy, logger: LoggerService | false): Promise<INestMicroservice> {
  const service = await NestFactory.createMicroservice(module, { strategy, logger, abortOnError: false });
  // Handler errors reach the bus as they are, so retries log them and dead letters name them.
  service.useGlobalFilters(new BusExceptionFilter());
  await service.listen();
  return service;
}
