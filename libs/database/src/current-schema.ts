import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';

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
  while (await db.showMigrations()) {
    if (!told) onWaiting?.();
    told = true;
    await sleep(pollMs);
  }
}

/**
 * A Nest provider holding its module's start until the schema is current, unless the module applies
 * its migrations itself (embedded mode). Nest waits for every provider before the service consumes.
 */
export function currentSchemaGate(service: string, appliesItsOwnMigrations: boolean, warn: (message: string) => void) {
  return {
    provide: `${service}:current-schema`,
    inject: [DataSource],
    useFactory: async (db: DataSource): Promise<true> => {
      if (!appliesItsOwnMigrations) {
        await waitForCurrentSchema(db, { onWaiting: () => warn(`waiting for the ${service} migrations to be applied (the migration job, or npm run migrate)`) });
      }
      return true;
    },
  };
}
