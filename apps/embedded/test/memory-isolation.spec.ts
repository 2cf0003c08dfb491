import { addMessageBody, memoryBody, searchBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness';

const MEMORY = '/api/v1/context/memory';
const OPEN = '/open/v1';
const SECRET = 'The vault combination is 4-8-15-16-23-42.';

describe('tenant isolation across every memory route', () => {
  let sut: TestStack;
  let owner: string;
  let ownerOperation: string;
  let intruders: Array<[string, string, string]>;

  beforeAll(async () => {
    sut = await startTestStack();
    owner = sut.token('owner', 'org-a');
    // [description, token, the intruder's own userId]
    intruders = [
      ['another user of the same organization', sut.token('intruder', 'org-a'), 'intruder'],
      ['the same user id in another organization', sut.token('owner', 'org-b'), 'owner'],
    ];
    expect((await sut.call(owner, 'POST', `${MEMORY}/add`, memoryBody('vault', [{ content: SECRET, id: 'secret' }]))).status).toBe(201);
    const memind = await sut.call(owner, 'POST', `${OPEN}/memory/sync/add-message`, addMessageBody('owner', `Memind says: ${SECRET}`, { sessionId: 'vault' }));
    expect(memind.status).toBe(200);
    ownerOperation = memind.body.data.operationId;
  });
  afterAll(() => sut?.stop());

  const ownerStillHas = async () => {
    const r = await sut.call(owner, 'POST', '/api/v1/context/search', searchBody('vault combination', { metadata: { sessionId: 'vault' } }));
    expect(r.body.contexts.map((c: any) => c.content).sort()).toEqual([`Memind says: ${SECRET}`, SECRET]);
  };

  it('search, view and retrieve never show another tenant’s messages', async () => {
    for (const [what, token, userId] of intruders) {
      const search = await sut.call(token, 'POST', '/api/v1/context/search', searchBody('vault combination', { metadata: { sessionId: 'vault' } }));
      expect(search.body.contexts, what).toEqual([]);
      const view = await sut.call(token, 'GET', '/api/v1/context/view');
      expect(JSON.stringify(view.body), what).not.toContain('4-8-15-16-23-42');
      const retrieved = await sut.call(token, 'POST', `${OPEN}/memory/retrieve`, { userId, query: 'vault combination', sessionId: 'vault' });
      expect(retrieved.status, what).toBe(200);
      expect(retrieved.body.data.items, what).toEqual([]);
    }
  });

  it('update of another tenant’s session is a 404 and changes nothing', async () => {
    for (const [what, token] of intruders) {
      const r = await sut.call(token, 'POST', `${MEMORY}/update`, memoryBody('vault', [{ content: 'overwritten', id: 'secret' }]));
      expect(r.status, what).toBe(404);
    }
    await ownerStillHas();
  });

  it('delete of another tenant’s session removes nothing of it', async () => {
    for (const [what, token] of intruders) {
      expect((await sut.call(token, 'POST', `${MEMORY}/delete`, { sessionId: 'vault' })).status, what).toBe(204);
    }
    await ownerStillHas();
  });

  it('add under the same session name makes the intruder’s own session, not a write into the owner’s', async () => {
    for (const [what, token, userId] of intruders) {
      expect((await sut.call(token, 'POST', `${MEMORY}/add`, memoryBody('vault', [{ content: 'intruder note', id: 'secret' }]))).status, what).toBe(201);
      const memind = await sut.call(token, 'POST', `${OPEN}/memory/sync/add-message`, addMessageBody(userId, 'intruder memind note', { sessionId: 'vault' }));
      expect(memind.status, what).toBe(200);
    }
    await ownerStillHas();
  });

  it('Memind routes refuse a userId other than the token’s (403) and hide the owner’s operations (404)', async () => {
    for (const [what, token] of intruders) {
      expect((await sut.call(token, 'POST', `${OPEN}/memory/async/add-message`, addMessageBody('owner', 'x', { organizationId: 'org-a' }))).status, what).toBe(
        403,
      );
      expect((await sut.call(token, 'POST', `${OPEN}/memory/retrieve`, { userId: 'owner', organizationId: 'org-a', query: 'vault' })).status, what).toBe(403);
      expect((await sut.call(token, 'GET', `${OPEN}/operations/${ownerOperation}`)).status, what).toBe(404);
    }
    expect((await sut.call(owner, 'GET', `${OPEN}/operations/${ownerOperation}`)).body.data.status).toBe('completed');
  });

  it('an admin token may act for another tenant', async () => {
    const admin = sut.token('ops', 'org-ops', 'admin');
    const r = await sut.call(admin, 'POST', `${OPEN}/memory/retrieve`, {
      userId: 'owner',
      organizationId: 'org-a',
      query: 'vault combination',
      sessionId: 'vault',
    });
    expect(r.body.data.items).toHaveLength(2);
  });
});
