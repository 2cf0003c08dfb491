import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payload of a completed job's outcome event (`context.indexed.v1` or `context.deleted.v1`): a
 * command delivered again after its job completed announces it again from here, so a publish that
 * failed after the job was completed loses no event. A table of its own keeps the job rows that
 * every status poll reads as small as they were.
 */
export class JobOutcome1766000000000 implements MigrationInterface {
  name = 'JobOutcome1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE job_outcomes (
        job_id text PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        outcome jsonb NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE job_outcomes');
  }
}
