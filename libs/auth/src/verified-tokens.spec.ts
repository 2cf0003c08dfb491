import { describe, expect, it } from 'vitest';
import type { Identity } from './identity';
import { VerifiedTokens } from './verified-tokens';

const alice: Identity = { subject: 'alice', tenant: { userId: 'alice', organizationId: null }, isAdmin: false };
const bob: Identity = { subject: 'bob', tenant: { userId: 'bob', organizationId: 'org' }, isAdmin: true };

function memory(maxEntries = 10, maxAgeMs = 60_000) {
  const clock = { now: 1_000_000 };
  return { clock, tokens: new VerifiedTokens({ maxEntries, maxAgeMs, now: () => clock.now }) };
}

describe(VerifiedTokens.name, () => {
  it('finds a remembered token by its exact text only', () => {
    const { tokens } = memory();
    tokens.remember('a.b.c', alice, { exp: 2_000 });
    expect(tokens.identityOf('a.b.c')).toBe(alice);
    expect(tokens.identityOf('a.b.c ')).toBeUndefined();
    expect(tokens.identityOf('a.b.C')).toBeUndefined();
  });

  it("forgets a token from the millisecond its exp names, as verification would refuse it then", () => {
    const { clock, tokens } = memory();
    tokens.remember('t', alice, { exp: 1_030 }); // 1,030,000 ms
    clock.now = 1_029_999;
    expect(tokens.identityOf('t')).toBe(alice);
    clock.now = 1_030_000;
    expect(tokens.identityOf('t')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('checks a token again after maxAge even when it expires much later, or never', () => {
    const { clock, tokens } = memory(10, 60_000);
    tokens.remember('long', alice, { exp: 9_999_999 });
    tokens.remember('no-exp', bob, {});
    clock.now += 59_999;
    expect([tokens.identityOf('long'), tokens.identityOf('no-exp')]).toEqual([alice, bob]);
    clock.now += 1;
    expect([tokens.identityOf('long'), tokens.identityOf('no-exp')]).toEqual([undefined, undefined]);
  });

  it('does not keep a token that is already expired', () => {
    const { tokens } = memory();
    tokens.remember('old', alice, { exp: 999 });
    expect(tokens.identityOf('old')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('hands out a frozen identity, so no request can change it for the next one', () => {
    const { tokens } = memory();
    tokens.remember('t', { subject: 'carol', tenant: { userId: 'carol', organizationId: 'org' }, isAdmin: false }, {});
    const identity = tokens.identityOf('t')!;
    expect(() => {
      (identity.tenant as { userId: string }).userId = 'mallory';
    }).toThrow(TypeError);
    expect(tokens.identityOf('t')!.tenant.userId).toBe('carol');
  });

  it('holds at most maxEntries, forgetting the one remembered first', () => {
    const { tokens } = memory(2);
    tokens.remember('one', alice, {});
    tokens.remember('two', bob, {});
    tokens.remember('one', alice, {}); // remembered again: now the newest
    tokens.remember('three', bob, {});
    expect(tokens.size).toBe(2);
    expect([tokens.identityOf('one'), tokens.identityOf('two'), tokens.identityOf('three')]).toEqual([alice, undefined, bob]);
  });
});
