import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which change of its session last wrote each memory message to the index, by the `x-change-sequence`
 * the memory service stamps on its changes (its chunks and its lexical document apart: a change that
 * only updates a message's neighbours rewrites the document alone), and the last deletion of each
 * session. A change that arrives late (a publish retried past a later one, a dead letter replayed)
 * is then applied only to what no later change wrote, and never brings back a session deleted after
 * it. Tenants are their `tenantIdentity`, one exact string each.
 */
export class MemoryVersions1767000000000 implements MigrationInterface {
  name = 'MemoryVersions1767000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE memory_message_versions (
        tenant text NOT NULL,
        session_id text NOT NULL,
        message_id text NOT NULL,
        chunks_sequence bigint,
        document_sequence bigint NOT NULL,
        PRIMARY KEY (tenant, session_id, message_id)
      )`);
    await runner.query(`
      CREATE TABLE memory_session_deletions (
        tenant text NOT NULL,
        session_id text NOT NULL,
        sequence bigint NOT NULL,
        PRIMARY KEY (tenant, session_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE memory_session_deletions');
    await runner.query('DROP TABLE memory_message_versions');
  }
}
