import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BooleanQuery, connect, Index, MatchQuery, Occur, type Connection, type FtsOptions, type FullTextQuery, type IndexConfig, type Table } from '@lancedb/lancedb';
import type { Schema, Table as ArrowTable } from 'apache-arrow';
import { DomainError, ErrorCode, type Tenant } from '@recollect/contracts';
import type {
  ChunkFilter,
  ChunkRecord,
  ChunkTail,
  DocumentRecord,
  DocumentSummary,
  IndexIdentity,
  LexicalOptions,
  ScoredChunk,
  ScoredDocument,
  SearchIndex,
} from '../search-index.port';
import { chunksToArrowTable } from './chunk-batch';
import { CHUNK_READ_COLUMNS, chunkTableSchema, rowToChunk, storedIdentity, type StoredChunk } from './chunk-table-schema';
import { filterToSql, filterToSqlBesideTenant } from './filter-to-sql';
import { assertValidIdentity, indexMismatchError } from './index-identity';
import { fillDocumentFileTypes } from './document-file-types';
import { summariseDocuments, SUMMARY_COLUMNS } from './document-summaries';
import { documentRowId, documentsToArrowTable, documentTableSchema } from './document-table';
import { EngineThreadPriority } from './engine-thread-priority';
import { nearestIfAllOwn, OWN_ROW_COLUMNS, ownRowsByCosine } from './own-rows';
import { fillChunkPayloads } from './payload-migration';
import { SerialQueue } from './serial-queue';
import { sqlInList, sqlString } from './sql';
import { TENANT_ID_SQL, tenantId } from './tenant-id';

export interface LanceDbSearchIndexOptions {
  /** Folder holding the LanceDB database; created if missing. One writing process per folder. */
  directory: string;
  tableName?: string;
  /** Run `optimize()` (compaction + folding new rows into the indices) after this many write operations. */
  maintenanceEveryWrites?: number;
  /** ...or once this many rows were written since the last maintenance, whichever comes first. */
  maintenanceEveryRows?: number;
  /** Table versions younger than this survive maintenance (see DEFAULTS). */
  keepOldVersionsMs?: number;
  /**
   * Build an ANN (IVF_HNSW_SQ) vector index once the table holds this many rows, during background
   * maintenance. Unset: always exact (flat) search, ~35 ms per 10k rows. Measured at 512 dims on 2 cores:
   * the build takes ~6 s at 10-30k rows and ~30 s at 100k (writes wait meanwhile); each later optimize()
   * folds new rows in, ~0.8 s at 100k rows.
   */
  vectorIndexMinRows?: number;
  /** Where failures of background maintenance go (they never fail the write that triggered them). */
  onBackgroundError?: (error: unknown) => void;
  /** Nice value for LanceDB's threads while the index is open (Linux); 0 leaves them at the process's. */
  threadNiceness?: number;
}

/**
 * English stemming and stop words help BM25 on prose; positions are off because only match
 * queries are issued (no phrase queries), which keeps the index smaller and faster to update.
 */
const FTS_OPTIONS: Partial<FtsOptions> = {
  baseTokenizer: 'simple',
  language: 'English',
  lowercase: true,
  stem: true,
  removeStopWords: true,
  asciiFolding: true,
  withPosition: false,
};

/**
 * Measured on 2 cores, 768 dims, 10k rows (lancedb-search-index.bench.spec.ts): optimize() takes
 * ~0.8-1.5 s whatever the backlog; every 1k rows outside the FTS index add ~10 ms to a lexical
 * search, and 100 uncompacted small writes roughly double vector search time. These bounds keep both small.
 *
 * keepOldVersionsMs: every write makes a table version; maintenance deletes those older than this, with
 * the files only they use. LanceDB's default keeps 7 days: after 40 minutes of steady writes (and
 * restarts), 8.6 GB on disk for 122 MB of rows. Nothing here reads an old version; a search reads the
 * newest for well under a second, so ten minutes leaves any read in flight its files.
 */
const DEFAULTS = { tableName: 'chunks', maintenanceEveryWrites: 50, maintenanceEveryRows: 5_000, keepOldVersionsMs: 10 * 60_000 };

/** Candidates the HNSW search keeps while walking the graph (its `ef`), whatever the limit. */
const ANN_MIN_BEAM = 100;

