import { describe, expect, it } from 'vitest';
import { tenantKey, type Tenant } from '@recollect/contracts';
import { JobIds } from './job-ids';

describe(JobIds.name, () => {
  const alice: Tenant = { userId: 'alice', organizationId: 'acme' };

  it('verifies an id for the tenant it was issued to, and for no other', () => {
    const jobIds = new JobIds('secret');
    const id = jobIds.issue(alice);

    expect(id).toMatch(/^job-[0-9a-f]{32}-[0-9a-f]{16}$/);
    expect(jobIds.isIssuedTo(id, alice)).toBe(true);
    expect(jobIds.isIssuedTo(id, { userId: 'alice', organizationId: null })).toBe(false);
    expect(jobIds.isIssuedTo(id, { userId: 'bob', organizationId: 'acme' })).toBe(false);
  });

  it('tells apart tenants that share a bus key', () => {
    const first: Tenant = { userId: 'c', organizationId: 'a/b' };
    const second: Tenant = { userId: 'b/c', organizationId: 'a' };
    expect(tenantKey(first)).toBe(tenantKey(second));
    const jobIds = new JobIds('secret');

    expect(jobIds.isIssuedTo(jobIds.issue(first), second)).toBe(false);
  });

  it('refuses ids of another kind, another secret, or another shape', () => {
    const id = new JobIds('secret').issue(alice);

    expect(new JobIds('secret', 'op').isIssuedTo(id, alice)).toBe(false);
    expect(new JobIds('other secret').isIssuedTo(id, alice)).toBe(false);
    expect(new JobIds('secret').isIssuedTo(`${id}0`, alice)).toBe(false);
    expect(new JobIds('secret').isIssuedTo(id.toUpperCase(), alice)).toBe(false);
  });
});
