import type { AddContextCommand, Tenant } from '@recollect/contracts';
import { describe, expect, it } from 'vitest';
import { TimeSlices } from '../chunking/time-slices';
import { firstChunkTexts, planCommand, planCommandInSlices } from './index-records';

const TENANT: Tenant = { userId: 'alice', organizationId: 'acme' };
const CHUNKING = { maxWords: 8, overlapWords: 2 };

const sentences = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} sentence ${i} has a few words.`).join(' ');

const command: AddContextCommand = {
  jobId: 'job-1',
  contextId: 'ctx-1',
  source: 'spec',
  contextType: 'resource',
  scope: 'internal',
  chained: true,
  metadata: { fileName: 'shared.txt' },
  documents: [
    { content: sentences('First', 7), metadata: { fileName: 'one.txt' } },
    { content: 'Short.', metadata: {} },
    { content: sentences('Third', 5), metadata: { fileName: 'three.txt' } },
  ],
};

describe('planCommandInSlices', () => {
  it('plans what planCommand plans, record for record, while giving the event loop turns', async () => {
    let turns = 0;
    let counting = true;
    const countTurns = () => setImmediate(() => counting && (turns++, countTurns()));
    countTurns();
    const slicedPlan = await planCommandInSlices(TENANT, command, CHUNKING, new TimeSlices(0));
    counting = false;
    const plan = planCommand(TENANT, command, CHUNKING);
    // Everything but the planning time, which every record carries.
    const withoutTime = <T extends { now: string; chunks: Array<{ createdAt: string; updatedAt: string }> }>(p: T) => ({
      ...p,
      now: undefined,
      chunks: p.chunks.map((chunk) => ({ ...chunk, createdAt: undefined, updatedAt: undefined })),
    });
    expect(withoutTime(slicedPlan)).toEqual(withoutTime(plan));
    expect(plan.chunks.length).toBeGreaterThan(8);
    // A slice of 0 ms is used up at every step: at least a turn per chunk.
    expect(turns).toBeGreaterThanOrEqual(plan.chunks.length);
  });
});

describe('firstChunkTexts', () => {
  it("answers the first chunks' texts across the documents, in the plan's order", () => {
    const texts = planCommand(TENANT, command, CHUNKING).chunks.map((chunk) => chunk.text);
    for (const count of [1, 3, 7, 8, 9, texts.length, texts.length + 5]) expect(firstChunkTexts(command, CHUNKING, count)).toEqual(texts.slice(0, count));
  });
});
