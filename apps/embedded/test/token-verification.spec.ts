import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness';

describe('RS256 tokens with JWT_PUBLIC_KEY, issuer and audience', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({ JWT_PUBLIC_KEY: pem, JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'recollect' });
  });
  afterAll(() => sut?.stop());

  const rs256 = (claims: Record<string, unknown>, options: jwt.SignOptions = {}) =>
    jwt.sign(claims, privateKey, { algorithm: 'RS256', issuer: 'https://idp.example', audience: 'recollect', expiresIn: 60, ...options });

  it('accepts a token signed by the configured key, for the configured issuer and audience', async () => {
    const r = await sut.call(rs256({ sub: 'rs-user', org: 'rs-org' }), 'GET', '/api/v1/context/view/docs');
    expect(r.status).toBe(200);
  });

  it('refuses another issuer, another audience, an HS256 token and a key it does not know', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const refused = [
      rs256({ sub: 'u' }, { issuer: 'https://evil.example' }),
      rs256({ sub: 'u' }, { audience: 'someone-else' }),
      jwt.sign({ sub: 'u' }, 'a-shared-secret-long-enough', { algorithm: 'HS256', issuer: 'https://idp.example', audience: 'recollect' }),
      jwt.sign({ sub: 'u' }, other, { algorithm: 'RS256', issuer: 'https://idp.example', audience: 'recollect' }),
    ];
    for (const token of refused) expect((await sut.call(token, 'GET', '/api/v1/context/view/docs')).status).toBe(401);
  });

  it('refuses, with 401 naming the claim, a token whose ids PostgreSQL cannot store, rather than failing its writes as if the bus were down', async () => {
    for (const claims of [{ sub: 'a\u0000b', org: 'rs-org' }, { sub: 'rs-user', org: 'org\ud800' }]) {
      const r = await sut.call(rs256(claims), 'POST', '/api/v1/context/add-async', { documents: [{ content: 'x' }], source: 's', context_type: 'resource' });
      expect(r.status).toBe(401);
      expect(r.body.message).toMatch(/Token claim (sub|org)/);
    }
  });
});
