import { CommandTypes, makeEnvelope, type AddContextCommand, type JobUpdated, type Tenant } from '@recollect/contracts';
import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { addCommand as fromFactory } from '../../test/commands';
import type { IngestionEventsPublisher } from '../events/ingestion-events.publisher';
import { JobEntity } from '../jobs/job.entity';
import type { CompletedJob, JobToBegin, JobsRepository } from '../jobs/jobs.repository';
import { AddBatches, MAX_BATCHED_CONTENT } from './add-batches.service';
import { planCommand, type PlannedCommand } from './index-records';
import type { IndexingService } from './indexing.service';

const TENANT: Tenant = { userId: 'alice', organizationId: 'acme' };

const addCommand = (jobId: string) => fromFactory(jobId, TENANT);

const job = (id: string, status: JobEntity['status']): JobEntity => Object.assign(new JobEntity(), { id, ...TENANT, kind: 'add', status, attemptsMade: 1, failedReason: null });

/**
 * AddBatches over recording fakes: `finished` jobs do not begin, `failWrites` makes the index write
 * throw, `taken` jobs' file names are held elsewhere, and `failChecks` makes the file-name check throw.
 */
function setUp(options: { finished?: string[]; failWrites?: boolean; taken?: string[]; failChecks?: boolean; completedElsewhere?: string[] } = {}) {
  const events: string[] = [];
  const written: string[][] = [];
  const completions: CompletedJob[] = [];
  const jobs = {
    beginEach: async (toBegin: readonly JobToBegin[]) => new Map(toBegin.filter((j) => !options.finished?.includes(j.id)).map((j) => [j.id, job(j.id, 'active')])),
    completeEach: async (results: readonly CompletedJob[]) => {
      completions.push(...results);
      return results.filter((r) => !options.completedElsewhere?.includes(r.id)).map((r) => job(r.id, 'completed'));
    },
  } as unknown as JobsRepository;
  const planned: string[] = [];
  const indexing = {
    plan: (tenant: Tenant, command: AddContextCommand) => (planned.push(command.jobId), planCommand(tenant, command, { maxWords: 60, overlapWords: 0 })),
    takenFileNames: async (plans: readonly PlannedCommand[]) => {
      if (options.failChecks) throw new Error('database unavailable');
      return plans.map((p) => (options.taken?.includes(p.command.jobId) ? ['held.txt'] : []));
    },
    indexTogether: async (plans: readonly PlannedCommand[], onEncoded?: () => void) => {
      onEncoded?.();
      events.push('encoded');
      if (options.failWrites) throw new Error('index unavailable');
      written.push(plans.map((p) => p.command.jobId));
      return plans.map((p) => ({ contextId: p.command.contextId, source: p.command.source, documents: [] }));
    },
  } as unknown as IndexingService;
  const publisher = {
    jobUpdated: async (_cause: unknown, update: JobUpdated) => void events.push(`${update.jobId} ${update.status}`),
    indexed: async (_cause: unknown, indexed: { jobId: string }) => void events.push(`${indexed.jobId} indexed`),
  } as unknown as IngestionEventsPublisher;
  return { sut: new AddBatches(jobs, indexing, publisher), events, written, completions, planned };
}

