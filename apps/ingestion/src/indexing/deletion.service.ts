import { Inject, Injectable } from '@nestjs/common';
import type { ContextDeleted, DeleteContextCommand, Tenant } from '@recollect/contracts';
import { SEARCH_INDEX, type SearchIndex } from '@recollect/search-index';
import { DocumentsRepository } from '../documents/documents.repository';

@Injectable()
export class DeletionService {
  constructor(
    private readonly documents: DocumentsRepository,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
  ) {}

  /** Removes the named documents from search first, then from the ledger, so a crash in between is retried cleanly. */
  async deleteContext(tenant: Tenant, command: DeleteContextCommand): Promise<Omit<ContextDeleted, 'jobId'>> {
    const targets = await this.documents.findTargets(tenant, command.target, command.byId);
    const documentIds = targets.map((d) => d.id);
    let chunksDeleted = 0;
    if (documentIds.length > 0) chunksDeleted += await this.index.deleteWhere({ tenant, documentIds });
    if (!command.byId) {
      // Chunks indexed under this source by older versions, which kept no document rows for them, go too.
      chunksDeleted += await this.index.deleteWhere({ tenant, source: command.target });
    }
    await this.documents.deleteByIds(documentIds);
    return { documentIds, chunksDeleted };
  }
}
