import { describe, expect, it } from 'vitest';
import { derivedEventId } from './event-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(derivedEventId.name, () => {
  it('gives the same fact the same UUID-shaped id, every time', () => {
    const id = derivedEventId('context.indexed.v1', 'job-1');
    expect(id).toMatch(UUID);
    expect(derivedEventId('context.indexed.v1', 'job-1')).toBe(id);
  });

  it('gives different facts different ids, however their parts would join', () => {
    const ids = [
      derivedEventId('context.indexed.v1', 'job-1'),
      derivedEventId('context.deleted.v1', 'job-1'),
      derivedEventId('context.indexed.v1', 'job-2'),
      derivedEventId('context.job.updated.v1', 'job-1', 'active', '1'),
      derivedEventId('context.job.updated.v1', 'job-1', 'active', '2'),
      derivedEventId('context.job.updated.v1', 'job-1', 'completed', '1'),
      derivedEventId('a', 'bc'),
      derivedEventId('ab', 'c'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID);
  });
});
