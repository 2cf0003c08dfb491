import { addContextBody, searchBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness';

const API = '/api/v1/context';

describe('Context API over HTTP (embedded stack)', () => {
  let sut: TestStack;
  let alice: string;

  beforeAll(async () => {
    sut = await startTestStack();
    alice = sut.token('alice', 'acme');
  });
  afterAll(() => sut?.stop());

  it('adds documents and finds the right one first, with a score', async () => {
    const added = await sut.call(alice, 'POST', `${API}/add`, addContextBody({
      source: 'kb',
      documents: [
        { content: 'The Scale plan costs 99 dollars per month and includes priority support.' },
        { content: 'Our office cat Whiskers enjoys tuna and long naps in the sun.' },
        { content: 'Deployments run every Tuesday after the change review meeting.' },
      ],
      metadata: { fileName: 'kb.txt' },
    }));
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ success: true, processed_documents: 3 });
    expect(added.body.context_id).toEqual(expect.any(String));

    const found = await sut.call(alice, 'POST', `${API}/search?metadata=true`, searchBody('how much does the scale plan cost per month'));
    expect(found.status).toBe(202);
    expect(found.body.contexts[0].content).toContain('Scale plan costs 99 dollars');
    expect(found.body.contexts[0].score).toBeGreaterThan(0);
    expect(found.body.contexts[0].score).toBeLessThanOrEqual(1);
    expect(found.body.contexts[0].metadata).toMatchObject({ fileName: 'kb.txt', source: 'kb' });
    expect(found.body.results[0]).toEqual({ contextId: added.body.context_id, contextData: found.body.contexts[0].content });
  });

  it('answers each document once by default, and every matching chunk with group_by=chunk', async () => {
    const filler = (topic: string) => Array.from({ length: 120 }, (_, i) => `${topic} note ${i}.`).join(' ');
    await sut.call(alice, 'POST', `${API}/add`, addContextBody({ source: 'long', documents: [{ content: `${filler('Aurora borealis')} ${filler('Aurora australis')}` }] }));
    const filter = { metadata: { source: 'long' }, limit: 100 };
    const perDocument = await sut.call(alice, 'POST', `${API}/search`, searchBody('aurora note', filter));
    const perChunk = await sut.call(alice, 'POST', `${API}/search?group_by=chunk`, searchBody('aurora note', filter));
    expect(perDocument.status).toBe(202);
    expect(perDocument.body.contexts).toHaveLength(1);
    expect(perChunk.body.contexts.length).toBeGreaterThan(1);
    expect(perChunk.body.contexts[0]).toEqual(perDocument.body.contexts[0]);
    const bad = await sut.call(alice, 'POST', `${API}/search?group_by=page`, searchBody('aurora'));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('group_by');
  });

  it('omits metadata unless metadata=true', async () => {
    await sut.call(alice, 'POST', `${API}/add`, addContextBody({ documents: [{ content: 'Metadata flag probe about zebras.' }] }));
    const found = await sut.call(alice, 'POST', `${API}/search`, searchBody('zebras'));
    expect(found.status).toBe(202);
    expect(found.body.contexts.length).toBeGreaterThan(0);
    expect(found.body.contexts[0]).not.toHaveProperty('metadata');
  });

  it('keeps only results inside the similarity thresholds', async () => {
    await sut.call(alice, 'POST', `${API}/add`, addContextBody({ documents: [{ content: 'Threshold probe: volcanic basalt columns.' }] }));
    const all = await sut.call(alice, 'POST', `${API}/search`, searchBody('volcanic basalt columns'));
    const top = all.body.contexts[0].score as number;
    const above = await sut.call(alice, 'POST', `${API}/search`, searchBody('volcanic basalt columns', { minimum_similarity_threshold: Math.min(1, top + 0.001) }));
    expect(above.body.contexts.every((c: { score: number }) => c.score >= top + 0.001)).toBe(true);
    expect(above.body.contexts.map((c: { content: string }) => c.content)).not.toContain(all.body.contexts[0].content);
    const below = await sut.call(alice, 'POST', `${API}/search`, searchBody('volcanic basalt columns', { similarity_threshold: Math.max(0, top - 0.001) }));
    expect(below.body.contexts.every((c: { score: number }) => c.score <= top - 0.001)).toBe(true);
  });

  it('answers 400 naming the field when the minimum threshold exceeds the maximum', async () => {
    const response = await sut.call(alice, 'POST', `${API}/search`, searchBody('x', { similarity_threshold: 0.2, minimum_similarity_threshold: 0.5 }));
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('minimum_similarity_threshold');
    // Every error shape of the seeds at once: success/message/status, response, and error as an object.
    expect(response.body).toMatchObject({ success: false, status: 400, response: response.body.message, error: { code: 'VALIDATION_FAILED' } });
  });

  it('answers 400 naming each threshold a search leaves out, both being required', async () => {
    const response = await sut.call(alice, 'POST', `${API}/search`, { query: 'x' });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('Invalid body: similarity_threshold: is required; minimum_similarity_threshold: is required');
    expect(response.body.error.details.issues.map((issue: { field: string; rule: string }) => `${issue.field} ${issue.rule}`)).toEqual([
      'similarity_threshold required',
      'minimum_similarity_threshold required',
    ]);
  });

  it('filters by fileName, fileType, groupName (all of them), source, context_type, scope and lastModified', async () => {
    const text = 'Filter probe: the lighthouse keeper logs the weather at dawn.';
    const add = (overrides: Record<string, unknown>) => sut.call(alice, 'POST', `${API}/add`, addContextBody({ documents: [{ content: text }], ...overrides }));
    expect((await add({ source: 'f-a', context_type: 'instruction', scope: 'external', metadata: { fileName: 'f-a.txt', groupName: ['ops', 'sea'], lastModified: '2024-01-10T00:00:00Z' } })).status).toBe(201);
    expect((await add({ source: 'f-b', context_type: 'resource', scope: 'internal', metadata: { fileName: 'f-b.txt', groupName: ['ops'], lastModified: '2025-06-01T00:00:00Z' } })).status).toBe(201);
    expect((await add({ source: 'f-c', metadata: { fileName: 'f-c.pdf', fileType: 'application/pdf' } })).status).toBe(201);
    // A document's own doc_type is its type, as view shows it.
    expect((await add({ source: 'f-d', metadata: {}, documents: [{ content: text, doc_type: 'text/markdown' }] })).status).toBe(201);

    const sources = async (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const r = await sut.call(alice, 'POST', `${API}/search?metadata=true`, searchBody('lighthouse keeper weather', { metadata, ...extra }));
      expect(r.status).toBe(202);
      return r.body.contexts.map((c: { metadata: { source: string } }) => c.metadata.source).filter((s: string) => s.startsWith('f-')).sort();
    };
    // A search without a scope reads internal context only, as the API's default says.
    expect(await sources({})).toEqual(['f-b', 'f-c', 'f-d']);
    expect(await sources({}, { scope: 'external' })).toEqual(['f-a']);
    expect(await sources({ scope: 'external' })).toEqual(['f-a']);
    const external = { scope: 'external' };
    expect(await sources({ fileName: 'f-a.txt' }, external)).toEqual(['f-a']);
    expect(await sources({ fileName: 'f-a.txt' })).toEqual([]);
    expect(await sources({ file_name: 'f-b.txt' })).toEqual(['f-b']);
    expect(await sources({ fileType: 'application/pdf' })).toEqual(['f-c']);
    expect(await sources({ fileType: 'text/markdown' })).toEqual(['f-d']);
    expect(await sources({ fileType: 'application' })).toEqual([]);
    expect(await sources({ groupName: ['ops'] })).toEqual(['f-b']);
    expect(await sources({ groupName: ['ops', 'sea'] }, external)).toEqual(['f-a']);
    expect(await sources({ source: 'f-b' })).toEqual(['f-b']);
    expect(await sources({ context_type: 'instruction' }, external)).toEqual(['f-a']);
    expect(await sources({ lastModified: { from: '2025-01-01T00:00:00Z' } })).toEqual(['f-b']);
    expect(await sources({ lastModified: { to: '2024-12-31T00:00:00Z' } }, external)).toEqual(['f-a']);
  });

  it('queues with add-async, reports the job through completion, then lists it', async () => {
    const queued = await sut.call(alice, 'POST', `${API}/add-async`, addContextBody({ documents: [{ content: 'Async probe about narwhal tusks.' }] }));
    expect(queued.status).toBe(201);
    expect(queued.body).toEqual({ queued: true, jobId: expect.stringMatching(/^job-/) });
    const jobId = queued.body.jobId as string;

    const done = await eventually(async () => {
      const r = await sut.call(alice, 'GET', `${API}/add-async/${jobId}/status`);
      expect(r.status).toBe(200);
      return r.body.status === 'completed' ? r.body : undefined;
    });
    expect(done).toMatchObject({ success: true, jobId, attemptsMade: 1, failedReason: null, result: { processed_documents: 1 } });
    expect(Date.parse(done.finishedOn)).not.toBeNaN();

    const listed = await sut.call(alice, 'GET', `${API}/add-async/status?type=completed&limit=100`);
    expect(listed.status).toBe(200);
    expect(listed.body.jobs.map((j: { jobId: string }) => j.jobId)).toContain(jobId);
    const failed = await sut.call(alice, 'GET', `${API}/add-async/status?type=failed`);
    expect(failed.body.jobs.map((j: { jobId: string }) => j.jobId)).not.toContain(jobId);

    const found = await sut.call(alice, 'POST', `${API}/search`, searchBody('narwhal tusks'));
    expect(found.body.contexts[0].content).toContain('narwhal');
  });

  it('answers 404 when cancelling a finished job and for ids it never issued', async () => {
    const queued = await sut.call(alice, 'POST', `${API}/add`, addContextBody());
    expect(queued.status).toBe(201);
    const jobs = await sut.call(alice, 'GET', `${API}/add-async/status?type=completed&limit=1`);
    const finished = jobs.body.jobs[0].jobId as string;
    expect((await sut.call(alice, 'DELETE', `${API}/add-async/${finished}/cancel`)).status).toBe(404);
    expect((await sut.call(alice, 'DELETE', `${API}/add-async/job-${'0'.repeat(32)}-${'0'.repeat(16)}/cancel`)).status).toBe(404);
    expect((await sut.call(alice, 'GET', `${API}/add-async/not-a-job/status`)).status).toBe(404);
  });

  it('answers 409 when the same fileName is added again, and accepts it after a delete', async () => {
    const body = addContextBody({ source: 'dup-src', metadata: { fileName: 'dup.txt' } });
    expect((await sut.call(alice, 'POST', `${API}/add`, body)).status).toBe(201);
    const again = await sut.call(alice, 'POST', `${API}/add-async`, body);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('dup.txt');
    expect((await sut.call(alice, 'POST', `${API}/delete`, { source: 'dup-src' })).status).toBe(204);
    expect((await sut.call(alice, 'POST', `${API}/add`, body)).status).toBe(201);
  });

  it('answers 409 up front for the name a document is stored under, spelt file_name or given per document', async () => {
    const first = addContextBody({ source: 'snake-src', metadata: { file_name: 'snake.txt' } });
    expect((await sut.call(alice, 'POST', `${API}/add`, first)).status).toBe(201);
    const perDocument = addContextBody({ source: 'snake-again', metadata: {}, documents: [{ content: 'Again.', file_name: 'snake.txt' }] });
    const again = await sut.call(alice, 'POST', `${API}/add-async`, perDocument);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('snake.txt');
    // A call-level name every document overrides is not the name anything is stored under.
    const overridden = addContextBody({ source: 'snake-other', metadata: { fileName: 'snake.txt' }, documents: [{ content: 'Other.', fileName: 'other-snake.txt' }] });
    expect((await sut.call(alice, 'POST', `${API}/add`, overridden)).status).toBe(201);
    const tooLong = await sut.call(alice, 'POST', `${API}/add-async`, addContextBody({ documents: [{ content: 'x', file_name: 'f'.repeat(1025) }] }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain('documents[0].file_name');
  });

  it('answers 413 for metadata every chunk would copy past 16 KiB, naming where it is', async () => {
    const blob = 'm'.repeat(17 * 1024);
    const callLevel = await sut.call(alice, 'POST', `${API}/add-async`, addContextBody({ metadata: { blob } }));
    expect(callLevel.status).toBe(413);
    expect(callLevel.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/^metadata: /) });
    const perDocument = await sut.call(alice, 'POST', `${API}/add`, addContextBody({ documents: [{ content: 'x' }, { content: 'y', blob }] }));
    expect(perDocument.status).toBe(413);
    expect(perDocument.body.error.message).toMatch(/^documents\[1\]: /);
  });

  it('answers 413 past 100 documents', async () => {
    const documents = Array.from({ length: 101 }, (_, i) => ({ content: `doc ${i}` }));
    const response = await sut.call(alice, 'POST', `${API}/add-async`, addContextBody({ documents }));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('deletes by source and the documents leave search, view and view/docs', async () => {
    const body = addContextBody({ source: 'to-delete', documents: [{ content: 'Deletion probe: the quokka smiles on Rottnest island.' }], metadata: { fileName: 'quokka.txt' } });
    expect((await sut.call(alice, 'POST', `${API}/add`, body)).status).toBe(201);
    const before = await sut.call(alice, 'POST', `${API}/search`, searchBody('quokka Rottnest'));
    expect(before.body.contexts[0].content).toContain('quokka');

    expect((await sut.call(alice, 'POST', `${API}/delete`, { source: 'to-delete', by_doc: true })).status).toBe(204);

    const after = await sut.call(alice, 'POST', `${API}/search`, searchBody('quokka Rottnest'));
    expect(after.body.contexts.map((c: { content: string }) => c.content).join(' ')).not.toContain('quokka');
    const docs = await sut.call(alice, 'GET', `${API}/view/docs`);
    expect(docs.body.documents.map((d: { fileName: string }) => d.fileName)).not.toContain('quokka.txt');
    const view = await sut.call(alice, 'GET', `${API}/view?file_name=quokka.txt`);
    expect(view.body.context).toEqual([]);
  });

  it('views context nodes in the seed shape and lists documents with their metadata', async () => {
    const body = addContextBody({
      source: 'view-src',
      chained: 'true',
      documents: [{ content: 'Chained part one.' }, { content: 'Chained part two.' }],
      metadata: { fileName: 'view.txt', fileType: 'text/plain', groupName: ['g1'], lastModified: '2025-01-10T12:34:56.000Z', fileSize: 2048 },
    });
    expect((await sut.call(alice, 'POST', `${API}/add`, body)).status).toBe(201);

    const view = await sut.call(alice, 'GET', `${API}/view?file_name=view.txt`);
    expect(view.status).toBe(200);
    expect(view.body.context).toHaveLength(2);
    const byText = (text: string) => view.body.context.find((n: { content: string }) => n.content === text);
    const [first, second] = [byText('Chained part one.'), byText('Chained part two.')];
    expect(first).toMatchObject({ user_id: 'alice', organization_id: 'acme', source: 'view-src', context_type: 'resource', indexed: true, scopes: ['internal'] });
    expect(first.metadata).toMatchObject({ file_name: 'view.txt', doc_type: 'text/plain', size: 2048 });
    expect(first.children_context_nodes).toEqual([second.metadata.document_id]);
    expect(second.parent_context_nodes).toEqual([first.metadata.document_id]);
    expect(view.body.contexts).toContainEqual({ content: first.content, metadata: first.metadata });

    const docs = await sut.call(alice, 'GET', `${API}/view/docs`);
    expect(docs.status).toBe(200);
    expect(docs.body.documents).toContainEqual(
      expect.objectContaining({ fileName: 'view.txt', fileType: 'text/plain', groupName: ['g1'], lastModified: '2025-01-10T12:34:56.000Z', fileSize: 2048 }),
    );
  });

  it('serves the OpenAPI document, Swagger UI and health without a token', async () => {
    const spec = await sut.call(null, 'GET', '/openapi.json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toContain('/api/v1/context/add-async');
    expect((await fetch(`${sut.url}/docs`)).status).toBeLessThan(400);
    expect((await sut.call(null, 'GET', '/health/live')).body).toEqual({ status: 'ok' });
    expect((await sut.call(null, 'GET', '/health/ready')).body).toMatchObject({ status: 'ok', checks: { postgres: true } });
  });
});
