import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, Index, type Connection, type Table } from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VectorIndexUpkeep } from './vector-index';

const DIMENSION = 8;
let seed = 7;
const random = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const rows = (from: number, count: number) => Array.from({ length: count }, (_, offset) => ({ id: `r${from + offset}`, vector: Array.from({ length: DIMENSION }, () => random() - 0.5) }));

describe(VectorIndexUpkeep.name, () => {
  let directory: string;
  let connection: Connection;
  let table: Table;
  const errors: unknown[] = [];

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'recollect-vector-index-'));
    connection = await connect(directory);
    table = await connection.createTable('t', rows(0, 100));
    errors.length = 0;
  });

  afterEach(async () => {
    table.close();
    connection.close();
    await rm(directory, { recursive: true, force: true });
  });

  const upkeep = (minRows: number | undefined) => new VectorIndexUpkeep(minRows, (error) => errors.push(error));
  const kind = async () => {
    const index = (await table.listIndices()).find((i) => i.columns.includes('vector'));
    return index && (await table.indexStats(index.name))?.indexType;
  };

  it('builds nothing below its minimum, then IVF_FLAT at it, and again only once the table has doubled', async () => {
    const sut = upkeep(120);
    const builds = vi.spyOn(table, 'createIndex');
    await sut.startIfDue(table);
    expect(sut.building).toBe(false);
    expect(sut.exists).toBe(false);

    await table.add(rows(100, 30));
    await sut.startIfDue(table);
    expect(sut.building).toBe(true);
    await sut.idle();
    expect(sut.exists).toBe(true);
    expect(await kind()).toBe('IVF_FLAT');
    expect(builds).toHaveBeenCalledTimes(1);

    // Built at 130 rows: the next build is at 260.
    await table.add(rows(130, 129));
    await sut.startIfDue(table);
    await sut.idle();
    expect(builds).toHaveBeenCalledTimes(1);
    await table.add(rows(259, 1));
    await sut.startIfDue(table);
    await sut.idle();
    expect(builds).toHaveBeenCalledTimes(2);
    expect(sut.searchProbes).toBe(20);
    expect(errors).toEqual([]);
  });

  it('never builds without a minimum', async () => {
    const sut = upkeep(undefined);
    await sut.startIfDue(table);
    expect(sut.building).toBe(false);
    expect(await kind()).toBeUndefined();
  });

  it('takes an index of the current kind as it is, and builds one of an earlier kind again', async () => {
    await table.createIndex('vector', { config: Index.ivfFlat({ distanceType: 'cosine', numPartitions: 4 }) });
    const current = upkeep(50);
    await current.adopt(table);
    expect(current.exists).toBe(true);
    const builds = vi.spyOn(table, 'createIndex');
    await current.startIfDue(table);
    expect(builds).not.toHaveBeenCalled();

    await table.createIndex('vector', { config: Index.hnswSq({ distanceType: 'cosine', numPartitions: 1 }), replace: true });
    const earlier = upkeep(50);
    await earlier.adopt(table);
    // It serves searches until the new one is built.
    expect(earlier.exists).toBe(true);
    await earlier.startIfDue(table);
    await earlier.idle();
    expect(await kind()).toBe('IVF_FLAT');
  });

  it('reports a failed build and tries again only once the table has grown by its minimum', async () => {
    const sut = upkeep(100);
    const builds = vi.spyOn(table, 'createIndex').mockRejectedValueOnce(new Error('disk full'));
    await sut.startIfDue(table);
    await sut.idle();
    expect(errors).toEqual([new Error('disk full')]);
    expect(sut.exists).toBe(false);

    await table.add(rows(100, 99));
    await sut.startIfDue(table);
    await sut.idle();
    expect(builds).toHaveBeenCalledTimes(1);
    await table.add(rows(199, 1));
    await sut.startIfDue(table);
    await sut.idle();
    expect(builds).toHaveBeenCalledTimes(2);
    expect(sut.exists).toBe(true);
  });

  it('lets writes and reads go on while it builds, and the rows written meanwhile are found', async () => {
    await table.add(rows(100, 1900));
    const sut = upkeep(1000);
    await sut.startIfDue(table);
    expect(sut.building).toBe(true);
    const written = rows(5000, 1);
    await table.add(written);
    await table.delete("id = 'r3'");
    await sut.idle();
    const [nearest] = await table.vectorSearch(written[0]!.vector).distanceType('cosine').nprobes(sut.searchProbes).limit(1).toArray();
    expect(nearest.id).toBe('r5000');
    expect(await table.countRows()).toBe(2000);
    expect(errors).toEqual([]);
  });
});