/**
 * How many times `limit` rows the graph's candidates re-ranked on their stored vectors hold. Below
 * REFINE_ALL_AT rows, twice the limit: the top 10 of a search for 10 then matches an exact scan. From
 * it on, the limit itself: at 100k rows a search for 50 kept the same top 10 in 100 of 100 queries,
 * and reading 50 vectors fewer saves about 0.6 of its 6 ms.
 */
const REFINE_ALL_AT = 50;
const refineFactorFor = (limit: number): number => (limit >= REFINE_ALL_AT ? 1 : 2);
const annBeam = (limit: number): number => Math.max(ANN_MIN_BEAM, 2 * limit);

/** Bounds the memory of which tenants to filter first; past it, the set starts over. */
const MAX_INTERLEAVED_TENANTS = 10_000;

/**
 * Every query filters on the tenant, as one column (see tenant-id.ts). Indexed, a vector search over
 * 100k rows of one tenant took 10.6 ms instead of 15. A B-tree, because tenants have no bound in number.
 */
const TENANT_COLUMNS = ['tenant_id'];
/** Indexed by versions that filtered on the user and the organisation apart; dropped at open, as nothing reads them. */
const FORMER_TENANT_INDEXED = ['user_id', 'organization_id'];

/**
 * Upserts merge on `id`. Without an index, every merge reads the whole id column: measured at 100k
 * rows, a 6-chunk upsert took 45 ms, and 25 ms with this B-tree.
 */
const MERGE_KEY = ['id'];

/**
 * Brings a table written before `tenant_id` existed up to date, filling the column from each row's
 * user and organisation (a one-off rewrite of that column only), and drops the indices it replaces.
 */
async function migrateTenantColumn(table: Table): Promise<void> {
  const schema = await table.schema();
  if (!schema.fields.some((field) => field.name === 'tenant_id')) await table.addColumns([{ name: 'tenant_id', valueSql: TENANT_ID_SQL }]);
  for (const index of await table.listIndices()) {
    if (index.columns.length === 1 && FORMER_TENANT_INDEXED.includes(index.columns[0]!)) await table.dropIndex(index.name);
  }
}

/**
 * Writes rows keyed by `id`: appended when no row of the table has any of `keys` in `column` yet,
 * merged by id otherwise. Appending skips merge-insert's join against the table, about half the CPU
 * of a small write (a message, a short note). Ids derive from job and message ids, so it is mostly a
 * redelivered command or an edited message that finds its rows and takes the merge; a look that
 * finds more than the batch's own rows (`column` need not be the id) only costs that merge. Runs
 * inside the table's write queue, and this process is its only writer, so nothing lands between the
 * look and the append.
 */
async function writeById(table: Table, column: string, keys: readonly string[], data: ArrowTable): Promise<void> {
  // A key SQL cannot quote (a NUL) is looked up by the merge itself.
  const present = keys.some((key) => key.includes('\u0000')) || (await table.query().where(`${column} IN ${sqlInList(keys)}`).select([column]).limit(1).toArray()).length > 0;
  if (present) await table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data);
  else await table.add(data);
}

/**
 * Creates the missing scalar indices: B-tree on keys, bitmap on `scope`, which has two values and is
 * in every search's filter (internal unless asked otherwise): read from its column instead, it took
 * about 10 ms of each search at 100k chunks. New rows join them at the next optimize(), and are
 * scanned until then.
 */
async function ensureScalarIndices(table: Table, existing: IndexConfig[], btreeColumns: string[]): Promise<void> {
  const wanted: Array<[string, () => Index]> = [...btreeColumns.map((column): [string, () => Index] => [column, () => Index.btree()]), ['scope', () => Index.bitmap()]];
  for (const [column, config] of wanted) {
    if (!existing.some((index) => index.columns.includes(column))) await table.createIndex(column, { config: config() });
  }
}

interface OpenTables {
  table: Table;
  /** Whole documents for document-level BM25 (`<tableName>_documents`). */
  documents: Table;
  identity: IndexIdentity;
  schema: Schema;
}

/** Embedded SearchIndex on LanceDB: one table of chunks, exact cosine vector search, native BM25 full-text search. */
/** A chunk index as SQL: a whole number, never text spliced into the query. */
function wholeNumber(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`fromChunkIndex must be a whole number, got ${value}`);
  return value;
}