describe(AddBatches.name, () => {
  it('applies a run in one write, announces each job in order, and lets the later deliveries skip once', async () => {
    const { sut, events, written, completions } = setUp();
    const [a, b, c] = ['a', 'b', 'c'].map(addCommand);
    expect(await sut.tryApply(a!, [b!, c!])).toBe(true);
    expect(written).toEqual([['a', 'b', 'c']]);
    // Each job keeps the outcome it announces, to announce it again should its command come again.
    expect(completions.map((completion) => completion.outcome)).toEqual(
      ['a', 'b', 'c'].map((id) => ({ jobId: id, contextId: `ctx-${id}`, source: 'spec', documents: [] })),
    );
    expect(events).toEqual(['a active', 'b active', 'c active', 'encoded', 'a completed', 'b completed', 'c completed', 'a indexed', 'b indexed', 'c indexed']);
    expect([sut.takeApplied('a'), sut.takeApplied('b'), sut.takeApplied('c'), sut.takeApplied('b')]).toEqual([false, true, true, false]);
  });

  it('once the vectors are made, and before they are written, has what arrived meanwhile prepared, leaving out the jobs being applied', async () => {
    const { sut, events } = setUp({ finished: ['b'] });
    const asked: string[][] = [];
    const prepareArrivals = (applying: ReadonlySet<string> = new Set()) => void asked.push([...applying, `after ${events.at(-1)}`]);
    expect(await sut.tryApply(addCommand('a'), [addCommand('b'), addCommand('c')], prepareArrivals)).toBe(true);
    // b did not begin (finished), but its command is in this batch: its delivery, not a prefetch, tells.
    expect(asked).toEqual([['a', 'b', 'c', 'after c active']]);
  });

  it('leaves a lone command, or one followed by a delete, to its own delivery', async () => {
    const { sut, written } = setUp();
    const deletion = { ...makeEnvelope(CommandTypes.deleteContext, TENANT, 'corr-d', { jobId: 'd', target: 'spec', byId: false }), type: CommandTypes.deleteContext } as const;
    expect(await sut.tryApply(addCommand('a'), [])).toBe(false);
    expect(await sut.tryApply(addCommand('a'), [deletion, addCommand('b')])).toBe(false);
    expect(written).toEqual([]);
  });

  it('applies the others when the first job is finished, and leaves the first to its delivery', async () => {
    const { sut, events, written } = setUp({ finished: ['a'] });
    expect(await sut.tryApply(addCommand('a'), [addCommand('b'), addCommand('c')])).toBe(false);
    expect(written).toEqual([['b', 'c']]);
    expect(events.filter((e) => e.startsWith('a'))).toEqual([]);
    expect(sut.takeApplied('b')).toBe(true);
  });

  it("announces as indexed only the jobs it completed: one another delivery completed first is that delivery's to announce", async () => {
    const { sut, events } = setUp({ completedElsewhere: ['b'] });
    expect(await sut.tryApply(addCommand('a'), [addCommand('b')])).toBe(true);
    expect(events).toEqual(['a active', 'b active', 'encoded', 'a completed', 'a indexed']);
  });

  it('answers false on a failed write, remembering no job as applied, so each delivery applies its own', async () => {
    const { sut, events } = setUp({ failWrites: true });
    expect(await sut.tryApply(addCommand('a'), [addCommand('b')])).toBe(false);
    expect(events).toEqual(['a active', 'b active', 'encoded']);
    expect(sut.takeApplied('b')).toBe(false);
  });

  it('has the members of a failed batch applied alone, so one bad command fails no further batch', async () => {
    const { sut, written } = setUp({ failWrites: true });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(addCommand);
    expect(await sut.tryApply(a!, [b!, c!, d!])).toBe(false);
    // b, c and d were in it: each goes alone, and a batch starting before them stops short of them.
    expect(await sut.tryApply(b!, [c!, d!])).toBe(false);
    expect(await sut.tryApply(c!, [d!])).toBe(false);
    expect(written).toEqual([]);
  });

  it('ends the batch before a command whose file name is held elsewhere', async () => {
    const { sut, written } = setUp({ taken: ['c'] });
    expect(await sut.tryApply(addCommand('a'), ['b', 'c', 'd'].map(addCommand))).toBe(true);
    expect(written).toEqual([['a', 'b']]);
    expect(sut.takeApplied('c')).toBe(false);
  });

  it('leaves a command with more text than a batch plans at once to its own delivery, without planning it', async () => {
    const { sut, written, planned } = setUp();
    const withContent = (jobId: string, characters: number) => {
      const command = addCommand(jobId);
      // Two documents: the limit is on the command's text in all.
      const half = Math.floor(characters / 2);
      command.payload.documents = [
        { content: 'w'.repeat(half), metadata: {} },
        { content: 'w'.repeat(characters - half), metadata: {} },
      ];
      return command;
    };
    expect(await sut.tryApply(addCommand('a'), [addCommand('b'), withContent('c', MAX_BATCHED_CONTENT + 1), addCommand('d')])).toBe(true);
    expect(written).toEqual([['a', 'b']]);
    expect(await sut.tryApply(withContent('e', MAX_BATCHED_CONTENT + 1), [addCommand('f')])).toBe(false);
    expect(planned).toEqual(['a', 'b']);
    // Exactly at the limit, a command still joins.
    expect(await sut.tryApply(addCommand('g'), [withContent('h', MAX_BATCHED_CONTENT)])).toBe(true);
    expect(written).toEqual([['a', 'b'], ['g', 'h']]);
  });

  it('answers false, without throwing, when the batch cannot even be checked, and says so', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { sut, events } = setUp({ failChecks: true });
    expect(await sut.tryApply(addCommand('a'), [addCommand('b')])).toBe(false);
    expect(events).toEqual([]);
    expect(warn).toHaveBeenCalledWith('gathering the add commands to apply with job a failed; it goes on alone: database unavailable');
    warn.mockRestore();
  });
});
