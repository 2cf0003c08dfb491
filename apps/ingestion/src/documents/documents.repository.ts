import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Not } from 'typeorm';
import type { Tenant } from '@recollect/contracts';
import { tenantWhere } from '../tenant-where';
import { DocumentEntity } from './document.entity';

@Injectable()
export class DocumentsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** File names among `fileNames` that this tenant already holds under another context. */
  async takenFileNames(tenant: Tenant, fileNames: string[], exceptContextId?: string): Promise<string[]> {
    if (fileNames.length === 0) return [];
    const rows = await this.db.getRepository(DocumentEntity).find({
      select: { fileName: true },
      where: { ...tenantWhere(tenant), fileName: In(fileNames), ...(exceptContextId ? { contextId: Not(exceptContextId) } : {}) },
    });
    return [...new Set(rows.map((r) => r.fileName).filter((n): n is string => n !== null))];
  }

  async upsert(documents: DocumentEntity[]): Promise<void> {
    await this.db.getRepository(DocumentEntity).save(documents);
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
