import { DataSource } from 'typeorm';
import { createTestDatabase } from '@recollect/testing';
import { MessageEntity } from '../src/conversation/message.entity';
import { SessionEntity } from '../src/conversation/session.entity';
import { memoryMigrations } from '../src/migrations';
import { OperationEntity } from '../src/operations/operation.entity';

/** A fresh database with the memory service's migrations applied, as the service itself runs them. */
export async function memoryDatabase(): Promise<{ db: DataSource; dispose(): Promise<void> }> {
  const database = await createTestDatabase();
  const db = new DataSource({
    type: 'postgres',
    url: database.url,
    entities: [SessionEntity, MessageEntity, OperationEntity],
    migrations: memoryMigrations,
    migrationsTableName: 'memory_migrations',
  });
  await db.initialize();
  await db.runMigrations();
  return {
    db,
    dispose: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}
