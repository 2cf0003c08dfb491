import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Memory changes waiting to be published, written in the transaction that stored them: a change is
 * published if and only if its messages were stored, whatever fails in between.
 */
export class ChangeOutbox1766000000000 implements MigrationInterface {
  name = 'ChangeOutbox1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE change_outbox (
        id bigserial PRIMARY KEY,
        operation_id text NOT NULL,
        message_key text NOT NULL,
        value json NOT NULL, -- json, not jsonb: kept as written, published as is, never queried into
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX change_outbox_key_idx ON change_outbox (message_key, id)`);
    await runner.query(`CREATE INDEX change_outbox_created_idx ON change_outbox (created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE change_outbox');
  }
}