export class LanceDbSearchIndex implements SearchIndex {
  private connection: Connection | undefined;
  private opened: OpenTables | undefined;
  private hasVectorIndex = false;
  private vectorIndexRetryAtRows = 0;
  /** Tenants (by tenantId) whose nearest rows were lately not all their own: searched with the filter first. Forgotten at each maintenance. */
  private readonly interleavedTenants = new Set<string>();
  private writesSinceMaintenance = 0;
  private rowsSinceMaintenance = 0;
  /**
   * Writes to each table go through its queue, one at a time; a chunk write and a document write run
   * side by side. Open, delete and maintenance touch both tables and hold both queues. Reads do not wait.
   */
  private readonly chunkWrites = new SerialQueue();
  private readonly documentWrites = new SerialQueue();
  private readonly threadPriority: EngineThreadPriority;

  constructor(private readonly options: LanceDbSearchIndexOptions) {
    this.threadPriority = new EngineThreadPriority(options.threadNiceness ?? 0);
  }

  async open(identity: IndexIdentity): Promise<void> {
    assertValidIdentity(identity);
    return this.bothTables(() => this.openNow(identity));
  }

  async upsert(chunks: readonly ChunkRecord[]): Promise<void> {
    const opened = this.requireOpen();
    const { table, identity, schema } = opened;
    if (chunks.length === 0) return;
    // Last one wins within a batch: duplicate source keys would make merge-insert write the row twice.
    const latest = [...new Map(chunks.map((chunk) => [chunk.id, chunk])).values()];
    for (const chunk of latest) assertDimension(chunk.vector, identity, `Vector of chunk ${chunk.id}`);
    const data = chunksToArrowTable(latest, schema, identity.dimension);
    await this.chunkWrites.run(async () => {
      await writeById(table, 'id', latest.map((chunk) => chunk.id), data);
      this.afterWrite(opened, latest.length);
    });
  }

  async upsertDocuments(records: readonly DocumentRecord[]): Promise<void> {
    const opened = this.requireOpen();
    if (records.length === 0) return;
    const latest = [...new Map(records.map((record) => [documentRowId(record), record])).values()];
    const data = documentsToArrowTable(latest);
    await this.documentWrites.run(async () => {
      // Row ids join tenant and document with a NUL, which SQL cannot quote: the look is by document id.
      await writeById(opened.documents, 'document_id', [...new Set(latest.map((record) => record.documentId))], data);
      this.afterWrite(opened, latest.length);
    });
  }

  async deleteWhere(filter: ChunkFilter): Promise<number> {
    const opened = this.requireOpen();
    const { table, documents } = opened;
    const where = filterToSql(filter);
    return this.bothTables(async () => {
      // Counted inside the write queues, so no other write of ours can change the answer in between.
      const count = await table.countRows(where);
      const documentCount = await documents.countRows(where);
      if (count > 0) await table.delete(where);
      if (documentCount > 0) await documents.delete(where);
      if (count + documentCount > 0) this.afterWrite(opened, 0);
      return count;
    });
  }

  async deleteChunkTails(tenant: Tenant, tails: ReadonlyArray<ChunkTail>): Promise<number> {
    const opened = this.requireOpen();
    if (tails.length === 0) return 0;
    const each = tails.map(({ documentId, fromChunkIndex }) => `(document_id = ${sqlString(documentId)} AND chunk_index >= ${wholeNumber(fromChunkIndex)})`);
    const where = `tenant_id = ${sqlString(tenantId(tenant))} AND (${each.join(' OR ')})`;
    return this.chunkWrites.run(async () => {
      const count = await opened.table.countRows(where);
      if (count > 0) {
        await opened.table.delete(where);
        this.afterWrite(opened, 0);
      }
      return count;
    });
  }

