import { CommandTypes, makeEnvelope, type AddContextCommand, type Tenant } from '@recollect/contracts';
import { describe, expect, it } from 'vitest';
import { collectAddBatch, parseFollowing, type AddCommand, type BatchEntry } from './add-batch';
import { planCommand } from './index-records';

const ALICE: Tenant = { userId: 'alice', organizationId: 'acme' };
const BOB: Tenant = { userId: 'bob', organizationId: 'acme' };
const CHUNKING = { maxWords: 10, overlapWords: 0 };
const LIMITS = { maxCommands: 4, maxChunks: 12 };

function addCommand(jobId: string, options: { tenant?: Tenant; contextId?: string; fileName?: string; words?: number } = {}): AddCommand {
  const words = Array.from({ length: options.words ?? 10 }, (_, i) => `word${i}`).join(' ');
  const payload: AddContextCommand = {
    jobId,
    contextId: options.contextId ?? `ctx-${jobId}`,
    source: 'spec',
    contextType: 'resource',
    scope: 'internal',
    chained: false,
    metadata: options.fileName ? { fileName: options.fileName } : {},
    documents: [{ content: `${words}.`, metadata: {} }],
  };
  return { ...makeEnvelope(CommandTypes.addContext, options.tenant ?? ALICE, `corr-${jobId}`, payload), type: CommandTypes.addContext };
}

const entry = (command: AddCommand): BatchEntry => ({ command, plan: planCommand(command.tenant, command.payload, CHUNKING) });
const jobsOf = (batch: BatchEntry[]) => batch.map((e) => e.command.payload.jobId);

describe(collectAddBatch.name, () => {
  it('takes the commands after the first up to the command and chunk limits', () => {
    const following = ['b', 'c', 'd', 'e'].map((id) => entry(addCommand(id)));
    expect(jobsOf(collectAddBatch(entry(addCommand('a')), following, LIMITS))).toEqual(['a', 'b', 'c', 'd']);

    // At 10 words a chunk: 3 + 5 chunks fit in 12, a further 5 would not.
    const first = entry(addCommand('a', { words: 30 }));
    const big = ['b', 'c'].map((id) => entry(addCommand(id, { words: 50 })));
    expect([first, ...big].map((e) => e.plan.chunks.length)).toEqual([3, 5, 5]);
    expect(jobsOf(collectAddBatch(first, big, LIMITS))).toEqual(['a', 'b']);
  });

  it('keeps a first command past the chunk limit alone', () => {
    const batch = collectAddBatch(entry(addCommand('a', { words: 200 })), [entry(addCommand('b'))], LIMITS);
    expect(jobsOf(batch)).toEqual(['a']);
  });

  it('stops before a command that repeats a job, a document or a file name of the same tenant', () => {
    const first = entry(addCommand('a', { fileName: 'notes.txt' }));
    const stopsBefore = (next: AddCommand) => jobsOf(collectAddBatch(first, [entry(addCommand('b')), entry(next), entry(addCommand('z'))], LIMITS));
    expect(stopsBefore(addCommand('a'))).toEqual(['a', 'b']);
    expect(stopsBefore(addCommand('c', { contextId: 'ctx-a' }))).toEqual(['a', 'b']);
    expect(stopsBefore(addCommand('c', { fileName: 'notes.txt' }))).toEqual(['a', 'b']);
    // Another tenant's file of the same name is another file.
    expect(stopsBefore(addCommand('c', { tenant: BOB, fileName: 'notes.txt' }))).toEqual(['a', 'b', 'c', 'z']);
  });
});

describe(parseFollowing.name, () => {
  it('parses up to the limit and stops before the first value it cannot parse', () => {
    const values = [addCommand('b'), addCommand('c'), { type: CommandTypes.addContext, payload: { nonsense: true } }, addCommand('d')];
    expect(parseFollowing(values, 10).map((c) => c.payload.jobId)).toEqual(['b', 'c']);
    expect(parseFollowing(values, 1).map((c) => c.payload.jobId)).toEqual(['b']);
    expect(parseFollowing([], 5)).toEqual([]);
  });
});
