import {
  addContextAsyncResponseSchema,
  addContextResponseSchema,
  addMemoryResponseSchema,
  addMessageAcceptedResponseSchema,
  addMessageSyncResponseSchema,
  jobCancelResponseSchema,
  jobListResponseSchema,
  jobStatusResponseSchema,
  operationResponseSchema,
  retrieveMemoryResponseSchema,
  searchContextResponseSchema,
  updateMemoryResponseSchema,
  viewContextResponseSchema,
  viewDocsResponseSchema,
} from '@recollect/contracts';
import { JobIds } from '@recollect/gateway';
import { addContextBody, addMessageBody, searchBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { derivedSecret } from '../src/secrets';
import { eventually, startTestStack, type TestStack } from './harness';

const API = '/api/v1/context';
const OPEN = '/open/v1';

/** The answer is exactly what the schema describes: nothing missing, nothing of the wrong type, no field it leaves out. */
function expectShape(schema: z.ZodType, answer: { status: number; body: unknown }, status: number): void {
  expect(answer.status).toBe(status);
  const parsed = schema.safeParse(answer.body);
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.data).toEqual(answer.body);
}

/** Every success answer, held to the schema the OpenAPI document shows for it. */
describe('answer shapes', () => {
  let sut: TestStack;
  let token: string;

  beforeAll(async () => {
    sut = await startTestStack();
    token = sut.token('alice', 'acme');
  });
  afterAll(() => sut?.stop());

  it('context routes: add, jobs, search, view and documents', async () => {
    const added = await sut.call(token, 'POST', `${API}/add`, addContextBody({ documents: [{ content: 'Shapes probe: the heron waits in the reeds.' }] }));
    expectShape(addContextResponseSchema, added, 201);

    const queued = await sut.call(token, 'POST', `${API}/add-async`, addContextBody({ documents: [{ content: 'Shapes probe: the otter slides down the bank.' }] }));
    expectShape(addContextAsyncResponseSchema, queued, 201);
    const finished = await eventually(async () => {
      const job = await sut.call(token, 'GET', `${API}/add-async/${queued.body.jobId}/status`);
      expectShape(jobStatusResponseSchema, job, 200);
      return job.body.status === 'completed' ? job : undefined;
    });
    expect(finished.body.result).toMatchObject({ processed_documents: 1 });
    expectShape(jobListResponseSchema, await sut.call(token, 'GET', `${API}/add-async/status?type=all`), 200);
    const waiting = new JobIds(derivedSecret(sut.stack.jwtSecret, 'job-ids')).issue({ userId: 'alice', organizationId: 'acme' });
    expectShape(jobCancelResponseSchema, await sut.call(token, 'DELETE', `${API}/add-async/${waiting}/cancel`), 200);

    for (const flag of ['true', 'false']) {
      const found = await sut.call(token, 'POST', `${API}/search?metadata=${flag}`, searchBody('heron in the reeds'));
      expectShape(searchContextResponseSchema, found, 202);
      expect(found.body.contexts.length).toBeGreaterThan(0);
      expect(found.body.contexts.every((context: object) => 'metadata' in context === (flag === 'true'))).toBe(true);
    }
    const view = await sut.call(token, 'GET', `${API}/view`);
    expectShape(viewContextResponseSchema, view, 200);
    expect(view.body.context.length).toBeGreaterThan(0);
    const documents = await sut.call(token, 'GET', `${API}/view/docs`);
    expectShape(viewDocsResponseSchema, documents, 200);
    expect(documents.body.documents.length).toBe(2);
  });

  it('memory routes: add and update', async () => {
    const contents = [{ id: 'm1', role: 'user', content: 'My sister lives in Lisbon.' }];
    expectShape(addMemoryResponseSchema, await sut.call(token, 'POST', `${API}/memory/add`, { sessionId: 'shapes', contents }), 201);
    const updated = await sut.call(token, 'POST', `${API}/memory/update`, { sessionId: 'shapes', contents: [{ ...contents[0], content: 'My sister lives in Porto.' }] });
    expectShape(updateMemoryResponseSchema, updated, 200);
  });

  it('Memind routes: add-message async and sync, operations and retrieve', async () => {
    const accepted = await sut.call(token, 'POST', `${OPEN}/memory/async/add-message`, addMessageBody('alice', 'Our cat is called Miso.'));
    expectShape(addMessageAcceptedResponseSchema, accepted, 202);
    await eventually(async () => {
      const operation = await sut.call(token, 'GET', `${OPEN}/operations/${accepted.body.data.operationId}`);
      expectShape(operationResponseSchema, operation, 200);
      return operation.body.data.status === 'completed' ? operation : undefined;
    });
    expectShape(addMessageSyncResponseSchema, await sut.call(token, 'POST', `${OPEN}/memory/sync/add-message`, addMessageBody('alice', 'Miso sleeps on the piano.')), 200);
    const retrieved = await sut.call(token, 'POST', `${OPEN}/memory/retrieve`, { userId: 'alice', query: 'what is the cat called' });
    expectShape(retrieveMemoryResponseSchema, retrieved, 200);
    expect(retrieved.body.data.items.length).toBeGreaterThan(0);
  });

  it('serves a document naming every operation, with a typed schema for every answer with a body', async () => {
    const spec = (await sut.call(null, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: { properties?: object } }> }> }>>;
    };
    const operations = Object.values(spec.paths).flatMap((path) => Object.values(path));
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['addContextAsync', 'updateContextAsMemory', 'addMessageAsync']));
    for (const operation of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === '204') continue;
        const schema = response.content?.['application/json']?.schema ?? {};
        expect('properties' in schema || '$ref' in schema, `${operation.operationId} ${status}`).toBe(true);
      }
    }
  });
});