  async vectorSearch(vector: Float32Array, filter: ChunkFilter, limit: number): Promise<ScoredChunk[]> {
    const { table, identity } = this.requireOpen();
    assertDimension(vector, identity, 'Query vector');
    if (limit <= 0) return [];
    const where = filterToSql(filter);
    // A search confined to named documents reads only their rows (B-tree on document_id): an exact
    // scan of those is cheaper than walking the graph past every other tenant's and document's nodes.
    const usesGraph = this.hasVectorIndex && filter.documentIds === undefined;
    const search = async (exact: boolean) => {
      const query = table.vectorSearch(vector).distanceType('cosine').where(where).select([...CHUNK_READ_COLUMNS, '_distance']).limit(limit);
      // HNSW's default beam (1.5 x limit) found 0.88 of the true top 10 at 100k near-duplicate chunks; a
      // beam of at least 100, re-ranked on the stored vectors (so scores stay exact cosine), found all of
      // them for the same latency.
      const planned = exact ? query.bypassVectorIndex() : query.ef(annBeam(limit)).refineFactor(refineFactorFor(limit));
      return toHits((await planned.toArray()) as Array<Record<string, unknown>>);
    };
    const toHits = (rows: Array<Record<string, unknown>>) => rows.map((row) => ({ chunk: rowToChunk(row, filter.tenant), score: cosineScore(row._distance) }));
    // Fewer than asked means every match was found, or the graph lost some: a filtered walk among
    // thousands of identical vectors (one sentence repeated) reached 41 of 12,000. Counting the
    // matching rows tells which (0.5 ms at 50k rows, beside 5 for the search). Lost rows are found by
    // reading the matching rows when they are few, or else by an exact scan.
    const searchMatching = async () => {
      if (!usesGraph) return search(true);
      const hits = await search(false);
      if (hits.length >= limit || (await table.countRows(where)) === hits.length) return hits;
      const matching = await this.matchingRowsIfFew(where, limit);
      return matching ? ownRowsByCosine(matching, filter.tenant, vector) : search(true);
    };

    // Checking the tenant after the graph search skips building the tenant's row set (about 2 ms of 8 at
    // 100k rows). The graph's candidates (`limit` times the refine factor, nearest by its quantised
    // distances) are read once, with their vectors, text and tenant, and re-ranked exactly here: LanceDB's
    // own re-ranking, tenant filter and projection would each read their rows again (4.2 against 5.1 ms
    // at 100k rows). That answers only when the exact top `limit` are all the tenant's; otherwise the
    // search runs again filtering first, which never loses a narrow tenant's rows to others'.
    // `_distance` is selected only because LanceDB warns when it is not.
    const tenant = tenantId(filter.tenant);
    if (usesGraph && where === filterToSql({ tenant: filter.tenant }) && !this.interleavedTenants.has(tenant)) {
      const candidates = (await table
        .vectorSearch(vector)
        .distanceType('cosine')
        .ef(annBeam(limit))
        .limit(limit * refineFactorFor(limit))
        .select([...CHUNK_READ_COLUMNS, ...OWN_ROW_COLUMNS, '_distance'])
        .toArray()) as Array<Record<string, unknown>>;
      const nearest = nearestIfAllOwn(candidates, filter.tenant, vector, limit);
      if (nearest) return nearest;
      if (this.interleavedTenants.size >= MAX_INTERLEAVED_TENANTS) this.interleavedTenants.clear();
      this.interleavedTenants.add(tenant);
    }
    return searchMatching();
  }

  async confinedVectorSearch(vector: Promise<Float32Array>, filter: ChunkFilter, limit: number): Promise<ScoredChunk[]> {
    const { identity } = this.requireOpen();
    if (limit <= 0) return this.vectorSearch(await vector, filter, limit);
    // Reading the rows needs no query vector, so this runs while the query is still being encoded. Named
    // documents are found through their own B-tree alone, and their tenant checked row by row.
    const { documentIds } = filter;
    const rows = await this.matchingRowsIfFew(documentIds === undefined ? filterToSql(filter) : filterToSqlBesideTenant({ ...filter, documentIds }), limit);
    const query = await vector;
    assertDimension(query, identity, 'Query vector');
    // More chunks match than the limit keeps (others' rows among them, if any): only a ranked search knows which are the tenant's best.
    if (!rows) return this.vectorSearch(query, filter, limit);
    return ownRowsByCosine(rows, filter.tenant, query);
  }

  /** The rows `where` matches, with what ranking them here needs, if there are at most `limit`; undefined if more. */
  private async matchingRowsIfFew(where: string, limit: number): Promise<Array<Record<string, unknown>> | undefined> {
    const { table } = this.requireOpen();
    const rows = (await table
      .query()
      .where(where)
      .select([...CHUNK_READ_COLUMNS, ...OWN_ROW_COLUMNS])
      .limit(limit + 1)
      .toArray()) as Array<Record<string, unknown>>;
    return rows.length > limit ? undefined : rows;
  }

