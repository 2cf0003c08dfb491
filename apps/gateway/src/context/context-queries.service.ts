import { Injectable } from '@nestjs/common';
import {
  Rpc,
  memorySource,
  type ContextNode,
  type DocumentListing,
  type SearchContextBody,
  type SearchFilterInput,
  type SearchHit,
  type SearchRequest,
  type Tenant,
  type ViewContextQuery,
} from '@recollect/contracts';
import { BusGateway } from '../bus/bus-gateway.service';

/** A memory session's messages are indexed under the source `memory:<sessionId>` (the schema refused naming both). */
function sourceOf(input: SearchFilterInput): string | undefined {
  const session = input.sessionId ?? input.memoryId;
  return session === undefined ? input.source : memorySource(session);
}

function toFilter(body: SearchContextBody): SearchRequest['filter'] {
  const input: SearchFilterInput = { ...body.body_metadata, ...body.metadata };
  return {
    fileName: input.fileName ?? input.file_name,
    fileType: input.fileType,
    groupName: input.groupName,
    source: sourceOf(input),
    contextType: input.context_type,
    scope: input.scope ?? body.scope ?? 'internal',
    lastModifiedFrom: input.lastModified?.from,
    lastModifiedTo: input.lastModified?.to,
  };
}

@Injectable()
export class ContextQueriesService {
  constructor(private readonly bus: BusGateway) {}

  search(tenant: Tenant, body: SearchContextBody, options: Pick<SearchRequest, 'mode' | 'groupBy'>, correlationId: string): Promise<SearchHit[]> {
    const request: SearchRequest = {
      query: body.query,
      minScore: body.minimum_similarity_threshold,
      maxScore: body.similarity_threshold,
      limit: body.limit,
      ...options,
      filter: toFilter(body),
    };
    return this.bus.request<SearchHit[]>(Rpc.contextSearch, tenant, correlationId, request);
  }

  view(tenant: Tenant, query: ViewContextQuery, correlationId: string): Promise<ContextNode[]> {
    return this.bus.request<ContextNode[]>(Rpc.contextView, tenant, correlationId, { fileName: query.file_name, limit: query.limit, offset: query.offset });
  }

  documents(tenant: Tenant, correlationId: string): Promise<DocumentListing[]> {
    return this.bus.request<DocumentListing[]>(Rpc.contextViewDocs, tenant, correlationId, {});
  }
}
