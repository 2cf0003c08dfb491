import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MemorySchema1765000000000 implements MigrationInterface {
  name = 'MemorySchema1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        organization_id text,
        session_id text NOT NULL,
        agent_id text,
        message_count int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX sessions_tenant_session_idx ON sessions (user_id, organization_id, session_id)`);
    await runner.query(`
      CREATE TABLE messages (
        id text PRIMARY KEY,
        session_row_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        organization_id text,
        message_id text NOT NULL,
        position int NOT NULL,
        role text,
        author_name text,
        occurred_at timestamptz NOT NULL,
        text text NOT NULL,
        blocks jsonb NOT NULL,
        media_bytes int NOT NULL DEFAULT 0,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        last_operation_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX messages_session_position_idx ON messages (session_row_id, position)`);
    await runner.query(`CREATE UNIQUE INDEX messages_session_message_idx ON messages (session_row_id, message_id)`);
    await runner.query(`
      CREATE TABLE operations (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        organization_id text,
        kind text NOT NULL CHECK (kind IN ('add', 'update', 'delete')),
        session_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('accepted', 'stored', 'completed', 'failed')),
        message_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
        updated_entries int NOT NULL DEFAULT 0,
        attempts_made int NOT NULL DEFAULT 0,
        error_code text,
        error_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        stored_at timestamptz,
        finished_on timestamptz
      )`);
    await runner.query(`CREATE INDEX operations_tenant_created_idx ON operations (user_id, organization_id, created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE operations');
    await runner.query('DROP TABLE messages');
    await runner.query('DROP TABLE sessions');
  }
}
