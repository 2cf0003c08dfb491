import jwt from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JwtStrategy, type JwtSettings } from './jwt.strategy';
import { signToken } from './token';

const SECRET = 'a-secret-of-sixteen-chars-or-more';
const settings: JwtSettings = { secret: SECRET, orgClaim: 'org', adminScope: 'admin' };

type Outcome = { identity: unknown } | { refused: string };

/** What passport does per request: a copy of the strategy given success() and fail(), then authenticate(). */
function authenticate(strategy: JwtStrategy, token: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const attempt = Object.assign(Object.create(strategy) as JwtStrategy, {
      success: (identity: unknown) => resolve({ identity }),
      fail: (info: unknown) => resolve({ refused: info instanceof Error ? info.message : String(info) }),
      error: (error: unknown) => resolve({ refused: String(error) }),
    });
    attempt.authenticate({ headers: { authorization: `Bearer ${token}` } } as never, {});
  });
}

describe(JwtStrategy.name, () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('verifies a token once, then answers the same token from what it verified', async () => {
    const strategy = new JwtStrategy(settings);
    const verifier = vi.spyOn(Strategy as unknown as { JwtVerifier: (...args: unknown[]) => void }, 'JwtVerifier');
    const token = signToken({ secret: SECRET, sub: 'alice', org: 'acme', scope: 'admin' });
    const expected = { identity: { subject: 'alice', tenant: { userId: 'alice', organizationId: 'acme' }, isAdmin: true } };
    expect(await authenticate(strategy, token)).toEqual(expected);
    expect(await authenticate(strategy, token)).toEqual(expected);
    expect(verifier).toHaveBeenCalledTimes(1);
    await authenticate(strategy, signToken({ secret: SECRET, sub: 'bob' }));
    expect(verifier).toHaveBeenCalledTimes(2);
  });

  it('refuses a token it verified once as soon as the token expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-04T12:00:00Z'));
    const strategy = new JwtStrategy(settings);
    const token = signToken({ secret: SECRET, sub: 'alice', expiresInSeconds: 30 });
    expect(await authenticate(strategy, token)).toMatchObject({ identity: { subject: 'alice' } });
    vi.setSystemTime(new Date('2026-12-04T12:00:29Z'));
    expect(await authenticate(strategy, token)).toMatchObject({ identity: { subject: 'alice' } });
    vi.setSystemTime(new Date('2026-12-04T12:00:30Z'));
    expect(await authenticate(strategy, token)).toEqual({ refused: 'jwt expired' });
  });

  it('never remembers a token that failed verification, and tells one token from another', async () => {
    const strategy = new JwtStrategy(settings);
    const forged = jwt.sign({ sub: 'mallory' }, 'another-secret-of-sixteen-chars', { algorithm: 'HS256' });
    expect(await authenticate(strategy, forged)).toEqual({ refused: 'invalid signature' });
    expect(await authenticate(strategy, forged)).toEqual({ refused: 'invalid signature' });
    const token = signToken({ secret: SECRET, sub: 'alice' });
    await authenticate(strategy, token);
    const [header, payload] = token.split('.');
    const tampered = `${header}.${payload}.${'A'.repeat(43)}`;
    expect(await authenticate(strategy, tampered)).toEqual({ refused: 'invalid signature' });
  });

  it("keeps each strategy's verified tokens to itself", async () => {
    const token = signToken({ secret: SECRET, sub: 'alice' });
    await authenticate(new JwtStrategy(settings), token);
    const other = new JwtStrategy({ ...settings, secret: 'a-different-secret-of-16-chars' });
    expect(await authenticate(other, token)).toEqual({ refused: 'invalid signature' });
  });
});
