import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AnalyzeOnGrowth, driverPool } from '@recollect/database';
import type { Tenant } from '@recollect/contracts';
import { tenantWhere } from '../tenant-where';
import { DocumentEntity } from './document.entity';
import { INGESTION_DATA_SOURCE } from '../ingestion.tokens';

export interface FileNameCheck {
  tenant: Tenant;
  fileNames: string[];
  /** Names held under this context do not count: a command applied again finds its own documents. */
  exceptContextId?: string;
}

@Injectable()
export class DocumentsRepository {
  private readonly logger = new Logger(DocumentsRepository.name);
  /**
   * Its indices all begin with the tenant: until the table has statistics, the planner answered the
   * file-name check of every add through the source or context index, reading every row of the
   * tenant (3.5 to 7 ms for seven names at 1,600 rows, and growing), not the file-name one (0.05 ms).
   */
  private statistics: AnalyzeOnGrowth | undefined;

  constructor(@InjectDataSource(INGESTION_DATA_SOURCE) private readonly db: DataSource) {}

  /** File names among `fileNames` that this tenant already holds under another context. */
  async takenFileNames(tenant: Tenant, fileNames: string[], exceptContextId?: string): Promise<string[]> {
    const [taken] = await this.takenFileNamesOfEach([{ tenant, fileNames, exceptContextId }]);
    return taken!;
  }

  /**
   * The same check for many requests in one query (`FileNameChecks` batches them): answers, per check,
   * the names its tenant already holds. A null organization matches only rows without one.
   */
  async takenFileNamesOfEach(checks: ReadonlyArray<FileNameCheck>): Promise<string[][]> {
    const positions: number[] = [];
    const users: string[] = [];
    const organizations: Array<string | null> = [];
    const names: string[] = [];
    const exceptContexts: Array<string | null> = [];
    checks.forEach(({ tenant, fileNames, exceptContextId }, position) => {
      for (const name of fileNames) {
        positions.push(position);
        users.push(tenant.userId);
        organizations.push(tenant.organizationId ?? null);
        names.push(name);
        exceptContexts.push(exceptContextId ?? null);
      }
    });
    const taken = checks.map(() => new Set<string>());
    if (names.length === 0) return taken.map(() => []);
    const table = this.db.getMetadata(DocumentEntity).tablePath;
    // Every add-async runs this, and planning it cost three times running it (0.2 ms against 0.06 ms):
    // a named statement is planned once per connection. TypeORM has no named statements, so it goes
    // to the driver's own pool. The name carries the table, so another table gets its own statement.
    const { rows } = await driverPool(this.db).query<{ position: number; file_name: string }>({
      name: `taken-file-names:${table}`,
      // Two equality joins rather than one with an OR, so each can use the (user, organization, file) index.
      text: `WITH q AS (SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) AS q(position, user_id, organization_id, file_name, except_context))
       SELECT DISTINCT position, file_name FROM (
         SELECT q.position, d.file_name, d.context_id, q.except_context FROM q
         JOIN ${table} d ON d.user_id = q.user_id AND d.organization_id = q.organization_id AND d.file_name = q.file_name
         UNION ALL
         SELECT q.position, d.file_name, d.context_id, q.except_context FROM q
         JOIN ${table} d ON d.user_id = q.user_id AND d.organization_id IS NULL AND d.file_name = q.file_name
         WHERE q.organization_id IS NULL
       ) AS found
       WHERE except_context IS NULL OR context_id <> except_context`,
      values: [positions, users, organizations, names, exceptContexts],
    });
    for (const row of rows) taken[row.position]!.add(row.file_name);
    return taken.map((set) => [...set]);
  }

  /**
   * Writes the rows, a row of the same id (a command applied again) taking the new fields and keeping
   * its creation time. One named statement: TypeORM's save read the ids back first inside a transaction,
   * four round trips and its entity bookkeeping for every batch ingestion applies.
   */
  async upsert(documents: DocumentEntity[]): Promise<void> {
    // One row per id: PostgreSQL refuses to update a row twice in one statement.
    const rows = [...new Map(documents.map((document) => [document.id, document])).values()];
    if (rows.length === 0) return;
    const table = this.db.getMetadata(DocumentEntity).tablePath;
    const column = <T>(pick: (document: DocumentEntity) => T): T[] => rows.map(pick);
    await driverPool(this.db).query({
      name: `documents-upsert:${table}`,
      text: `INSERT INTO ${table} (id, user_id, organization_id, context_id, job_id, position, source, context_type, scope, file_name, chunk_count, content_bytes, metadata)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::int[], $13::jsonb[])
        ON CONFLICT (id) DO UPDATE SET
          user_id = EXCLUDED.user_id, organization_id = EXCLUDED.organization_id, context_id = EXCLUDED.context_id, job_id = EXCLUDED.job_id,
          position = EXCLUDED.position, source = EXCLUDED.source, context_type = EXCLUDED.context_type, scope = EXCLUDED.scope,
          file_name = EXCLUDED.file_name, chunk_count = EXCLUDED.chunk_count, content_bytes = EXCLUDED.content_bytes,
          metadata = EXCLUDED.metadata, updated_at = now()`,
      values: [
        column((d) => d.id),
        column((d) => d.userId),
        column((d) => d.organizationId ?? null),
        column((d) => d.contextId),
        column((d) => d.jobId),
        column((d) => d.position),
        column((d) => d.source),
        column((d) => d.contextType),
        column((d) => d.scope),
        column((d) => d.fileName ?? null),
        column((d) => d.chunkCount),
        column((d) => d.contentBytes),
        column((d) => JSON.stringify(d.metadata ?? {})),
      ],
    });
    this.statistics ??= new AnalyzeOnGrowth(driverPool(this.db), table, {
      onError: (error) => this.logger.warn(`could not analyse ${table} for the planner: ${error instanceof Error ? error.message : String(error)}`),
    });
    void this.statistics.noteWritten(rows.length);
  }

  /** Documents a delete names: by source or file name, or (byId) by context_id or document id. */
  findTargets(tenant: Tenant, target: string, byId: boolean): Promise<DocumentEntity[]> {
    const where = tenantWhere(tenant);
    const repo = this.db.getRepository(DocumentEntity);
    return byId
      ? repo.find({ where: [{ ...where, contextId: target }, { ...where, id: target }] })
      : repo.find({ where: [{ ...where, source: target }, { ...where, fileName: target }] });
  }

  async deleteByIds(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.getRepository(DocumentEntity).delete({ id: In(ids) });
  }
}
