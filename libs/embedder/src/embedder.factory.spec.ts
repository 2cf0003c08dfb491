import { describe, expect, it } from 'vitest';
import { createEmbedder } from './embedder.factory';
import { HashingEmbedder } from './hashing/hashing.embedder';
import { OpenAiCompatibleEmbedder } from './http/openai-compatible.embedder';
import { UseLitePoolEmbedder } from './use-lite/use-lite-pool.embedder';
import { UseLiteOnnxEmbedder } from './use-lite/use-lite-onnx.embedder';
import { UniversalSentenceEncoderEmbedder } from './use-lite/use-lite.embedder';

describe('createEmbedder', () => {
  it('builds the embedder named by kind without loading or contacting anything', () => {
    expect(createEmbedder({ kind: 'use-lite' })).toBeInstanceOf(UseLiteOnnxEmbedder);
    expect(createEmbedder({ kind: 'use-lite', runtime: 'tfjs' })).toBeInstanceOf(UniversalSentenceEncoderEmbedder);
    expect(createEmbedder({ kind: 'hashing', dimension: 32 })).toMatchObject({ modelId: 'hashing-32', dimension: 32 });
    const remote = createEmbedder({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'bge-small', dimension: 384 });
    expect(remote).toBeInstanceOf(OpenAiCompatibleEmbedder);
    expect(remote).toMatchObject({ modelId: 'openai:bge-small/384', dimension: 384 });
    expect(createEmbedder({ kind: 'hashing' })).toBeInstanceOf(HashingEmbedder);
  });

  it('runs USE-lite on worker threads whenever a thread count is given, even one, so the caller\'s thread stays free', () => {
    expect(createEmbedder({ kind: 'use-lite', threads: 1 })).toBeInstanceOf(UseLitePoolEmbedder);
    const pooled = createEmbedder({ kind: 'use-lite', threads: 2 });
    expect(pooled).toBeInstanceOf(UseLitePoolEmbedder);
    expect(pooled.modelId).toBe(new UniversalSentenceEncoderEmbedder().modelId);
  });

  it('runs USE-lite on ONNX Runtime in int8 by default, and in float when asked', () => {
    // Only the int8 engine insists on one text per pass, which tells the two apart without loading either.
    expect(() => createEmbedder({ kind: 'use-lite', batchSize: 4 })).toThrow(/batchSize must be 1 with int8/);
    expect(createEmbedder({ kind: 'use-lite', runtime: 'onnx-fp32', batchSize: 4 })).toBeInstanceOf(UseLiteOnnxEmbedder);
  });

  it('rejects an unknown kind', () => {
    expect(() => createEmbedder({ kind: 'word2vec' } as never)).toThrow(/word2vec/);
  });
});
