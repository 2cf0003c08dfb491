import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { BUS_CLIENT } from '@recollect/bus';
import { currentSchemaGate } from '@recollect/database';
import { ConversationRepository } from './conversation/conversation.repository';
import { ConversationWriter } from './conversation/conversation-writer.service';
import { MemoryCommandProcessor } from './conversation/memory-command.processor';
import { MemoryCommandsConsumer } from './conversation/memory-commands.consumer';
import { MessageEntity } from './conversation/message.entity';
import { SessionEntity } from './conversation/session.entity';
import { ChangeOutbox } from './events/change-outbox';
import { ChangeOutboxRepository } from './events/change-outbox.repository';
import { OutboxMetrics } from './events/outbox-metrics';
import { OutboxRelay } from './events/outbox-relay';
import { CHANGE_LIMITS, DELIVERY_POLICY, MEMORY_DATA_SOURCE, type ChangeLimits, type DeliveryPolicy } from './memory.tokens';
import { memoryMigrations } from './migrations';
import { MemoryIndexedConsumer } from './operations/memory-indexed.consumer';
import { OperationEntity } from './operations/operation.entity';
import { OperationsController } from './operations/operations.controller';
import { OperationsRepository } from './operations/operations.repository';
import { OperationsService } from './operations/operations.service';

export interface MemoryOptions {
  databaseUrl: string;
  /** Embedded mode runs migrations at start; distributed mode runs them once, from a migration job. */
  runMigrations: boolean;
  busClient: ClientProxy;
  delivery: DeliveryPolicy;
  /** The bus's message size bound (KAFKA_MAX_MESSAGE_BYTES on both transports, so a change taken in one mode is taken in the other). */
  changes: ChangeLimits;
}

/** Owns sessions, messages and memory operations; applies memory commands and publishes what changed. */
@Module({})
export class MemoryModule {
  static forRoot(options: MemoryOptions): DynamicModule {
    return {
      module: MemoryModule,
      imports: [
        TypeOrmModule.forRoot({
          name: MEMORY_DATA_SOURCE,
          type: 'postgres',
          url: options.databaseUrl,
          entities: [SessionEntity, MessageEntity, OperationEntity],
          migrations: memoryMigrations,
          migrationsTableName: 'memory_migrations',
          migrationsRun: options.runMigrations,
          synchronize: false,
          extra: { max: 10 },
        }),
      ],
      controllers: [MemoryCommandsConsumer, MemoryIndexedConsumer, OperationsController],
      providers: [
        currentSchemaGate('memory', getDataSourceToken(MEMORY_DATA_SOURCE), options.runMigrations, (message) => new Logger('Memory').warn(message)),
        { provide: BUS_CLIENT, useValue: options.busClient },
        { provide: DELIVERY_POLICY, useValue: options.delivery },
        { provide: CHANGE_LIMITS, useValue: options.changes },
        ConversationRepository,
        ConversationWriter,
        MemoryCommandProcessor,
        OperationsRepository,
        OperationsService,
        ChangeOutbox,
        ChangeOutboxRepository,
        OutboxRelay,
        OutboxMetrics,
      ],
    };
  }
}
