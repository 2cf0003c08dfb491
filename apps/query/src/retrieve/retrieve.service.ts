import { Inject, Injectable } from '@nestjs/common';
import {
  MEMORY_CONTEXT_TYPE,
  MEMORY_TAG,
  agentTag,
  memorySource,
  type RetrieveRequest,
  type RetrievedItem,
  type SearchHit,
  type Tenant,
} from '@recollect/contracts';
import { SEARCH_SCORING, type SearchScoring } from '../search/hybrid-fusion';
import { SearchService } from '../search/search.service';
import { namedSpeakerMatcher } from './named-speaker';

/** What the index adds to a chunk's metadata for its own bookkeeping; a memory item shows the message's metadata instead. */
const INDEX_FIELDS = new Set([
  'context_id',
  'document_id',
  'chunk_index',
  'chunk_count',
  'parent_context_nodes',
  'children_context_nodes',
  'source',
  'context_type',
  'scope',
  'fileName',
  'fileType',
  'groupName',
  'lastModified',
  'fileSize',
]);

const messageMetadata = (metadata: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(metadata).filter(([key]) => !INDEX_FIELDS.has(key)));

/**
 * Memind-style retrieval over memory messages: the regular hybrid search restricted to memory, plus
 * the plain cosine of each hit (`vectorScore`). The `finalScore` is the fused score, raised for
 * messages whose speaker the query names (`speakerBoost`).
 */
@Injectable()
export class RetrieveService {
  constructor(
    private readonly search: SearchService,
    @Inject(SEARCH_SCORING) private readonly scoring: SearchScoring,
  ) {}

  async retrieve(tenant: Tenant, request: RetrieveRequest): Promise<RetrievedItem[]> {
    const namesSpeaker = namedSpeakerMatcher(request.query);
    const { speakerBoost } = this.scoring;
    const ranked = await this.search.rank(
      tenant,
      {
        query: request.query,
        minScore: 0,
        maxScore: 1,
        limit: request.limit,
        mode: 'standard',
        filter: {
          contextType: MEMORY_CONTEXT_TYPE,
          source: request.sessionId === undefined ? undefined : memorySource(request.sessionId),
          groupName: request.agentId === undefined ? [MEMORY_TAG] : [MEMORY_TAG, agentTag(request.agentId)],
          lastModifiedFrom: request.occurredFrom,
          lastModifiedTo: request.occurredTo,
        },
      },
      { keep: isMessage, boost: speakerBoost > 0 ? (metadata) => (namesSpeaker(metadata.speaker) ? speakerBoost : 0) : undefined },
    );
    return ranked.map(({ hit, cosine }) => ({
      id: String(hit.metadata.messageId),
      text: hit.content,
      vectorScore: cosine,
      finalScore: hit.score,
      occurredAt: typeof hit.metadata.occurredAt === 'string' ? hit.metadata.occurredAt : hit.createdAt,
      metadata: messageMetadata(hit.metadata),
    }));
  }
}

/** Documents added through the Context API with a `memory` tag are not messages. */
const isMessage = (hit: SearchHit): boolean => typeof hit.metadata.messageId === 'string' && typeof hit.metadata.sessionId === 'string';
