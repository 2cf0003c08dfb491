import { createTestDatabase } from '@recollect/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentEntity } from './document.entity';
import { DocumentsRepository } from './documents.repository';

const ACME_ALICE = { userId: 'alice', organizationId: 'acme' };
const PERSONAL_ALICE = { userId: 'alice', organizationId: null };
const ACME_BOB = { userId: 'bob', organizationId: 'acme' };

function row(id: string, tenant: { userId: string; organizationId: string | null }, fileName: string | null): DocumentEntity {
  return Object.assign(new DocumentEntity(), {
    id,
    userId: tenant.userId,
    organizationId: tenant.organizationId,
    contextId: `ctx-${id}`,
    jobId: `job-${id}`,
    position: 0,
    source: `src-${id}`,
    contextType: 'resource',
    scope: 'internal',
    fileName,
    chunkCount: 1,
    contentBytes: 10,
    metadata: {},
  });
}

describe(DocumentsRepository.name, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let sut: DocumentsRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.url, entities: [DocumentEntity], synchronize: true }).initialize();
    sut = new DocumentsRepository(dataSource);
    await sut.upsert([row('1', ACME_ALICE, 'plan.txt'), row('2', PERSONAL_ALICE, 'diary.txt'), row('3', ACME_BOB, 'notes.txt'), row('4', ACME_ALICE, null)]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('answers, per check, only the names its own tenant holds', async () => {
    const taken = await sut.takenFileNamesOfEach([
      { tenant: ACME_ALICE, fileNames: ['plan.txt', 'diary.txt', 'notes.txt', 'new.txt'] },
      { tenant: PERSONAL_ALICE, fileNames: ['plan.txt', 'diary.txt'] },
      { tenant: ACME_BOB, fileNames: ['notes.txt', 'notes.txt'] },
      { tenant: { userId: 'carol', organizationId: 'acme' }, fileNames: ['plan.txt'] },
    ]);
    expect(taken).toEqual([['plan.txt'], ['diary.txt'], ['notes.txt'], []]);
  });

  it('answers the same as the single-tenant check', async () => {
    const [many] = await sut.takenFileNamesOfEach([{ tenant: PERSONAL_ALICE, fileNames: ['diary.txt', 'plan.txt'] }]);
    expect(many).toEqual(await sut.takenFileNames(PERSONAL_ALICE, ['diary.txt', 'plan.txt']));
  });

  it('does not count the names a check\'s own context holds, per check', async () => {
    const taken = await sut.takenFileNamesOfEach([
      { tenant: ACME_ALICE, fileNames: ['plan.txt'], exceptContextId: 'ctx-1' },
      { tenant: ACME_ALICE, fileNames: ['plan.txt'], exceptContextId: 'ctx-other' },
      { tenant: PERSONAL_ALICE, fileNames: ['diary.txt'], exceptContextId: 'ctx-2' },
    ]);
    expect(taken).toEqual([[], ['plan.txt'], []]);
    expect(await sut.takenFileNames(ACME_ALICE, ['plan.txt'], 'ctx-1')).toEqual([]);
  });

  it('answers empty lists without names to look for', async () => {
    expect(await sut.takenFileNamesOfEach([{ tenant: ACME_ALICE, fileNames: [] }])).toEqual([[]]);
    expect(await sut.takenFileNamesOfEach([])).toEqual([]);
  });
  it('writes rows once: writing the same ids again replaces their fields, keeps when they were created and adds none', async () => {
    const first = { ...row('up-1', ACME_ALICE, 'report.txt'), metadata: { title: 'Q1 "draft"', tags: ['a', 'b'] } };
    await sut.upsert([first, row('up-2', ACME_ALICE, null)]);
    const before = await dataSource.getRepository(DocumentEntity).findOneByOrFail({ id: 'up-1' });
    expect(before).toMatchObject({ fileName: 'report.txt', chunkCount: 1, metadata: { title: 'Q1 "draft"', tags: ['a', 'b'] }, organizationId: 'acme' });

    // The same command applied again, with what changed since: two rows of one id in a batch take the last.
    const again = { ...first, chunkCount: 3, contentBytes: 99, metadata: { title: 'final' } };
    await sut.upsert([{ ...again, chunkCount: 2 }, again]);
    const after = await dataSource.getRepository(DocumentEntity).findOneByOrFail({ id: 'up-1' });
    expect(after).toMatchObject({ chunkCount: 3, contentBytes: 99, metadata: { title: 'final' }, fileName: 'report.txt' });
    expect(after.createdAt).toEqual(before.createdAt);
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    expect(await dataSource.getRepository(DocumentEntity).countBy({ id: 'up-1' })).toBe(1);
    await sut.upsert([]);
  });

  it('has the table analysed for the planner once a fresh table has grown, without waiting for autovacuum', async () => {
    const analyses = async (): Promise<number> =>
      Number((await dataSource.query(`SELECT analyze_count AS n FROM pg_stat_all_tables WHERE relid = 'documents'::regclass`))[0].n);
    const before = await analyses();
    await sut.upsert(Array.from({ length: 600 }, (_, i) => row(`grow-${i}`, ACME_BOB, `grow-${i}.txt`)));
    // The analysis runs beside the write, not inside it.
    const deadline = Date.now() + 10_000;
    while ((await analyses()) === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await analyses()).toBeGreaterThan(before);
  });
});
