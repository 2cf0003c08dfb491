import type { ApiClient } from '../api-client';
import { mapLimit } from '../concurrency';
import type { DetailSink } from '../details';
import { mean, ndcgAt, recallAt, round } from '../metrics';
import { Progress } from '../progress';
import type { BeirDataset } from './beir-dataset';

export interface DocumentSearchSettings {
  mode: 'fast' | 'standard';
}

export interface DocumentSearchResult {
  'ndcg@10': number;
  'recall@100': number;
  queries: number;
}

/** The add route takes at most 100 documents per call. */
const ADD_BATCH = 100;
/** The search route answers at most 100 results, which is what Recall@100 needs. */
const SEARCH_LIMIT = 100;
const ID_FIELD = 'beir_id';

/** Every document through `POST /add` (title and text as content, the corpus id as a document field). */
export async function ingestCorpus(client: ApiClient, dataset: BeirDataset): Promise<void> {
  const batches: BeirDataset['documents'][] = [];
  for (let start = 0; start < dataset.documents.length; start += ADD_BATCH) batches.push(dataset.documents.slice(start, start + ADD_BATCH));
  const progress = new Progress('ingest', dataset.documents.length);
  // Two calls in flight: one is being indexed while the next one is parsed and queued.
  await mapLimit(batches, 2, async (batch) => {
    await client.post('/api/v1/context/add', {
      source: 'beir',
      context_type: 'resource',
      documents: batch.map((doc) => ({ content: doc.title ? `${doc.title}\n\n${doc.text}` : doc.text, [ID_FIELD]: doc.id })),
    }, [201]);
    progress.advance(batch.length);
  });
  progress.finish();
}

/**
 * Every query through `POST /search` with thresholds 0..1; results are documents (one per document),
 * mapped back to corpus ids. `detail` hears each query's judgements and the documents retrieved.
 */
export async function scoreQueries(client: ApiClient, dataset: BeirDataset, settings: DocumentSearchSettings, detail?: DetailSink): Promise<DocumentSearchResult> {
  const progress = new Progress('search', dataset.queries.length);
  const perQuery = await mapLimit(dataset.queries, 2, async (query, position) => {
    const answer = await client.post<{ contexts: Array<{ metadata?: Record<string, unknown> }> }>(
      `/api/v1/context/search?metadata=true&mode=${settings.mode}`,
      { query: query.text, similarity_threshold: 1, minimum_similarity_threshold: 0, limit: SEARCH_LIMIT },
      [202],
    );
    const ranked = answer.contexts.map((context) => String(context.metadata?.[ID_FIELD]));
    progress.advance();
    const relevant = [...query.judgements].filter(([, grade]) => grade > 0).map(([id]) => id);
    const score = { ndcg: ndcgAt(ranked, query.judgements, 10), recall: recallAt(ranked, relevant, 100) };
    detail?.(position, { queryId: query.id, query: query.text, relevant, retrieved: ranked, 'ndcg@10': score.ndcg, 'recall@100': score.recall });
    return score;
  });
  progress.finish();
  return {
    'ndcg@10': round(mean(perQuery.map((q) => q.ndcg))),
    'recall@100': round(mean(perQuery.map((q) => q.recall))),
    queries: perQuery.length,
  };
}
