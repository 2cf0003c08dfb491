import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { DetailsFile } from './details';
import { scoreQuestions } from './locomo/locomo.runner';

const folders: string[] = [];
const newFile = (): string => {
  const folder = mkdtempSync(join(tmpdir(), 'eval-details-'));
  folders.push(folder);
  return join(folder, 'details.jsonl');
};
const readLines = (path: string): unknown[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe(DetailsFile.name, () => {
  it('writes details in dataset order, whatever order they arrived in', () => {
    const path = newFile();
    const details = new DetailsFile(path);
    details.sink(2, { id: 'c' });
    details.sink(0, { id: 'a' });
    details.sink(1, { id: 'b' });
    details.write();
    expect(readLines(path)).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
  });
});

describe('scoreQuestions details', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('records each question with its evidence, the turns retrieved in order, and its figures', async () => {
    // What the memory API answers: the turns given for each question, best first.
    const answers: Record<string, string[]> = { 'where?': ['D1:2', 'D1:1'], 'when?': ['D2:5'] };
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const { query } = JSON.parse(body) as { query: string };
        const items = answers[query]!.map((dia_id) => ({ metadata: { dia_id, sessionId: 'conv-1' } }));
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { items } }));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token');
    const path = newFile();
    const details = new DetailsFile(path);

    await scoreQuestions(
      client,
      [
        { conversation: 'conv-1', question: 'where?', category: 1, evidence: ['D1:1', 'D3:3'] },
        { conversation: 'conv-1', question: 'unanswerable', category: 5, evidence: [] },
        { conversation: 'conv-1', question: 'when?', category: 2, evidence: ['D2:5'] },
      ],
      details.sink,
    );
    details.write();

    expect(readLines(path)).toEqual([
      { conversation: 'conv-1', question: 'where?', category: 1, evidence: ['D1:1', 'D3:3'], retrieved: ['D1:2', 'D1:1'], 'recall@5': 0.5, 'recall@10': 0.5, 'hit@10': 1 },
      { conversation: 'conv-1', question: 'when?', category: 2, evidence: ['D2:5'], retrieved: ['D2:5'], 'recall@5': 1, 'recall@10': 1, 'hit@10': 1 },
    ]);
  });
});
