import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IngestionSchema1764000000000 implements MigrationInterface {
  name = 'IngestionSchema1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE jobs (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        organization_id text,
        kind text NOT NULL CHECK (kind IN ('add', 'delete')),
        status text NOT NULL CHECK (status IN ('waiting', 'active', 'completed', 'failed', 'cancelled')),
        attempts_made int NOT NULL DEFAULT 0,
        failed_reason text,
        failed_code text,
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        processed_on timestamptz,
        finished_on timestamptz
      )`);
    await runner.query(`CREATE INDEX jobs_tenant_created_idx ON jobs (user_id, organization_id, created_at)`);
    await runner.query(`
      CREATE TABLE documents (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        organization_id text,
        context_id text NOT NULL,
        job_id text NOT NULL,
        position int NOT NULL,
        source text NOT NULL,
        context_type text NOT NULL,
        scope text NOT NULL,
        file_name text,
        chunk_count int NOT NULL,
        content_bytes int NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX documents_tenant_file_idx ON documents (user_id, organization_id, file_name)`);
    await runner.query(`CREATE INDEX documents_tenant_source_idx ON documents (user_id, organization_id, source)`);
    await runner.query(`CREATE INDEX documents_tenant_context_idx ON documents (user_id, organization_id, context_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE documents');
    await runner.query('DROP TABLE jobs');
  }
}
