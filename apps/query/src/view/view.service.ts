import { Inject, Injectable } from '@nestjs/common';
import type { ContextNode, DocumentListing, Tenant } from '@recollect/contracts';
import { SEARCH_INDEX, type ChunkRecord, type SearchIndex } from '@recollect/search-index';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

@Injectable()
export class ViewService {
  constructor(@Inject(SEARCH_INDEX) private readonly index: SearchIndex) {}

  /** Every chunk the tenant holds (optionally of one file), in the seed 001 node shape. */
  async view(tenant: Tenant, page: { fileName?: string; limit: number; offset: number }): Promise<ContextNode[]> {
    const chunks = await this.index.listChunks({ tenant, fileName: page.fileName }, { limit: page.limit, offset: page.offset });
    return chunks.map((chunk) => toNode(chunk));
  }

  async documents(tenant: Tenant): Promise<DocumentListing[]> {
    const docs = await this.index.listDocuments({ tenant });
    return docs.map((d) => ({
      fileName: d.fileName,
      fileType: d.fileType,
      groupName: d.groupName,
      lastModified: d.lastModified,
      fileSize: d.fileSize,
      source: d.source,
      contextId: d.documentId,
      chunkCount: d.chunkCount,
    }));
  }
}

function toNode(chunk: Omit<ChunkRecord, 'vector'>): ContextNode {
  const m = chunk.metadata;
  return {
    _id: chunk.id,
    user_id: chunk.tenant.userId,
    organization_id: chunk.tenant.organizationId,
    parent_context_nodes: strings(m.parent_context_nodes),
    children_context_nodes: strings(m.children_context_nodes),
    context_type: chunk.contextType,
    tags: chunk.groupName,
    source: chunk.source,
    content: chunk.text,
    blob: null,
    indexed: true,
    indexable: true,
    governing_policies: null,
    override_policy: false,
    telemetry_data: {},
    createdAt: chunk.createdAt,
    updatedAt: chunk.updatedAt,
    scopes: [chunk.scope],
    metadata: {
      ...m,
      size: chunk.fileSize,
      file_name: chunk.fileName,
      doc_type: chunk.fileType,
      modalities: ['text'],
      document_id: chunk.documentId,
    },
    corresponding_vector_id: chunk.id,
    text: chunk.text,
    score: 1,
  };
}
