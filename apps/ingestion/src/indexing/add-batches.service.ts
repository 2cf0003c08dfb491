import { Injectable, Logger } from '@nestjs/common';
import type { ContextCommand } from '@recollect/contracts';
import { IngestionEventsPublisher } from '../events/ingestion-events.publisher';
import { jobUpdate } from '../jobs/job-update';
import { JobsRepository } from '../jobs/jobs.repository';
import { collectAddBatch, isAdd, type AddCommand, type BatchEntry, type BatchLimits } from './add-batch';
import { contentLength } from './index-records';
import { EMBED_BATCH, IndexingService } from './indexing.service';
import { settleAll } from './settle-all';

/**
 * At most 32 commands and one encoder batch of chunks: measured on 2 cores, the writes of one add
 * command cost about as much as encoding it (six chunks), and most of that is per write, not per row.
 * Under a backlog of one-chunk adds with requests still coming (`npm run bench -- --only add-async`,
 * its half-rate CPU row), 32 to a batch finished 1.7 to 1.9 times the jobs of 16; 64 finished 2.2
 * times, but its longer stretches on the main thread left the gateway about a fifth slower.
 */
export const ADD_BATCH_LIMITS: BatchLimits = { maxCommands: 32, maxChunks: EMBED_BATCH };

/**
 * Characters of text beyond which a command goes alone. A batch plans its commands at once, on the
 * event loop (about 10 ms for this much); a larger one is planned in time slices by its own delivery,
 * and would rarely fit within maxChunks anyway.
 */
export const MAX_BATCHED_CONTENT = 128 * 1024;

const batchable = (command: AddCommand): boolean => contentLength(command.payload) <= MAX_BATCHED_CONTENT;

/**
 * Jobs remembered as applied ahead of their delivery (a forgotten one's delivery finds it finished and
 * announces it again), or as to be applied alone.
 */
const MAX_REMEMBERED = 4096;

/** Starts encoding the commands that arrived since, leaving out the jobs of a batch being applied now. */
export type PrepareArrivals = (applying?: ReadonlySet<string>) => void;

/**
 * Applies runs of add commands that arrive together as one: one job statement, one encoder call, one
 * write per index table, one for the document rows, one to complete the jobs. Each command keeps its
 * own job and events. A command's own delivery, coming after, finds it applied and does nothing.
 */
@Injectable()
export class AddBatches {
  private readonly logger = new Logger(AddBatches.name);
  private readonly appliedAhead = new Set<string>();
  /** Members of a batch that failed: each is applied alone by its own delivery. */
  private readonly goAlone = new Set<string>();

  constructor(
    private readonly jobs: JobsRepository,
    private readonly indexing: IndexingService,
    private readonly events: IngestionEventsPublisher,
  ) {}

  /** True, once, when the job was applied and announced together with an earlier command. */
  takeApplied(jobId: string): boolean {
    return this.appliedAhead.delete(jobId);
  }

  /**
   * Applies `first` with the add commands right after it that can join it. Answers false when it did
   * not apply `first` (none could join, its job is finished or cancelled, or the batch failed), for
   * its delivery to apply it alone, with the usual retries and failure reports. A failed batch leaves
   * the others to their own deliveries, alone; every write is an upsert, so a partial one is redone.
   */
  async tryApply(first: AddCommand, following: readonly ContextCommand[], prepareArrivals: PrepareArrivals = () => undefined): Promise<boolean> {
    if (this.goAlone.delete(first.payload.jobId)) return false;
    let entries: BatchEntry[] = [];
    try {
      entries = await this.collect(first, following);
      if (entries.length < 2) return false;
      return await this.apply(entries, prepareArrivals);
    } catch (error) {
      // Its members go alone from now on, so one command that cannot be written fails no other batch.
      for (const { command } of entries.slice(1)) remember(this.goAlone, command.payload.jobId);
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        entries.length > 0
          ? `${entries.length} add commands applied together failed; each goes on alone, job ${first.payload.jobId} first: ${reason}`
          : `gathering the add commands to apply with job ${first.payload.jobId} failed; it goes on alone: ${reason}`,
      );
      return false;
    }
  }

  private async collect(first: AddCommand, following: readonly ContextCommand[]): Promise<BatchEntry[]> {
    const next = following[0];
    if (!next || !isAdd(next) || !batchable(first) || this.goAlone.has(next.payload.jobId)) return [];
    const batch = collectAddBatch(this.entry(first), this.entries(following), ADD_BATCH_LIMITS);
    if (batch.length < 2) return batch;
    // A file name held by another context fails its command, which is for that command's own
    // delivery to report: the batch ends before it.
    const taken = await this.indexing.takenFileNames(batch.map((entry) => entry.plan));
    const clash = taken.findIndex((names) => names.length > 0);
    return clash === -1 ? batch : batch.slice(0, clash);
  }

  private entry(command: AddCommand): BatchEntry {
    return { command, plan: this.indexing.plan(command.tenant, command.payload) };
  }

  /** Planned as the batch asks for them: the batch usually stops well before the last. */
  private *entries(commands: readonly ContextCommand[]): Generator<BatchEntry> {
    for (const command of commands) {
      if (!isAdd(command) || !batchable(command) || this.goAlone.has(command.payload.jobId)) return;
      yield this.entry(command);
    }
  }

  private async apply(entries: readonly BatchEntry[], prepareArrivals: PrepareArrivals): Promise<boolean> {
    const begun = await this.jobs.beginEach(entries.map(({ command }) => ({ id: command.payload.jobId, tenant: command.tenant, kind: 'add' })));
    // One that did not begin is finished, cancelled or another tenant's: its own delivery tells.
    const running = entries.filter(({ command }) => begun.has(command.payload.jobId));
    // Published in this order, not one at a time: both buses keep a producer's order (the in-process
    // log writes them in one statement, Kafka's producer has one request in flight).
    await settleAll(running.map(({ command }) => this.events.jobUpdated(command, jobUpdate(begun.get(command.payload.jobId)!))));

    const applying = new Set(entries.map(({ command }) => command.payload.jobId));
    const indexed = await this.indexing.indexTogether(
      running.map((entry) => entry.plan),
      () => prepareArrivals(applying),
    );
    const completed = await this.jobs.completeEach(
      running.map(({ command }, i) => ({
        id: command.payload.jobId,
        result: { context_id: indexed[i]!.contextId, processed_documents: indexed[i]!.documents.length },
        outcome: { jobId: command.payload.jobId, ...indexed[i]! },
      })),
    );
    const completedById = new Map(completed.map((job) => [job.id, job]));
    // Every job's completion before any indexed event: one after another, no indexed event comes
    // before its job's completion was published.
    await settleAll(
      running.map(({ command }) => {
        const job = completedById.get(command.payload.jobId);
        return job ? this.events.jobUpdated(command, jobUpdate(job)) : undefined;
      }),
    );
    // A job another delivery completed first is announced by its own delivery, as that one stored it.
    await settleAll(running.map(({ command }, i) => (completedById.has(command.payload.jobId) ? this.events.indexed(command, { jobId: command.payload.jobId, ...indexed[i]! }) : undefined)));

    const [first] = entries;
    for (const { command } of running) if (command !== first!.command) remember(this.appliedAhead, command.payload.jobId);
    return begun.has(first!.command.payload.jobId);
  }
}

/** Adds to a set that keeps only the newest MAX_REMEMBERED. */
function remember(jobs: Set<string>, jobId: string): void {
  jobs.add(jobId);
  for (const oldest of jobs) {
    if (jobs.size <= MAX_REMEMBERED) break;
    jobs.delete(oldest);
  }
}
