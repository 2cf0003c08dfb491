import { LOCOMO_DATA, loadLocomoConversation, locomoAvailable, type LocomoSession, type LocomoTurn } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness';

const OPEN = '/open/v1';
const CONVERSATION = 'conv-26';

/** One LoCoMo turn as a Memind message: speaker, time, a photo by URL, and the dia_id in metadata. */
const messageOf = (session: LocomoSession, turn: LocomoTurn) => ({
  userId: 'locomo',
  agentId: CONVERSATION,
  sessionId: `${CONVERSATION}/${session.name}`,
  message: {
    role: 'USER',
    userName: turn.speaker,
    timestamp: turn.occurredAt,
    content: [{ type: 'text', text: turn.text }, ...turn.imageUrls.slice(0, 1).map((url) => ({ type: 'image', source: { type: 'url', url } }))],
    metadata: { dia_id: turn.diaId },
  },
});

/** Runs `work` over `items`, `width` at a time, answering results in order. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += width) results.push(...(await Promise.all(items.slice(start, start + width).map(work))));
  return results;
}

describe.skipIf(!locomoAvailable())(`a whole LoCoMo conversation (${CONVERSATION} from ${LOCOMO_DATA}) posted turn by turn`, () => {
  let sut: TestStack;
  let token: string;
  let sessions: LocomoSession[];
  let turns: Array<{ session: LocomoSession; turn: LocomoTurn }>;

  beforeAll(async () => {
    sut = await startTestStack();
    token = sut.token('locomo');
    sessions = loadLocomoConversation(CONVERSATION);
    turns = sessions.flatMap((session) => session.turns.map((turn) => ({ session, turn })));
  });
  afterAll(() => sut?.stop());

  it('stores and indexes every turn, and finds each one again by its dia_id', { timeout: 120_000 }, async () => {
    // Sessions in parallel, each session's turns in order: what keeps order is the session key, not the client.
    const operations = (
      await Promise.all(
        sessions.map(async (session) => {
          const ids: string[] = [];
          for (const turn of session.turns) {
            const r = await sut.call(token, 'POST', `${OPEN}/memory/async/add-message`, messageOf(session, turn));
            expect(r.status).toBe(202);
            ids.push(r.body.data.operationId);
          }
          return ids;
        }),
      )
    ).flat();
    expect(operations).toHaveLength(turns.length);

    // Changes of one session are indexed in order, so a session's last operation completes last; then check them all.
    const lastOfSession = sessions.map((_, i) => operations[sessions.slice(0, i + 1).reduce((n, s) => n + s.turns.length, 0) - 1]!);
    const statusOf = async (operationId: string): Promise<string> => (await sut.call(token, 'GET', `${OPEN}/operations/${operationId}`)).body.data.status;
    for (const operationId of lastOfSession) await eventually(async () => ((await statusOf(operationId)) === 'completed' ? true : undefined), 90_000);
    const statuses = await inBatches(operations, 8, statusOf);
    expect(new Set(statuses)).toEqual(new Set(['completed']));

    // Every turn is in the index, with its dia_id, speaker, role and time.
    const view = await sut.call(token, 'GET', '/api/v1/context/view?limit=1000');
    const byDiaId = new Map<string, any>(view.body.contexts.map((c: any) => [c.metadata.dia_id, c]));
    for (const { turn } of turns) {
      expect(byDiaId.get(turn.diaId)?.metadata, turn.diaId).toMatchObject({ speaker: turn.speaker, role: 'user', occurredAt: turn.occurredAt });
    }
    expect(byDiaId.size).toBe(turns.length);

    // And retrievable by what it says, within its session: every fourth turn, which keeps the test well under a minute.
    const sample = turns.filter((_, i) => i % 4 === 0);
    const found = await inBatches(sample, 4, async ({ session, turn }) => {
      const r = await sut.call(token, 'POST', `${OPEN}/memory/retrieve`, { query: turn.text, sessionId: `${CONVERSATION}/${session.name}`, limit: 10 });
      return r.body.data.items.some((item: any) => item.metadata.dia_id === turn.diaId) ? null : turn.diaId;
    });
    const missed = found.filter((diaId) => diaId !== null);
    expect(missed).toEqual([]);
  });
});