  async lexicalSearch(query: string, filter: ChunkFilter, limit: number): Promise<ScoredChunk[]> {
    const { table } = this.requireOpen();
    const text = query.trim();
    if (text.length === 0 || limit <= 0) return [];
    // A match query tokenises the text like the documents and has no query syntax, so quotes,
    // colons, `AND` or `*` from clients are just characters, never operators or parse errors.
    const rows = (await table
      .query()
      .fullTextSearch(new MatchQuery(text, 'text'))
      .where(filterToSql(filter))
      .select([...CHUNK_READ_COLUMNS, '_score'])
      .limit(limit)
      .toArray()) as Array<Record<string, unknown>>;
    return rows.map((row) => ({ chunk: rowToChunk(row, filter.tenant), score: Number(row._score) }));
  }

  async lexicalSearchDocuments(query: string, filter: ChunkFilter, limit: number, options: LexicalOptions = {}): Promise<ScoredDocument[]> {
    const { documents } = this.requireOpen();
    const text = query.trim();
    if (text.length === 0 || limit <= 0) return [];
    const titleBoost = options.titleBoost ?? 0;
    const match: FullTextQuery =
      titleBoost > 0
        ? new BooleanQuery([
            [Occur.Should, new MatchQuery(text, 'text')],
            [Occur.Should, new MatchQuery(text, 'title', { boost: titleBoost })],
          ])
        : new MatchQuery(text, 'text');
    const rows = (await documents
      .query()
      .fullTextSearch(match)
      .where(filterToSql(filter))
      .select(['document_id', '_score'])
      .limit(limit)
      .toArray()) as Array<Record<string, unknown>>;
    return rows.map((row) => ({ documentId: String(row.document_id), score: Number(row._score) }));
  }

  async listChunks(filter: ChunkFilter, page: { limit: number; offset: number }): Promise<StoredChunk[]> {
    const { table } = this.requireOpen();
    if (page.limit <= 0) return [];
    const rows = (await table
      .query()
      .where(filterToSql(filter))
      // The order's columns are selected too: LanceDB cannot plan an ordered read of indexed rows without them.
      .select([...CHUNK_READ_COLUMNS, 'created_at', 'document_id', 'chunk_index'])
      .orderBy([
        { columnName: 'created_at', ascending: true },
        { columnName: 'document_id', ascending: true },
        { columnName: 'chunk_index', ascending: true },
      ])
      .offset(Math.max(0, page.offset))
      .limit(page.limit)
      .toArray()) as Array<Record<string, unknown>>;
    return rows.map((row) => rowToChunk(row, filter.tenant));
  }

  async listDocuments(filter: ChunkFilter): Promise<DocumentSummary[]> {
    const { table } = this.requireOpen();
    const rows = (await table.query().where(filterToSql(filter)).select(SUMMARY_COLUMNS).toArray()) as Array<Record<string, unknown>>;
    return summariseDocuments(rows);
  }

  /**
   * Builds the ANN index once the table is large enough (`vectorIndexMinRows`); answers whether
   * one exists. Later `optimize()` runs add new rows to it; rows not yet in it are still searched exactly.
   */
  async ensureVectorIndex(): Promise<boolean> {
    const { table } = this.requireOpen();
    return this.chunkWrites.run(() => this.buildVectorIndexIfDue(table));
  }

  /** Compacts data files and folds rows written since the last run into the FTS (and vector) index. */
  async optimize(): Promise<void> {
    const opened = this.requireOpen();
    return this.bothTables(() => this.maintain(opened));
  }

  /** For health checks and tests: table size and how much of it the indices do not cover yet. */
  async status(): Promise<{ rows: number; rowsNotInTextIndex: number; vectorIndexed: boolean }> {
    const { table } = this.requireOpen();
    const textIndex = (await table.listIndices()).find((index) => index.columns.includes('text'));
    const textStats = textIndex ? await table.indexStats(textIndex.name) : undefined;
    const rows = await table.countRows();
    return { rows, rowsNotInTextIndex: textStats?.numUnindexedRows ?? rows, vectorIndexed: this.hasVectorIndex };
  }

