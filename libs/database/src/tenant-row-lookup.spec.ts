import { createTestDatabase } from '@recollect/testing';
import { Column, CreateDateColumn, DataSource, Entity, IsNull, PrimaryColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantRowLookup, type TenantRowLookup } from './tenant-row-lookup';

@Entity({ name: 'tasks' })
class TaskEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'organization_id', type: 'text', nullable: true })
  organizationId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: { items: string[] } | null;

  @Column({ name: 'attempts_made', type: 'int', default: 0 })
  attemptsMade!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'finished_on', type: 'timestamptz', nullable: true })
  finishedOn!: Date | null;
}

const ACME_ALICE = { userId: 'alice', organizationId: 'acme' };
const PERSONAL_ALICE = { userId: 'alice', organizationId: null };
const ACME_BOB = { userId: 'bob', organizationId: 'acme' };

describe(tenantRowLookup.name, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let sut: TenantRowLookup<TaskEntity>;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [TaskEntity], synchronize: true });
    // Made before the data source is initialised, as a repository's constructor does.
    sut = tenantRowLookup(dataSource, TaskEntity);
    await dataSource.initialize();
    const tasks = dataSource.getRepository(TaskEntity);
    await tasks.insert({ id: 'shared', ...ACME_ALICE, result: { items: ['a', 'b'] }, attemptsMade: 2, finishedOn: new Date('2026-01-02T03:04:05.678Z') });
    await tasks.insert({ id: 'personal', ...PERSONAL_ALICE, result: null, finishedOn: null });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('answers the row exactly as findOneBy does, types included', async () => {
    const found = await sut('shared', ACME_ALICE);
    expect(found).toBeInstanceOf(TaskEntity);
    expect(found).toEqual(await dataSource.getRepository(TaskEntity).findOneBy({ id: 'shared', ...ACME_ALICE }));
    expect(found!.finishedOn).toEqual(new Date('2026-01-02T03:04:05.678Z'));
    expect(found!.result).toEqual({ items: ['a', 'b'] });
    expect(found!.attemptsMade).toBe(2);
  });

  it("never answers another tenant's row", async () => {
    expect(await sut('shared', ACME_BOB)).toBeNull();
    expect(await sut('shared', PERSONAL_ALICE)).toBeNull();
    expect(await sut('personal', ACME_ALICE)).toBeNull();
  });

  it('matches a null organization only to rows without one', async () => {
    const found = await sut('personal', PERSONAL_ALICE);
    expect(found).toEqual(await dataSource.getRepository(TaskEntity).findOneBy({ id: 'personal', userId: 'alice', organizationId: IsNull() }));
    expect(found!.organizationId).toBeNull();
    expect(found!.finishedOn).toBeNull();
  });

  it('answers null for an id nobody has', async () => {
    expect(await sut('missing', ACME_ALICE)).toBeNull();
  });

  it('names the column an entity lacks', async () => {
    @Entity({ name: 'ownerless' })
    class OwnerlessEntity {
      @PrimaryColumn({ type: 'text' })
      id!: string;
    }
    const other = new DataSource({ type: 'postgres', url: database.url, entities: [OwnerlessEntity], synchronize: true });
    await other.initialize();
    try {
      await expect(tenantRowLookup(other, OwnerlessEntity)('x', ACME_ALICE)).rejects.toThrow(/OwnerlessEntity has no userId column/);
    } finally {
      await other.destroy();
    }
  });
});
