import { Injectable } from '@nestjs/common';
import type { Tenant } from '@recollect/contracts';
import { DocumentsRepository, type FileNameCheck } from './documents.repository';

interface PendingCheck extends FileNameCheck {
  resolve(taken: string[]): void;
  reject(error: unknown): void;
}

/** At most this many checks share one query; more wait for the next. */
const MAX_BATCH = 500;

/**
 * The gateway asks, for every add-async, whether its file names are taken. Under load those checks
 * would queue for database connections one query each; instead, checks that arrive while a query is
 * running share the next one, so a busy gateway costs one query per round trip, not one per request.
 */
@Injectable()
export class FileNameChecks {
  private readonly pending: PendingCheck[] = [];
  private querying = false;

  constructor(private readonly documents: DocumentsRepository) {}

  /** File names among `fileNames` that this tenant already holds. */
  taken(tenant: Tenant, fileNames: string[]): Promise<string[]> {
    if (fileNames.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ tenant, fileNames, resolve, reject });
      if (!this.querying) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.querying = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        await this.answer(batch);
      } catch (error) {
        // A check the database refuses must not fail the other tenants' checks it was batched with.
        if (batch.length === 1) batch[0]!.reject(error);
        else for (const check of batch) await this.answer([check]).catch(check.reject);
      }
    }
    this.querying = false;
  }

  private async answer(batch: PendingCheck[]): Promise<void> {
    const taken = await this.documents.takenFileNamesOfEach(batch);
    batch.forEach((check, i) => check.resolve(taken[i]!));
  }
}
