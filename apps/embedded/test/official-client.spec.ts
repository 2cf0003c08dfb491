import AlchemystAI from '@alchemystai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness';

describe('the official @alchemystai/sdk client against the service', () => {
  let sut: TestStack;
  let client: AlchemystAI;

  beforeAll(async () => {
    sut = await startTestStack();
    // Configured the way users do it: through the client's own environment variables.
    process.env.ALCHEMYST_AI_BASE_URL = sut.url;
    process.env.ALCHEMYST_AI_API_KEY = sut.token('sdk-user', 'sdk-org');
    client = new AlchemystAI({ maxRetries: 0 });
  });
  afterAll(async () => {
    delete process.env.ALCHEMYST_AI_BASE_URL;
    delete process.env.ALCHEMYST_AI_API_KEY;
    await sut?.stop();
  });

  it('adds, searches, views, lists documents and deletes', async () => {
    const added = (await client.v1.context.add({
      documents: [{ content: 'The SDK probe: penguins huddle to keep warm in Antarctic winters.' }, { content: 'Unrelated: tax forms are due in April.' }],
      source: 'sdk-source',
      context_type: 'resource',
      scope: 'internal',
      metadata: { fileName: 'penguins.txt', fileType: 'text/plain', groupName: ['birds'] },
    })) as { success: boolean; context_id: string };
    expect(added).toMatchObject({ success: true, context_id: expect.any(String) });

    const found = await client.v1.context.search({
      query: 'how do penguins stay warm',
      similarity_threshold: 1,
      minimum_similarity_threshold: 0,
      metadata: 'true',
      body_metadata: { groupName: ['birds'] },
    });
    expect(found.contexts?.[0]?.content).toContain('penguins huddle');
    expect(found.contexts?.[0]?.metadata).toMatchObject({ fileName: 'penguins.txt' });

    const view = await client.v1.context.view.retrieve({ file_name: 'penguins.txt' });
    expect(view.context).toHaveLength(2);
    const docs = (await client.v1.context.view.docs()) as { documents: Array<{ fileName: string }> };
    expect(docs.documents.map((d) => d.fileName)).toContain('penguins.txt');

    await client.v1.context.delete({ source: 'sdk-source', by_doc: true, by_id: false });
    const after = await client.v1.context.search({ query: 'penguins', similarity_threshold: 1, minimum_similarity_threshold: 0 });
    expect(JSON.stringify(after.contexts ?? [])).not.toContain('penguins');
  });

  it('surfaces validation errors as the client’s 400 error type', async () => {
    await expect(client.v1.context.search({ query: '', similarity_threshold: 1, minimum_similarity_threshold: 0 })).rejects.toMatchObject({ status: 400 });
  });
});
