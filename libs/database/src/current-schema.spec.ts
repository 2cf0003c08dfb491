import { createTestDatabase } from '@recollect/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSchemaGate, pendingMigrations, waitForCurrentSchema } from './current-schema';

class CreateProbe1700000000000 implements MigrationInterface {
  name = 'CreateProbe1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE probe (id int)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE probe');
  }
}

describe(waitForCurrentSchema.name, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: DataSource;
  let migrator: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    const options = { type: 'postgres' as const, url: database.url, migrations: [CreateProbe1700000000000], migrationsTableName: 'probe_migrations' };
    service = await new DataSource(options).initialize();
    migrator = await new DataSource(options).initialize();
  });
  afterAll(async () => {
    await service?.destroy();
    await migrator?.destroy();
    await database?.drop();
  });

  it('only looks: waiting leaves the migrations table to the migrator, so processes starting together never race to create it', async () => {
    const fresh = await createTestDatabase();
    const options = { type: 'postgres' as const, url: fresh.url, migrations: [CreateProbe1700000000000], migrationsTableName: 'probe_migrations' };
    const replicas = await Promise.all(Array.from({ length: 4 }, () => new DataSource(options).initialize()));
    const job = await new DataSource(options).initialize();
    try {
      expect(await pendingMigrations(replicas[0]!)).toBe(1);
      const [{ present }] = (await job.query(`SELECT to_regclass('probe_migrations') IS NOT NULL AS present`)) as Array<{ present: boolean }>;
      expect(present).toBe(false);
      // Every replica looks while the job creates the table and applies the migration.
      await Promise.all([...replicas.map((replica) => waitForCurrentSchema(replica, { pollMs: 5 })), job.runMigrations()]);
      expect(await pendingMigrations(replicas[1]!)).toBe(0);
    } finally {
      await Promise.all([...replicas, job].map((source) => source.destroy()));
      await fresh.drop();
    }
  });

  it('waits while a migration is pending, says so once, and goes on once another process applied it', async () => {
    let waitingTold = 0;
    let done = false;
    const waiting = waitForCurrentSchema(service, { pollMs: 20, onWaiting: () => (waitingTold += 1) }).then(() => (done = true));
    // A module that applies its own migrations starts at once; one that does not is held, saying why.
    const warnings: string[] = [];
    expect(await currentSchemaGate('probe', DataSource, true, (message) => warnings.push(message)).useFactory(service)).toBe(true);
    const gated = currentSchemaGate('probe', DataSource, false, (message) => warnings.push(message)).useFactory(service);
    while (waitingTold === 0 || warnings.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(done).toBe(false);
    expect(warnings).toEqual(['waiting for the probe migrations to be applied (the migration job, or npm run migrate)']);

    await migrator.runMigrations();
    await Promise.all([waiting, gated]);
    expect(waitingTold).toBe(1);
    // Current already: no wait, nothing to say.
    let toldAgain = false;
    await waitForCurrentSchema(service, { pollMs: 20, onWaiting: () => (toldAgain = true) });
    expect(toldAgain).toBe(false);
  });
});
