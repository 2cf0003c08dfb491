import type { ApiClient } from '../api-client';
import { mapLimit } from '../concurrency';
import type { DetailSink } from '../details';
import { hitAt, mean, normaliseEvidence, recallAt, round } from '../metrics';
import { Progress } from '../progress';
import { toMemoryEntries, type LocomoConversation, type LocomoQuestion } from './locomo-dataset';

export interface QuestionScore {
  category: number;
  'recall@5': number;
  'recall@10': number;
  'hit@10': number;
}

export interface Figures {
  'recall@5': number;
  'recall@10': number;
  'hit@10': number;
  questions: number;
  /** Questions left out: no evidence id names a turn. */
  skipped: number;
}

/** Categories 1 to 4 together, then each apart; category 5 (adversarial: no answer exists) on its own. */
export interface LocomoResult extends Figures {
  categories: Record<string, Figures>;
  category5: Figures;
}

const RETRIEVE_LIMIT = 10;

/** One memory session per conversation (its sample id), LoCoMo sessions posted in order; `add` answers once they are searchable. */
export async function ingestConversations(client: ApiClient, conversations: readonly LocomoConversation[]): Promise<void> {
  const turns = conversations.reduce((sum, c) => sum + c.sessions.reduce((n, session) => n + session.turns.length, 0), 0);
  const progress = new Progress('ingest', turns);
  // One call at a time: concurrent calls could interleave the conversation.
  for (const conversation of conversations) {
    for (const session of conversation.sessions) {
      await client.post('/api/v1/context/memory/add', { sessionId: conversation.id, contents: toMemoryEntries(session) }, [201]);
      progress.advance(session.turns.length);
    }
  }
  progress.finish();
}

/**
 * Every question with evidence through `POST /open/v1/memory/retrieve` on its conversation's session;
 * results mapped back to turns. `detail` hears each question's evidence and the turns retrieved.
 */
export async function scoreQuestions(client: ApiClient, questions: readonly LocomoQuestion[], detail?: DetailSink): Promise<LocomoResult> {
  const usable = questions.filter((q) => q.evidence.length > 0);
  const progress = new Progress('retrieve', usable.length);
  const scores = await mapLimit(usable, 2, async (q, position) => {
    const answer = await client.post<{ data: { items: Array<{ metadata: Record<string, unknown> }> } }>(
      '/open/v1/memory/retrieve',
      { query: q.question, sessionId: q.conversation, limit: RETRIEVE_LIMIT },
      [200],
    );
    const ranked = answer.data.items.map((item) => {
      const [turn] = normaliseEvidence([item.metadata.dia_id]);
      // Turn ids repeat across conversations, so a turn of another session would be miscounted; without a turn id, every figure would read 0.
      if (!turn || item.metadata.sessionId !== q.conversation) {
        throw new Error(`retrieve for session ${q.conversation} answered an item of another session or without dia_id: ${JSON.stringify(item).slice(0, 300)}`);
      }
      return turn;
    });
    progress.advance();
    const score = {
      category: q.category,
      'recall@5': recallAt(ranked, q.evidence, 5),
      'recall@10': recallAt(ranked, q.evidence, 10),
      'hit@10': hitAt(ranked, q.evidence, 10),
    };
    detail?.(position, { conversation: q.conversation, question: q.question, evidence: q.evidence, retrieved: ranked, ...score });
    return score;
  });
  progress.finish();
  return summarise(
    scores,
    questions.filter((q) => q.evidence.length === 0).map((q) => q.category),
  );
}

/** Per-question means; `skipped` lists the category of each question left out. */
export function summarise(scores: readonly QuestionScore[], skipped: readonly number[]): LocomoResult {
  const figures = (accept: (category: number) => boolean): Figures => {
    const chosen = scores.filter((s) => accept(s.category));
    return {
      'recall@5': round(mean(chosen.map((s) => s['recall@5']))),
      'recall@10': round(mean(chosen.map((s) => s['recall@10']))),
      'hit@10': round(mean(chosen.map((s) => s['hit@10']))),
      questions: chosen.length,
      skipped: skipped.filter(accept).length,
    };
  };
  const answerable = (category: number) => category >= 1 && category <= 4;
  const categories = [...new Set([...scores.map((s) => s.category), ...skipped])].filter(answerable).sort((a, b) => a - b);
  return {
    ...figures(answerable),
    categories: Object.fromEntries(categories.map((category) => [String(category), figures((c) => c === category)])),
    category5: figures((c) => c === 5),
  };
}