  async close(): Promise<void> {
    const { opened, connection } = this;
    this.opened = undefined;
    this.connection = undefined;
    this.threadPriority.stop();
    // Queued writes captured the table handle; let them (and any maintenance) finish first.
    await Promise.all([this.chunkWrites.idle(), this.documentWrites.idle()]);
    opened?.table.close();
    opened?.documents.close();
    connection?.close();
  }

  private async openNow(identity: IndexIdentity): Promise<void> {
    if (this.opened) {
      const current = this.opened.identity;
      if (current.modelId === identity.modelId && current.dimension === identity.dimension) return;
      throw indexMismatchError(this.location(), current, identity);
    }
    await mkdir(this.options.directory, { recursive: true });
    // Lance's vector-index statistics leave out the IVF centroids once this is set (nothing here reads
    // them). Unset, the first maintenance pass over a vector index writes a warning, raw, to stderr.
    process.env.LANCE_INCLUDE_VECTOR_CENTROIDS ??= 'false';
    const connection = await connect(this.options.directory);
    let table: Table | undefined;
    let documents: Table | undefined;
    try {
      const name = this.tableName();
      const existing = await connection.tableNames();
      table = existing.includes(name)
        ? await connection.openTable(name)
        : await connection.createEmptyTable(name, chunkTableSchema(identity), { mode: 'create', existOk: true });
      const stored = storedIdentity(await table.schema());
      if (stored.modelId !== identity.modelId || stored.dimension !== identity.dimension) {
        throw indexMismatchError(this.location(), stored, identity);
      }
      await migrateTenantColumn(table);
      const indices = await table.listIndices();
      if (!indices.some((index) => index.columns.includes('text'))) {
        await table.createIndex('text', { config: Index.fts(FTS_OPTIONS) });
      }
      // Upserts merge on id; hybrid search looks chunks up by document (the similarity of documents only BM25 found).
      await ensureScalarIndices(table, indices, [...MERGE_KEY, 'document_id', ...TENANT_COLUMNS]);
      // Rewriting every row takes the ANN index with it: build it again now rather than search exactly until the next maintenance.
      const rewritten = await fillChunkPayloads(table, chunkTableSchema(identity), identity.dimension);
      this.hasVectorIndex = (await table.listIndices()).some((index) => index.columns.includes('vector'));
      if (rewritten) await this.buildVectorIndexIfDue(table);
      // Indices written before document-level search existed have no documents table: start one
      // (documents indexed earlier are found by vector search alone until they are written again).
      const documentsName = `${name}_documents`;
      documents = existing.includes(documentsName)
        ? await connection.openTable(documentsName)
        : await connection.createEmptyTable(documentsName, documentTableSchema, { mode: 'create', existOk: true });
      await migrateTenantColumn(documents);
      await fillDocumentFileTypes(documents, table, join(this.options.directory, `${documentsName}.file-type-fill`));
      const documentIndices = await documents.listIndices();
      for (const column of ['text', 'title']) {
        if (!documentIndices.some((index) => index.columns.includes(column))) await documents.createIndex(column, { config: Index.fts(FTS_OPTIONS) });
      }
      await ensureScalarIndices(documents, documentIndices, [...MERGE_KEY, 'document_id', ...TENANT_COLUMNS]);
    } catch (error) {
      table?.close();
      documents?.close();
      connection.close();
      throw error;
    }
    this.connection = connection;
    const opened: OpenTables = { table, documents, identity, schema: chunkTableSchema(identity) };
    this.opened = opened;
    this.writesSinceMaintenance = 0;
    this.rowsSinceMaintenance = 0;
    this.threadPriority.start();
    // The write count starts again at every start: a process restarted often (a crash loop, frequent
    // deploys) would otherwise never reach it, and old versions would pile up. Queued, not awaited.
    const everyWrites = this.options.maintenanceEveryWrites ?? DEFAULTS.maintenanceEveryWrites;
    const versions = await table.listVersions();
    const cutOff = this.oldVersionsBefore().getTime();
    if (versions.length > everyWrites && versions.some(({ timestamp }) => timestamp.getTime() < cutOff)) {
      this.bothTables(() => this.maintain(opened)).catch((error: unknown) => this.reportBackgroundError(error));
    }
  }

