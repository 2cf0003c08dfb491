import { createTestDatabase } from '@recollect/testing';
import { DomainError, ErrorCode, UnreadableMessageError, type AddContextCommand, type JobUpdated } from '@recollect/contracts';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addCommand, deleteCommand } from '../../test/commands';
import type { IngestionEventsPublisher } from '../events/ingestion-events.publisher';
import { JobEntity } from '../jobs/job.entity';
import { JobOutcomeEntity } from '../jobs/job-outcome.entity';
import { JobsRepository } from '../jobs/jobs.repository';
import type { AddBatches } from './add-batches.service';
import { CommandProcessor } from './command-processor.service';
import type { DeletionService } from './deletion.service';
import type { IndexingService } from './indexing.service';

const TENANT = { userId: 'alice', organizationId: 'acme' };

const add = (jobId: string) => addCommand(jobId, TENANT);
const remove = (jobId: string) => deleteCommand(jobId, TENANT);

/** Records what is announced, as `<job> <status>` or `<job> <outcome>`; refuses the next `failing` outcome announcements. */
class RecordingEvents {
  readonly announced: string[] = [];
  readonly outcomes: unknown[] = [];
  failing = 0;

  async jobUpdated(_cause: unknown, update: JobUpdated): Promise<void> {
    this.announced.push(`${update.jobId} ${update.status}`);
  }

  async indexed(_cause: unknown, indexed: { jobId: string }): Promise<void> {
    this.outcome(`${indexed.jobId} indexed`, indexed);
  }

  async deleted(_cause: unknown, deleted: { jobId: string }): Promise<void> {
    this.outcome(`${deleted.jobId} deleted`, deleted);
  }

  private outcome(line: string, payload: unknown): void {
    if (this.failing > 0) {
      this.failing -= 1;
      throw new Error('bus down');
    }
    this.announced.push(line);
    this.outcomes.push(payload);
  }
}

// A real PostgreSQL for the jobs, whose states decide what is announced; the index is a fake.
describe(CommandProcessor.name, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let jobs: JobsRepository;
  let events: RecordingEvents;
  const once = { attempt: 1, maxAttempts: 3 };
  const last = { attempt: 3, maxAttempts: 3 };

  const indexing = {
    prepare: () => undefined,
    discardPrepared: () => undefined,
    indexContext: async (_tenant: unknown, command: AddContextCommand) => ({
      contextId: command.contextId,
      source: command.source,
      documents: [{ documentId: `doc-${command.jobId}`, fileName: null, chunkCount: 1 }],
    }),
  } as unknown as IndexingService;
  const deletion = { deleteContext: async () => ({ documentIds: ['doc-gone'], chunksDeleted: 2 }) } as unknown as DeletionService;
  const batches = { takeApplied: () => false, tryApply: async () => false } as unknown as AddBatches;
  const processorWith = (jobsSeen: JobsRepository) => new CommandProcessor(jobsSeen, indexing, deletion, events as unknown as IngestionEventsPublisher, batches);
  const status = async (jobId: string) => (await jobs.findForTenant(jobId, TENANT))?.status;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.url, entities: [JobEntity, JobOutcomeEntity], synchronize: true }).initialize();
    jobs = new JobsRepository(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });
  beforeEach(() => {
    events = new RecordingEvents();
  });

  it("announces a finished job's update and outcome again when its command comes again, as the job stored them", async () => {
    await processorWith(jobs).process(add('a'), once);
    await processorWith(jobs).process(remove('d'), once);
    expect(events.announced).toEqual(['a active', 'a completed', 'a indexed', 'd active', 'd completed', 'd deleted']);

    const first = [...events.outcomes];
    await processorWith(jobs).process(add('a'), once);
    await processorWith(jobs).process(remove('d'), once);
    expect(events.announced.slice(6)).toEqual(['a completed', 'a indexed', 'd completed', 'd deleted']);
    expect(events.outcomes.slice(2)).toEqual(first);
  });

  it('leaves a job completed when announcing it fails, even on the last attempt, and the next delivery announces it', async () => {
    events.failing = 1;
    await expect(processorWith(jobs).process(add('b'), last)).rejects.toThrow('bus down');
    expect(await status('b')).toBe('completed');
    expect(events.announced).toEqual(['b active', 'b completed']);

    await processorWith(jobs).process(add('b'), once);
    expect(events.announced.slice(2)).toEqual(['b completed', 'b indexed']);
  });

  it('announces as completed, not failed, a job whose completion went through though its answer was lost', async () => {
    const answerLost = Object.assign(Object.create(jobs) as JobsRepository, {
      complete: async (...args: Parameters<JobsRepository['complete']>) => {
        await jobs.complete(...args);
        throw new Error('connection reset');
      },
    });
    await expect(processorWith(answerLost).process(add('c'), last)).resolves.toBeUndefined();
    expect(await status('c')).toBe('completed');
    expect(events.announced).toEqual(['c active', 'c completed', 'c indexed']);
  });

  it('announces again the update of a finished job whose command comes back failing its schema', async () => {
    await processorWith(jobs).process(add('e'), once);
    const refused = { ...add('e'), payload: { jobId: 'e', documents: 'not a list' } };
    await processorWith(jobs).failRefused(refused, new UnreadableMessageError(new DomainError(ErrorCode.ValidationFailed, 'documents: expected array')));
    expect(events.announced).toEqual(['e active', 'e completed', 'e indexed', 'e completed']);
    expect(await status('e')).toBe('completed');
  });
});
