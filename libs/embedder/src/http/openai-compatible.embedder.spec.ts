import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dot } from '../vector-math';
import { EmbeddingRequestError } from './embedding-request.error';
import { OpenAiCompatibleEmbedder, type OpenAiCompatibleEmbedderOptions } from './openai-compatible.embedder';

const DIMENSION = 4;

interface SeenRequest {
  url: string | undefined;
  authorization: string | undefined;
  body: { model: string; input: string[] };
}

type Handler = (request: SeenRequest, response: ServerResponse) => void;

/** A stand-in vector that encodes the text length so tests can tell which input a vector belongs to. */
const fakeVector = (text: string, dimension = DIMENSION) => [text.length, 1, ...new Array<number>(dimension - 2).fill(0)];

const replyWith = (items: Array<{ index: number; embedding: number[] }>) => (_: SeenRequest, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: items }));
};

const echoEmbeddings: Handler = (request, response) =>
  replyWith(request.body.input.map((text, index) => ({ index, embedding: fakeVector(text) })))(request, response);

describe('OpenAiCompatibleEmbedder', () => {
  let server: Server;
  let baseUrl: string;
  let seen: SeenRequest[];
  let handlers: Handler[];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { url: req.url, authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
        seen.push(request);
        (handlers.shift() ?? echoEmbeddings)(request, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen = [];
    handlers = [];
  });

  const embedder = (options: Partial<OpenAiCompatibleEmbedderOptions> = {}) =>
    new OpenAiCompatibleEmbedder({ baseUrl, model: 'test-model', dimension: DIMENSION, retryBaseDelayMs: 5, ...options });

  it('posts the model and inputs to /embeddings and returns unit vectors', async () => {
    const vectors = await embedder({ apiKey: 'secret' }).embed(['abc', 'abcdef']);
    expect(seen).toEqual([{ url: '/v1/embeddings', authorization: 'Bearer secret', body: { model: 'test-model', input: ['abc', 'abcdef'] } }]);
    expect(vectors).toHaveLength(2);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(dot(vector, vector)).toBeCloseTo(1, 5);
    }
    expect(vectors[0][0] / vectors[0][1]).toBeCloseTo(3, 5);
  });

  it('matches vectors to inputs by `index`, not by position in the response', async () => {
    handlers.push(replyWith([2, 0, 1].map((index) => ({ index, embedding: fakeVector('x'.repeat(index + 1)) }))));
    const vectors = await embedder().embed(['a', 'bb', 'ccc']);
    expect(vectors.map((v) => Math.round(v[0] / v[1]))).toEqual([1, 2, 3]);
  });

  it('splits inputs into batches of batchSize, keeping order', async () => {
    const vectors = await embedder({ batchSize: 2 }).embed(['a', 'bb', 'ccc', 'dddd', 'eeeee']);
    expect(seen.map((r) => r.body.input)).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['eeeee']]);
    expect(vectors.map((v) => Math.round(v[0] / v[1]))).toEqual([1, 2, 3, 4, 5]);
  });

  it('retries a 503 and then succeeds', async () => {
    handlers.push((_, response) => response.writeHead(503).end('warming up'));
    const vectors = await embedder({ maxRetries: 2 }).embed(['abc']);
    expect(seen).toHaveLength(2);
    expect(vectors).toHaveLength(1);
  });

  it('gives up after maxRetries with an error naming the URL and status', async () => {
    handlers.push(...Array.from({ length: 3 }, (): Handler => (_, response) => response.writeHead(429).end('slow down')));
    const failure = embedder({ maxRetries: 2 }).embed(['abc']);
    await expect(failure).rejects.toThrow(`${baseUrl}/embeddings failed with HTTP 429`);
    await expect(failure).rejects.toMatchObject({ status: 429, retryable: true });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    handlers.push((_, response) => response.writeHead(400).end('{"error":"input too long"}'));
    await expect(embedder({ maxRetries: 3 }).embed(['abc'])).rejects.toThrow(/HTTP 400.*input too long/);
    expect(seen).toHaveLength(1);
  });

  it('rejects vectors whose dimension differs from the declared one', async () => {
    handlers.push(replyWith([{ index: 0, embedding: fakeVector('abc', DIMENSION + 1) }]));
    const failure = embedder().embed(['abc']);
    await expect(failure).rejects.toBeInstanceOf(EmbeddingRequestError);
    await expect(failure).rejects.toThrow(`${baseUrl}/embeddings is invalid: embedding 0 has dimension 5, expected 4`);
    expect(seen).toHaveLength(1);
  });

  it('rejects a response with the wrong number of embeddings', async () => {
    handlers.push(replyWith([{ index: 0, embedding: fakeVector('a') }]));
    await expect(embedder().embed(['a', 'b'])).rejects.toThrow(/expected 2 embeddings, got 1/);
  });

  it('times out a stalled server', async () => {
    handlers.push(() => undefined); // never answers
    const started = Date.now();
    await expect(embedder({ timeoutMs: 200, maxRetries: 0 }).embed(['abc'])).rejects.toThrow(`${baseUrl}/embeddings timed out after 200 ms`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports an unreachable server with its URL', async () => {
    const closed = new OpenAiCompatibleEmbedder({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', dimension: DIMENSION, maxRetries: 0 });
    await expect(closed.embed(['abc'])).rejects.toThrow('Embeddings request to http://127.0.0.1:1/v1/embeddings failed');
  });
});