  /**
   * Rows not yet in the FTS index are still found (LanceDB scans them), so search is correct
   * right after a write; periodic maintenance keeps that scan, and the fragment count, small.
   */
  private afterWrite(opened: OpenTables, rows: number): void {
    this.writesSinceMaintenance += 1;
    this.rowsSinceMaintenance += rows;
    const everyWrites = this.options.maintenanceEveryWrites ?? DEFAULTS.maintenanceEveryWrites;
    const everyRows = this.options.maintenanceEveryRows ?? DEFAULTS.maintenanceEveryRows;
    if (this.writesSinceMaintenance < everyWrites && this.rowsSinceMaintenance < everyRows) return;
    this.writesSinceMaintenance = 0;
    this.rowsSinceMaintenance = 0;
    // Queued, not awaited: the caller's write is done; the next write simply waits its turn.
    this.bothTables(() => this.maintain(opened)).catch((error: unknown) => this.reportBackgroundError(error));
  }

  private async maintain({ table, documents }: OpenTables): Promise<void> {
    this.writesSinceMaintenance = 0;
    this.rowsSinceMaintenance = 0;
    // Tables change: a tenant may own its neighbourhood now.
    this.interleavedTenants.clear();
    const cleanupOlderThan = this.oldVersionsBefore();
    await table.optimize({ cleanupOlderThan });
    await documents.optimize({ cleanupOlderThan });
    await this.buildVectorIndexIfDue(table);
  }

  private async buildVectorIndexIfDue(table: Table): Promise<boolean> {
    const minRows = this.options.vectorIndexMinRows;
    if (this.hasVectorIndex || minRows === undefined) return this.hasVectorIndex;
    const rows = await table.countRows();
    if (rows < Math.max(minRows, this.vectorIndexRetryAtRows)) return false;
    // A failed build (memory, disk) is not retried at every maintenance, each time holding writes up:
    // only once the table has grown by another threshold's worth of rows.
    this.vectorIndexRetryAtRows = rows + minRows;
    // HNSW over scalar-quantised vectors: good recall without PQ training; one partition suits
    // tables up to a few million rows. Must use cosine, the distance every search uses.
    await table.createIndex('vector', { config: Index.hnswSq({ distanceType: 'cosine', numPartitions: 1 }) });
    this.hasVectorIndex = true;
    return true;
  }

  /**
   * Runs `task` holding both queues. It takes its place in both now, so a write called after it waits
   * behind it on either table, as with one queue. Single-table writes never wait on the other queue,
   * so the two places are always reached.
   */
  private bothTables<T>(task: () => Promise<T>): Promise<T> {
    let reached!: () => void;
    let release!: () => void;
    const documentsReached = new Promise<void>((resolve) => (reached = resolve));
    void this.documentWrites.run(() => {
      reached();
      return new Promise<void>((resolve) => (release = resolve));
    });
    return this.chunkWrites.run(async () => {
      await documentsReached;
      try {
        return await task();
      } finally {
        release();
      }
    });
  }

  /** Versions made before this are deleted at maintenance. */
  private oldVersionsBefore(): Date {
    return new Date(Date.now() - (this.options.keepOldVersionsMs ?? DEFAULTS.keepOldVersionsMs));
  }

  private reportBackgroundError(error: unknown): void {
    if (this.options.onBackgroundError) this.options.onBackgroundError(error);
    else console.error('LanceDB search index maintenance failed', error);
  }

  private requireOpen(): OpenTables {
    if (!this.opened) throw new DomainError(ErrorCode.Internal, 'The search index is not open; call open() first');
    return this.opened;
  }

  private tableName(): string {
    return this.options.tableName ?? DEFAULTS.tableName;
  }

  private location(): string {
    return join(this.options.directory, `${this.tableName()}.lance`);
  }
}

function assertDimension(vector: Float32Array, identity: IndexIdentity, what: string): void {
  if (vector.length !== identity.dimension) {
    throw new DomainError(ErrorCode.ValidationFailed, `${what} has dimension ${vector.length}, the index expects ${identity.dimension}`);
  }
}

/** Cosine distance is 0..2; the port promises a similarity in 0..1. */
function cosineScore(distance: unknown): number {
  const similarity = 1 - Number(distance);
  return Number.isFinite(similarity) ? Math.min(1, Math.max(0, similarity)) : 0;
}
