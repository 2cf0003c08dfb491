import { Index, type Table } from '@lancedb/lancedb';

/**
 * The chunk table's ANN index: IVF_FLAT, k-means partitions that hold the vectors themselves, so a
 * search computes exact cosines over the partitions nearest the query. Measured at 100k chunks of 512
 * dimensions on 2 cores (the benchmark's corpus), against the IVF_HNSW_SQ graph used before:
 * - a build took 4 to 8 s, against 30 s (58 s on a looser corpus);
 * - a search took 5 to 6 ms at the median with recall@10 of 1.0, as the graph did;
 * - what decided it is upkeep: optimize() folds new rows into the same partitions, so the table keeps
 *   one index. It gave the graph a delta index of its own each time instead, and every search walks
 *   every delta: 17 of them, after 40k rows written at the usual pace, took the median search from 11
 *   to 25 ms, and nothing ever merged them.
 */
const config = (rows: number): Index => Index.ivfFlat({ distanceType: 'cosine', numPartitions: partitionsFor(rows) });

/** LanceDB's own rule of thumb: about √rows partitions, each of about √rows vectors. */
const partitionsFor = (rows: number): number => Math.max(1, Math.round(Math.sqrt(rows)));

/**
 * Partitions a search reads: 20 (of 256) found every one of the true top 10 at 100k chunks, on the
 * benchmark's near-duplicate corpus and on a looser one; a sixteenth of them once tables are larger.
 */
const MIN_PROBES = 20;
const probesFor = (rows: number): number => Math.max(MIN_PROBES, Math.ceil(partitionsFor(rows) / 16));

/** How an index reads in `Table.indexStats`: any other kind was written by an earlier version, and is built again. */
const CURRENT_KIND = 'IVF_FLAT';

/**
 * When to build the index, and its builds. A build runs beside the table's writes, never holding
 * them up (LanceDB commits an index over the rows it read, and rows written meanwhile are searched
 * exactly until the next optimize() folds them in); compaction must wait for it, since it rewrites
 * the files the build reads (see `building`).
 */
export class VectorIndexUpkeep {
  /** Whether a vector index exists, so searches go through it. */
  private present = false;
  /** Rows the index was sized for; 0 when it should be built again (none yet, or of an earlier kind). */
  private rowsAtBuild = 0;
  private probes = MIN_PROBES;
  /** A failed build is not retried at every maintenance, only once the table has grown by minRows more. */
  private retryAtRows = 0;
  private build: Promise<void> | undefined;

  constructor(
    /** No index below this many rows (exact search); undefined: never one. */
    private readonly minRows: number | undefined,
    private readonly reportError: (error: unknown) => void,
  ) {}

  get exists(): boolean {
    return this.present;
  }

  /** Partitions each search reads. */
  get searchProbes(): number {
    return this.probes;
  }

  /** Whether a build is running: maintenance waits for it to end. */
  get building(): boolean {
    return this.build !== undefined;
  }

  /** At open: takes the index the table has. One of an earlier kind serves until it is built again. */
  async adopt(table: Table): Promise<void> {
    const existing = (await table.listIndices()).find((index) => index.columns.includes('vector'));
    const stats = existing && (await table.indexStats(existing.name));
    this.present = stats !== undefined;
    const rows = stats ? stats.numIndexedRows + stats.numUnindexedRows : 0;
    // How many rows the index was built for is not stored: the rows it covers now is the safe guess (it
    // only puts the next build off).
    this.rowsAtBuild = stats?.indexType === CURRENT_KIND ? rows : 0;
    this.probes = probesFor(rows);
  }

  /**
   * Starts a build, not awaited, if one is due: there is none (or one of an earlier kind) and the table
   * holds minRows, or the table has doubled since the last build, which leaves its partitions twice as
   * full as they were sized for (a search reads twice the rows). Doubling keeps the rebuilds' total cost
   * within twice that of the last one.
   */
  async startIfDue(table: Table): Promise<void> {
    if (this.build || this.minRows === undefined) return;
    const rows = await table.countRows();
    if (this.build) return;
    const threshold = this.rowsAtBuild === 0 ? this.minRows : 2 * this.rowsAtBuild;
    if (rows < Math.max(threshold, this.retryAtRows)) return;
    this.retryAtRows = rows + this.minRows;
    this.build = this.buildFor(table, rows)
      .catch((error: unknown) => this.reportError(error))
      .finally(() => (this.build = undefined));
  }

  /** Resolves once no build is running. */
  async idle(): Promise<void> {
    await this.build;
  }

  private async buildFor(table: Table, rows: number): Promise<void> {
    await table.createIndex('vector', { config: config(rows), replace: true });
    this.present = true;
    this.rowsAtBuild = rows;
    this.probes = probesFor(rows);
  }
}
