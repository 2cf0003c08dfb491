import { Injectable, Logger } from '@nestjs/common';
import { CommandTypes, DomainError, ErrorCode, contextCommandSchema, type ContextCommand, type JobUpdated } from '@recollect/contracts';
import { IngestionEventsPublisher } from '../events/ingestion-events.publisher';
import type { JobEntity } from '../jobs/job.entity';
import { JobsRepository } from '../jobs/jobs.repository';
import { DeletionService } from './deletion.service';
import { IndexingService } from './indexing.service';

export interface Delivery {
  attempt: number;
  maxAttempts: number;
}

const jobUpdate = (job: JobEntity): JobUpdated => ({
  jobId: job.id,
  kind: job.kind,
  status: job.status,
  attemptsMade: job.attemptsMade,
  failedReason: job.failedReason,
});

/** Commands after the current one whose encoding may start early: one is enough to keep the encoder busy. */
const LOOKAHEAD = 1;

/** Applies one add or delete command as a job: waiting → active → completed | failed, skipping cancelled ones. */
@Injectable()
export class CommandProcessor {
  private readonly logger = new Logger(CommandProcessor.name);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly indexing: IndexingService,
    private readonly deletion: DeletionService,
    private readonly events: IngestionEventsPublisher,
  ) {}

  /**
   * Starts the pure part of the next commands on the partition (encoding an add's chunks) while this one
   * is applied. Anything unparsable is left for its own delivery to reject.
   */
  prepareAhead(upcoming: readonly unknown[]): void {
    for (const value of upcoming.slice(0, LOOKAHEAD)) {
      const parsed = contextCommandSchema.safeParse(value);
      if (!parsed.success || parsed.data.type !== CommandTypes.addContext) continue;
      try {
        this.indexing.prepare(parsed.data.payload);
      } catch (error) {
        // Only an optimisation: the command's own delivery does the work, and reports any error.
        this.logger.debug(`could not prepare job ${parsed.data.payload.jobId} ahead: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  async process(command: ContextCommand, delivery: Delivery): Promise<void> {
    const kind = command.type === CommandTypes.addContext ? 'add' : 'delete';
    const { jobId } = command.payload;
    const begun = await this.jobs.begin(jobId, command.tenant, kind);
    if (begun.kind === 'skip') {
      // A redelivery after the job finished: re-announce the outcome so no subscriber misses it.
      await this.events.jobUpdated(command, jobUpdate(begun.job));
      return;
    }
    await this.events.jobUpdated(command, jobUpdate(begun.job));

    try {
      await this.apply(command);
    } catch (error) {
      await this.recordFailure(command, begun.job, error, delivery);
      return;
    }
  }

  private async apply(command: ContextCommand): Promise<void> {
    const { jobId } = command.payload;
    if (command.type === CommandTypes.addContext) {
      const indexed = await this.indexing.indexContext(command.tenant, command.payload);
      await this.jobs.complete(jobId, { context_id: indexed.contextId, processed_documents: indexed.documents.length });
      await this.announceCompleted(command);
      await this.events.indexed(command, { jobId, ...indexed });
    } else {
      const deleted = await this.deletion.deleteContext(command.tenant, command.payload);
      await this.jobs.complete(jobId, null);
      await this.announceCompleted(command);
      await this.events.deleted(command, { jobId, ...deleted });
    }
  }

  private async announceCompleted(command: ContextCommand): Promise<void> {
    const job = await this.jobs.findForTenant(command.payload.jobId, command.tenant);
    if (job) await this.events.jobUpdated(command, jobUpdate(job));
  }

  /** Domain errors are final; anything else is retried by the bus until its last attempt. */
  private async recordFailure(command: ContextCommand, job: JobEntity, error: unknown, delivery: Delivery): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const final = error instanceof DomainError || delivery.attempt >= delivery.maxAttempts;
    if (!final) {
      this.logger.warn(`job ${job.id} attempt ${delivery.attempt} failed, will retry: ${reason}`);
      await this.jobs.noteAttemptFailure(job.id, reason);
      throw error;
    }
    const code = error instanceof DomainError ? error.code : ErrorCode.Internal;
    await this.jobs.fail(job.id, reason, code);
    const failed = await this.jobs.findForTenant(job.id, command.tenant);
    if (failed) await this.events.jobUpdated(command, jobUpdate(failed));
    if (!(error instanceof DomainError)) throw error; // lets the bus dead-letter it
  }
}
