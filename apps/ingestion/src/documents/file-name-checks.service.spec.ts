import { describe, expect, it } from 'vitest';
import type { DocumentsRepository, FileNameCheck } from './documents.repository';
import { FileNameChecks } from './file-name-checks.service';

const ALICE = { userId: 'alice', organizationId: 'acme' };
const BOB = { userId: 'bob', organizationId: null };

/** A repository whose queries the test completes by hand, recording what each was asked. */
function controlledRepository() {
  const queries: Array<{ checks: FileNameCheck[]; answer(taken: string[][]): void; fail(error: Error): void }> = [];
  const repository = {
    takenFileNamesOfEach: (checks: FileNameCheck[]) =>
      new Promise<string[][]>((answer, fail) => queries.push({ checks: [...checks], answer, fail })),
  } as unknown as DocumentsRepository;
  return { repository, queries };
}

const asked = (checks: FileNameCheck[]) => checks.map(({ tenant, fileNames }) => ({ tenant, fileNames }));
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(FileNameChecks.name, () => {
  it('answers the checks that arrive during a query together, in the next query, each with its own names', async () => {
    const { repository, queries } = controlledRepository();
    const sut = new FileNameChecks(repository);

    const first = sut.taken(ALICE, ['a.txt']);
    const second = sut.taken(BOB, ['b.txt', 'c.txt']);
    const third = sut.taken(ALICE, ['d.txt']);
    expect(queries).toHaveLength(1);
    expect(asked(queries[0]!.checks)).toEqual([{ tenant: ALICE, fileNames: ['a.txt'] }]);

    queries[0]!.answer([['a.txt']]);
    await flush();
    expect(queries).toHaveLength(2);
    expect(asked(queries[1]!.checks)).toEqual([
      { tenant: BOB, fileNames: ['b.txt', 'c.txt'] },
      { tenant: ALICE, fileNames: ['d.txt'] },
    ]);
    queries[1]!.answer([['c.txt'], []]);

    await expect(first).resolves.toEqual(['a.txt']);
    await expect(second).resolves.toEqual(['c.txt']);
    await expect(third).resolves.toEqual([]);
  });

  it('fails every check of a failed query, and runs the next check on a new one', async () => {
    const { repository, queries } = controlledRepository();
    const sut = new FileNameChecks(repository);

    const blocked = sut.taken(ALICE, ['a.txt']);
    const waiting = sut.taken(BOB, ['b.txt']);
    queries[0]!.fail(new Error('connection lost'));
    await expect(blocked).rejects.toThrow('connection lost');
    await flush();
    queries[1]!.fail(new Error('still down'));
    await expect(waiting).rejects.toThrow('still down');

    const later = sut.taken(ALICE, ['e.txt']);
    expect(queries).toHaveLength(3);
    queries[2]!.answer([['e.txt']]);
    await expect(later).resolves.toEqual(['e.txt']);
  });

  it('retries the checks of a failed shared query one by one, so one bad check fails only itself', async () => {
    const { repository, queries } = controlledRepository();
    const sut = new FileNameChecks(repository);

    const first = sut.taken(ALICE, ['a.txt']);
    const good = sut.taken(ALICE, ['b.txt']);
    const bad = sut.taken(BOB, ['refused']);
    queries[0]!.answer([[]]);
    await flush();
    expect(asked(queries[1]!.checks)).toHaveLength(2);
    queries[1]!.fail(new Error('invalid byte sequence'));
    await flush();
    expect(asked(queries[2]!.checks)).toEqual([{ tenant: ALICE, fileNames: ['b.txt'] }]);
    queries[2]!.answer([['b.txt']]);
    await flush();
    expect(asked(queries[3]!.checks)).toEqual([{ tenant: BOB, fileNames: ['refused'] }]);
    queries[3]!.fail(new Error('invalid byte sequence'));

    await expect(first).resolves.toEqual([]);
    await expect(good).resolves.toEqual(['b.txt']);
    await expect(bad).rejects.toThrow('invalid byte sequence');
  });

  it('answers an empty list without a query', async () => {
    const { repository, queries } = controlledRepository();
    await expect(new FileNameChecks(repository).taken(ALICE, [])).resolves.toEqual([]);
    expect(queries).toHaveLength(0);
  });
});
