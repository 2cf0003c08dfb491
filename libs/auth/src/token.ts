import jwt from 'jsonwebtoken';

export interface TokenRequest {
  secret: string;
  sub: string;
  org?: string;
  orgClaim?: string;
  scope?: string;
  expiresInSeconds?: number;
}

/** Signs an HS256 token the gateway accepts; for scripts, demos and tests. */
export function signToken(request: TokenRequest): string {
  const claims: Record<string, unknown> = { sub: request.sub };
  if (request.org) claims[request.orgClaim ?? 'org'] = request.org;
  if (request.scope) claims.scope = request.scope;
  return jwt.sign(claims, request.secret, { algorithm: 'HS256', expiresIn: request.expiresInSeconds ?? 60 * 60 * 24 * 30 });
}
