import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payload of a finished job's outcome event (`context.indexed.v1` or `context.deleted.v1`), kept
 * with the job: a redelivered command whose job already finished announces it again from here, so a
 * publish that failed after the job was completed loses no event.
 */
export class JobOutcome1766000000000 implements MigrationInterface {
  name = 'JobOutcome1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE jobs ADD COLUMN outcome jsonb');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE jobs DROP COLUMN outcome');
  }
}
