import { Injectable, Logger } from '@nestjs/common';
import {
  CommandTypes,
  DomainError,
  ErrorCode,
  readRefusedMessage,
  storableText,
  type ContextCommand,
  type Envelope,
  type UnreadableMessageError,
} from '@recollect/contracts';
import { IngestionEventsPublisher } from '../events/ingestion-events.publisher';
import type { JobEntity } from '../jobs/job.entity';
import { isDeletion, type JobOutcome } from '../jobs/job-outcome.entity';
import { jobUpdate } from '../jobs/job-update';
import { JobsRepository } from '../jobs/jobs.repository';
import { isAdd, parseFollowing } from './add-batch';
import { ADD_BATCH_LIMITS, AddBatches, type PrepareArrivals } from './add-batches.service';
import { DeletionService } from './deletion.service';
import { IndexingService } from './indexing.service';

export interface Delivery {
  attempt: number;
  maxAttempts: number;
}

/** Commands after the current one worth reading: this batch's and the next one's, whose encoding may start early. */
const LOOKAHEAD = 2 * ADD_BATCH_LIMITS.maxCommands;

/** Applies one add or delete command as a job: waiting → active → completed | failed, skipping cancelled ones. */
@Injectable()
export class CommandProcessor {
  private readonly logger = new Logger(CommandProcessor.name);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly indexing: IndexingService,
    private readonly deletion: DeletionService,
    private readonly events: IngestionEventsPublisher,
    private readonly batches: AddBatches,
  ) {}

  /**
   * `upcoming()`: the values of the records after this one on its partition that the transport holds
   * now. Their encoding starts while this one is written, and add commands among them that can join
   * this one are applied with it (only on a first attempt: a retry goes alone, so a failure is its own).
   */
  async process(command: ContextCommand, delivery: Delivery, upcoming: () => readonly unknown[] = () => []): Promise<void> {
    if (this.batches.takeApplied(command.payload.jobId)) return;
    const following = parseFollowing(upcoming(), LOOKAHEAD);
    this.prepare([command, ...following]);
    // Once this one's vectors are made, the commands that arrived meanwhile are encoded during its
    // writes, instead of after them, when their own deliveries come.
    const prepareArrivals = (applying: ReadonlySet<string> = new Set()) =>
      this.prepare(parseFollowing(upcoming(), LOOKAHEAD).filter((next) => !applying.has(next.payload.jobId)));
    if (isAdd(command) && delivery.attempt === 1 && (await this.batches.tryApply(command, following, prepareArrivals))) return;
    await this.processAlone(command, delivery, prepareArrivals);
  }

  /**
   * A command that failed its schema, which the bus dead-letters: if its envelope names a job, the job
   * fails with the reason, so its sender sees why instead of a job waiting for good. A failure to
   * record that is thrown, for the bus to deliver the command again.
   */
  async failRefused(value: unknown, error: UnreadableMessageError): Promise<void> {
    const refused = readRefusedMessage(value);
    const jobId = refused?.payload.jobId;
    if (!refused || !jobId) return;
    const begun = await this.jobs.begin(jobId, refused.tenant, refused.type === CommandTypes.deleteContext ? 'delete' : 'add');
    // Finished: by an earlier delivery of this one, whose announcement may have failed.
    if (begun.kind === 'skip') return this.announce(refused, begun.job);
    await this.jobs.fail(jobId, storableText(error.message), error.code);
    await this.announce(refused, await this.jobs.findForTenant(jobId, refused.tenant));
  }

  /** Starts the pure part of add commands (encoding their chunks), in order, so the encoder is never idle during writes. */
  private prepare(commands: readonly ContextCommand[]): void {
    try {
      this.indexing.prepare(commands.filter(isAdd).map((command) => ({ command: command.payload })));
    } catch (error) {
      // Only an optimisation: each command's own delivery does the work, and reports any error.
      this.logger.debug(`could not prepare commands ahead: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async processAlone(command: ContextCommand, delivery: Delivery, prepareArrivals: PrepareArrivals): Promise<void> {
    const kind = command.type === CommandTypes.addContext ? 'add' : 'delete';
    const begun = await this.jobs.begin(command.payload.jobId, command.tenant, kind);
    if (begun.kind === 'skip') {
      // A redelivery after the job finished: its outcome is announced again, under the same event
      // ids, so no subscriber misses it when the first announcement failed after the job completed.
      this.indexing.discardPrepared(begun.job.id);
      await this.announceFinished(command, begun.job);
      return;
    }
    await this.events.jobUpdated(command, jobUpdate(begun.job));

    let completed: { job: JobEntity | undefined; outcome: JobOutcome };
    try {
      completed = await this.apply(command, prepareArrivals);
    } catch (error) {
      this.indexing.discardPrepared(begun.job.id);
      await this.recordFailure(command, begun.job, error, delivery);
      return;
    }
    // Failing to announce it now leaves the job completed: the bus delivers the command again, and
    // that delivery announces it from what the job stored. A job another delivery completed first
    // is announced as that one stored it.
    if (completed.job) await this.announceFinished(command, completed.job, completed.outcome);
    else await this.announceAsStored(command);
  }

  /** Indexes or deletes, and completes the job with its result and its outcome event's payload. */
  private async apply(command: ContextCommand, prepareArrivals: PrepareArrivals): Promise<{ job: JobEntity | undefined; outcome: JobOutcome }> {
    const { jobId } = command.payload;
    if (command.type === CommandTypes.addContext) {
      // The command itself is never among those after it.
      const indexed = await this.indexing.indexContext(command.tenant, command.payload, () => prepareArrivals());
      const outcome = { jobId, ...indexed };
      return { job: await this.jobs.complete({ id: jobId, result: { context_id: indexed.contextId, processed_documents: indexed.documents.length }, outcome }), outcome };
    }
    const outcome = { jobId, ...(await this.deletion.deleteContext(command.tenant, command.payload)) };
    return { job: await this.jobs.complete({ id: jobId, result: null, outcome }), outcome };
  }

  /** A finished job's update, then, for one that completed, its outcome: given, or as the job stored it. */
  private async announceFinished(command: ContextCommand, job: JobEntity, outcome?: JobOutcome): Promise<void> {
    await this.events.jobUpdated(command, jobUpdate(job));
    if (job.status !== 'completed') return;
    const stored = outcome ?? (await this.jobs.outcomeOf(job.id));
    if (!stored) return;
    if (isDeletion(stored)) await this.events.deleted(command, stored);
    else await this.events.indexed(command, stored);
  }

  private async announceAsStored(command: ContextCommand): Promise<void> {
    const job = await this.jobs.findForTenant(command.payload.jobId, command.tenant);
    if (job) await this.announceFinished(command, job);
  }

  private async announce(command: Envelope<unknown>, job: JobEntity | null | undefined): Promise<void> {
    if (job) await this.events.jobUpdated(command, jobUpdate(job));
  }

  /** The job did not complete, as far as this delivery knows. Domain errors are final; anything else is retried by the bus until its last attempt. */
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
    const now = await this.jobs.findForTenant(job.id, command.tenant);
    // Completed after all (its commit went through, only the answer was lost): done, not failed.
    if (now?.status === 'completed') return this.announceFinished(command, now);
    await this.announce(command, now);
    if (!(error instanceof DomainError)) throw error; // lets the bus dead-letter it
  }
}
