import { describe, expect, it } from 'vitest';
import { identityFromClaims } from '@recollect/auth';
import { ErrorCode, type DomainError } from '@recollect/contracts';
import { memindTenant } from './memind-tenant';

const settings = { orgClaim: 'org', adminScope: 'admin' };
const alice = identityFromClaims({ sub: 'alice', org: 'acme' }, settings);

const errorOf = (work: () => unknown): DomainError => {
  try {
    work();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected an error');
};

describe(memindTenant.name, () => {
  it('takes the tenant from the token when userId agrees with it', () => {
    expect(memindTenant(alice, { userId: 'alice' })).toEqual({ userId: 'alice', organizationId: 'acme' });
    expect(memindTenant(alice, {})).toEqual({ userId: 'alice', organizationId: 'acme' });
  });

  it('answers 403 naming userId (Memind’s field, not user_id) when it does not', () => {
    const error = errorOf(() => memindTenant(alice, { userId: 'bob' }));
    expect(error.code).toBe(ErrorCode.Forbidden);
    expect(error.details).toEqual({ field: 'userId' });
    expect(errorOf(() => memindTenant(alice, { userId: 'alice', organizationId: 'other' })).details).toEqual({ field: 'organizationId' });
  });

  it('lets an admin token act for the tenant it names', () => {
    const admin = identityFromClaims({ sub: 'ops', scope: 'admin' }, settings);
    expect(memindTenant(admin, { userId: 'bob', organizationId: 'acme' })).toEqual({ userId: 'bob', organizationId: 'acme' });
  });

  it('without a token (MEMIND_AUTH=none) takes userId as the tenant, and requires it', () => {
    expect(memindTenant(undefined, { userId: 'bob' })).toEqual({ userId: 'bob', organizationId: null });
    expect(errorOf(() => memindTenant(undefined, {})).code).toBe(ErrorCode.ValidationFailed);
  });
});
