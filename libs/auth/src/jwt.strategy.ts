import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import { identityFromClaims, type Identity } from './identity';
import { VerifiedTokens } from './verified-tokens';

export interface JwtSettings {
  /** HS256 shared secret. */
  secret?: string;
  /** RS256 public key (PEM). */
  publicKey?: string;
  /** RS256 keys fetched (and cached) from a JWKS endpoint. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  orgClaim: string;
  adminScope: string;
}

export const JWT_SETTINGS = Symbol('JWT_SETTINGS');

type KeyOptions = { algorithms: string[] } & ({ secretOrKey: KeyObject } | { secretOrKeyProvider: ReturnType<typeof passportJwtSecret> });

// Keys are parsed once here: given a string, jsonwebtoken tries to parse it as a public key on every
// verification, and for an HS256 secret that failed attempt was a fifth of a request's CPU time.
function keyOptions(settings: JwtSettings): KeyOptions {
  if (settings.jwksUrl) {
    return {
      secretOrKeyProvider: passportJwtSecret({ jwksUri: settings.jwksUrl, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }),
      algorithms: ['RS256'],
    };
  }
  if (settings.publicKey) return { secretOrKey: createPublicKey(settings.publicKey), algorithms: ['RS256'] };
  if (settings.secret) return { secretOrKey: createSecretKey(Buffer.from(settings.secret)), algorithms: ['HS256'] };
  throw new Error('JWT verification needs JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL');
}

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

/** A minute: a token signed with a revoked key is refused at most a minute after jwks-rsa's own ten-minute key cache lets go of the key. */
const VERIFIED_TOKEN_MAX_AGE_MS = 60_000;
const VERIFIED_TOKENS_KEPT = 10_000;

/** passport-jwt verifies a token the first time it is seen; the same token again is found among those already verified. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly verified = new VerifiedTokens({ maxEntries: VERIFIED_TOKENS_KEPT, maxAgeMs: VERIFIED_TOKEN_MAX_AGE_MS });

  constructor(@Inject(JWT_SETTINGS) private readonly settings: JwtSettings) {
    super({
      jwtFromRequest: bearerToken,
      ignoreExpiration: false,
      issuer: settings.issuer,
      audience: settings.audience,
      passReqToCallback: true,
      ...keyOptions(settings),
    } as StrategyOptionsWithRequest);
  }

  // Passport calls this on a per-request copy of the strategy, which has success() and fail().
  override authenticate(request: Parameters<Strategy['authenticate']>[0], options?: object): void {
    const token = bearerToken(request);
    const known = token ? this.verified.identityOf(token) : undefined;
    if (known) return this.success(known);
    super.authenticate(request, options);
  }

  /** Runs only once passport-jwt has verified the signature and the registered claims. */
  validate(request: Parameters<Strategy['authenticate']>[0], claims: Record<string, unknown>): Identity {
    const identity = identityFromClaims(claims, this.settings);
    const token = bearerToken(request);
    if (token) this.verified.remember(token, identity, claims);
    return identity;
  }
}
