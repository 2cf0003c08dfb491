import { addContextBody, searchBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedSecret } from '../src/secrets';
import { JobIds } from '@recollect/gateway';
import { eventually, startTestStack, type TestStack } from './harness';

const API = '/api/v1/context';
const SECRET_TEXT = 'Tenant secret: the vault combination is 4-8-15-16-23-42.';

describe('tenant isolation across every route', () => {
  let sut: TestStack;
  let owner: string;
  let sameOrgOtherUser: string;
  let otherOrgSameUser: string;
  let ownerJobId: string;

  beforeAll(async () => {
    sut = await startTestStack();
    owner = sut.token('owner', 'org-a');
    sameOrgOtherUser = sut.token('intruder', 'org-a');
    otherOrgSameUser = sut.token('owner', 'org-b');
    const added = await sut.call(owner, 'POST', `${API}/add`, addContextBody({ source: 'vault', documents: [{ content: SECRET_TEXT }], metadata: { fileName: 'vault.txt' } }));
    expect(added.status).toBe(201);
    const queued = await sut.call(owner, 'POST', `${API}/add-async`, addContextBody({ source: 'vault-async', documents: [{ content: 'Owner async document.' }] }));
    ownerJobId = queued.body.jobId;
    await eventually(async () => ((await sut.call(owner, 'GET', `${API}/add-async/${ownerJobId}/status`)).body.status === 'completed' ? true : undefined));
  });
  afterAll(() => sut?.stop());

  const intruders = () => [
    ['another user of the same organization', sameOrgOtherUser],
    ['the same user id in another organization', otherOrgSameUser],
  ] as const;

  it('search never returns another tenant’s chunks', async () => {
    for (const [, token] of intruders()) {
      const r = await sut.call(token, 'POST', `${API}/search`, searchBody('vault combination'));
      expect(r.status).toBe(202);
      expect(JSON.stringify(r.body)).not.toContain('4-8-15-16-23-42');
    }
  });

  it('view and view/docs list only the caller’s own data', async () => {
    for (const [, token] of intruders()) {
      const view = await sut.call(token, 'GET', `${API}/view`);
      expect(JSON.stringify(view.body)).not.toContain('vault');
      const docs = await sut.call(token, 'GET', `${API}/view/docs`);
      expect(docs.body.documents).toEqual([]);
    }
  });

  it('job status, list and cancel do not reveal or touch another tenant’s jobs', async () => {
    for (const [, token] of intruders()) {
      expect((await sut.call(token, 'GET', `${API}/add-async/${ownerJobId}/status`)).status).toBe(404);
      expect((await sut.call(token, 'DELETE', `${API}/add-async/${ownerJobId}/cancel`)).status).toBe(404);
      expect((await sut.call(token, 'GET', `${API}/add-async/status`)).body.jobs).toEqual([]);
    }
    expect((await sut.call(owner, 'GET', `${API}/add-async/${ownerJobId}/status`)).body.status).toBe('completed');
  });

  it('delete by the same source name removes nothing of another tenant', async () => {
    for (const [, token] of intruders()) {
      expect((await sut.call(token, 'POST', `${API}/delete`, { source: 'vault' })).status).toBe(204);
      expect((await sut.call(token, 'POST', `${API}/delete`, { source: 'vault.txt' })).status).toBe(204);
    }
    const still = await sut.call(owner, 'POST', `${API}/search`, searchBody('vault combination'));
    expect(still.body.contexts[0].content).toBe(SECRET_TEXT);
  });

  it('the same fileName is free for another tenant (409 is per tenant)', async () => {
    const r = await sut.call(sameOrgOtherUser, 'POST', `${API}/add`, addContextBody({ metadata: { fileName: 'vault.txt' } }));
    expect(r.status).toBe(201);
  });

  it('refuses body user_id / organization_id that disagree with the token (403), unless the token is admin', async () => {
    const asOther = await sut.call(sameOrgOtherUser, 'POST', `${API}/search`, searchBody('vault', { user_id: 'owner' }));
    expect(asOther.status).toBe(403);
    expect(asOther.body.error.details).toEqual({ field: 'user_id' });
    const otherOrg = await sut.call(owner, 'POST', `${API}/delete`, { source: 'vault', organization_id: 'org-b' });
    expect(otherOrg.status).toBe(403);
    const addAs = await sut.call(sameOrgOtherUser, 'POST', `${API}/add-async`, addContextBody({ user_id: 'owner' }));
    expect(addAs.status).toBe(403);

    const admin = sut.token('ops', 'org-ops', 'admin');
    const adminSearch = await sut.call(admin, 'POST', `${API}/search`, searchBody('vault combination', { user_id: 'owner', organization_id: 'org-a' }));
    expect(adminSearch.status).toBe(202);
    expect(adminSearch.body.contexts[0].content).toBe(SECRET_TEXT);
  });

  it('rejects missing, malformed, wrongly signed and expired tokens with 401', async () => {
    const { signToken } = await import('@recollect/auth');
    const forged = signToken({ secret: 'another-secret-of-enough-length', sub: 'owner', org: 'org-a' });
    const expired = signToken({ secret: sut.stack.jwtSecret, sub: 'owner', org: 'org-a', expiresInSeconds: -10 });
    for (const token of [null, 'not-a-jwt', forged, expired]) {
      const r = await sut.call(token, 'GET', `${API}/view`);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('reports a job it issued but has not consumed as waiting, and cancels it', async () => {
    const jobIds = new JobIds(derivedSecret(sut.stack.jwtSecret, 'job-ids'));
    const pending = jobIds.issue({ userId: 'owner', organizationId: 'org-a' });
    const status = await sut.call(owner, 'GET', `${API}/add-async/${pending}/status`);
    expect(status.status).toBe(200);
    expect(status.body.status).toBe('waiting');
    expect((await sut.call(sameOrgOtherUser, 'GET', `${API}/add-async/${pending}/status`)).status).toBe(404);

    const cancelled = await sut.call(owner, 'DELETE', `${API}/add-async/${pending}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ status: 'cancelled' });
    expect((await sut.call(owner, 'GET', `${API}/add-async/${pending}/status`)).body.status).toBe('cancelled');
    expect((await sut.call(owner, 'DELETE', `${API}/add-async/${pending}/cancel`)).status).toBe(404);
  });
});
