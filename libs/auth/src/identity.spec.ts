import { DomainError, ErrorCode } from '@recollect/contracts';
import { describe, expect, it } from 'vitest';
import { identityFromClaims, tenantForRequest } from './identity';

const settings = { orgClaim: 'org', adminScope: 'admin' };

describe(identityFromClaims.name, () => {
  it('takes the user from sub and the organization from the org claim', () => {
    expect(identityFromClaims({ sub: 'u1', org: 'o1' }, settings)).toEqual({ subject: 'u1', tenant: { userId: 'u1', organizationId: 'o1' }, isAdmin: false });
  });

  it('recognises the admin scope', () => {
    expect(identityFromClaims({ sub: 'u1', scope: 'read admin' }, settings).isAdmin).toBe(true);
  });

  it('rejects a token without a subject', () => {
    expect(() => identityFromClaims({ org: 'o1' }, settings)).toThrow(DomainError);
  });
  it.each([
    [{ sub: 'a\u0000b', org: 'o1' }, 'Token claim sub must not contain the NUL character'],
    [{ sub: 'u1', org: 'acme\ud800' }, 'Token claim org must be well-formed Unicode'],
    [{ sub: 'u1', organization_id: '\u0000' }, 'Token claim organization_id must not contain the NUL character'],
  ])('refuses ids PostgreSQL cannot store, naming the claim: %j', (claims, reason) => {
    try {
      identityFromClaims(claims, settings);
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).code).toBe(ErrorCode.Unauthenticated);
      expect((error as DomainError).message).toContain(reason);
    }
  });
});

describe(tenantForRequest.name, () => {
  const user = identityFromClaims({ sub: 'u1', org: 'o1' }, settings);

  it('accepts body identity fields that agree with the token', () => {
    expect(tenantForRequest(user, { user_id: 'u1', organization_id: 'o1' })).toEqual({ userId: 'u1', organizationId: 'o1' });
  });

  it('refuses another user_id with 403', () => {
    try {
      tenantForRequest(user, { user_id: 'u2' });
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).code).toBe(ErrorCode.Forbidden);
      expect((error as DomainError).details).toEqual({ field: 'user_id' });
    }
  });

  it('lets an admin act for another tenant', () => {
    const admin = identityFromClaims({ sub: 'root', scope: 'admin' }, settings);
    expect(tenantForRequest(admin, { user_id: 'u2', organization_id: 'o2' })).toEqual({ userId: 'u2', organizationId: 'o2' });
  });
});
