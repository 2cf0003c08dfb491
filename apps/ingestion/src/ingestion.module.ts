import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { BUS_CLIENT } from '@recollect/bus';
import { currentSchemaGate } from '@recollect/database';
import { EMBEDDER, type Embedder } from '@recollect/embedder';
import { SEARCH_INDEX, type SearchIndex } from '@recollect/search-index';
import { DocumentEntity } from './documents/document.entity';
import { DocumentsRepository } from './documents/documents.repository';
import { FileNameChecks } from './documents/file-name-checks.service';
import { EmbeddingPrefetch } from './indexing/embedding-prefetch.service';
import { FilesController } from './documents/files.controller';
import { IngestionEventsPublisher } from './events/ingestion-events.publisher';
import { AddBatches } from './indexing/add-batches.service';
import { CommandProcessor } from './indexing/command-processor.service';
import { ContextCommandsConsumer } from './indexing/context-commands.consumer';
import { DeletionService } from './indexing/deletion.service';
import { IndexingService } from './indexing/indexing.service';
import { CHUNKING_OPTIONS, DELIVERY_POLICY, INGESTION_DATA_SOURCE, type ChunkingOptions, type DeliveryPolicy } from './ingestion.tokens';
import { JobEntity } from './jobs/job.entity';
import { JobOutcomeEntity } from './jobs/job-outcome.entity';
import { JobsController } from './jobs/jobs.controller';
import { JobsRepository } from './jobs/jobs.repository';
import { JobsService } from './jobs/jobs.service';
import { MemoryChangeOrder } from './memory/memory-change-order';
import { MemoryChangeProcessor } from './memory/memory-change.processor';
import { MemoryChangesConsumer } from './memory/memory-changes.consumer';
import { MemoryIndexingService } from './memory/memory-indexing.service';
import { MemoryVersionsRepository } from './memory/memory-versions.repository';
import { ingestionMigrations } from './migrations';

export interface IngestionOptions {
  databaseUrl: string;
  /** Embedded mode runs migrations at start; distributed mode runs them once, from a migration job. */
  runMigrations: boolean;
  searchIndex: SearchIndex;
  embedder: Embedder;
  busClient: ClientProxy;
  chunking: ChunkingOptions;
  delivery: DeliveryPolicy;
}

@Module({})
export class IngestionModule {
  static forRoot(options: IngestionOptions): DynamicModule {
    return {
      module: IngestionModule,
      imports: [
        TypeOrmModule.forRoot({
          name: INGESTION_DATA_SOURCE,
          type: 'postgres',
          url: options.databaseUrl,
          entities: [JobEntity, JobOutcomeEntity, DocumentEntity],
          migrations: ingestionMigrations,
          migrationsTableName: 'ingestion_migrations',
          migrationsRun: options.runMigrations,
          synchronize: false,
          extra: { max: 10 },
        }),
      ],
      controllers: [ContextCommandsConsumer, MemoryChangesConsumer, JobsController, FilesController],
      providers: [
        currentSchemaGate('ingestion', getDataSourceToken(INGESTION_DATA_SOURCE), options.runMigrations, (message) => new Logger('Ingestion').warn(message)),
        { provide: SEARCH_INDEX, useValue: options.searchIndex },
        { provide: EMBEDDER, useValue: options.embedder },
        { provide: BUS_CLIENT, useValue: options.busClient },
        { provide: CHUNKING_OPTIONS, useValue: options.chunking },
        { provide: DELIVERY_POLICY, useValue: options.delivery },
        JobsRepository,
        DocumentsRepository,
        FileNameChecks,
        JobsService,
        IndexingService,
        EmbeddingPrefetch,
        DeletionService,
        CommandProcessor,
        AddBatches,
        IngestionEventsPublisher,
        MemoryIndexingService,
        MemoryChangeProcessor,
        MemoryChangeOrder,
        MemoryVersionsRepository,
      ],
    };
  }
}
