import { setTimeout as sleep } from 'node:timers/promises';
import type { InjectionToken } from '@nestjs/common';
import type { DataSource } from 'typeorm';

export interface CurrentSchemaOptions {
  /** Between looks at the migrations table. */
  pollMs?: number;
  /** Told once, when the first look finds migrations pending. */
  onWaiting?: () => void;
}

/**
 * Resolves once every migration the service knows has been applied. In distributed mode a migration
 * Job applies them, and Kubernetes starts the new pods beside it: a service consuming before its
 * tables exist would fail every message it reads until its retries ran out. Waiting here keeps it
 * unready instead, until the Job is done (its startup probe bounds the wait).
 */
export async function waitForCurrentSchema(db: DataSource, { pollMs = 2_000, onWaiting }: CurrentSchemaOptions = {}): Promise<void> {
  let told = false;
  while ((await pendingMigrations(db)) > 0) {
    if (!told) onWaiting?.();
    told = true;
    await sleep(pollMs);
  }
}

/**
 * How many of the service's migrations its migrations table does not list, by looking only. TypeORM's
 * showMigrations() creates the table when it is missing: two processes starting on a fresh database
 * (replicas, or a replica beside the migration Job) then both create it, and one of them fails.
 */
export async function pendingMigrations(db: DataSource): Promise<number> {
  const table = `"${(db.options.migrationsTableName ?? 'migrations').replaceAll('"', '""')}"`;
  const [found] = (await db.query('SELECT to_regclass($1) IS NOT NULL AS present', [table])) as Array<{ present: boolean }>;
  if (!found?.present) return db.migrations.length;
  const applied = new Set(((await db.query(`SELECT name FROM ${table}`)) as Array<{ name: string }>).map((row) => row.name));
  return db.migrations.filter((migration) => !applied.has(migration.name ?? migration.constructor.name)).length;
}

/**
 * A Nest provider holding its module's start until the schema is current, unless the module applies
 * its migrations itself (embedded mode). Nest waits for every provider before the service consumes.
 */
export function currentSchemaGate(service: string, dataSource: InjectionToken<DataSource>, appliesItsOwnMigrations: boolean, warn: (message: string) => void) {
  return {
    provide: `${service}:current-schema`,
    inject: [dataSource],
    useFactory: async (db: DataSource): Promise<true> => {
      if (!appliesItsOwnMigrations) {
        await waitForCurrentSchema(db, { onWaiting: () => warn(`waiting for the ${service} migrations to be applied (the migration job, or npm run migrate)`) });
      }
      return true;
    },
  };
}
