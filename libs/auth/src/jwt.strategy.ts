import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy, type StrategyOptionsWithoutRequest } from 'passport-jwt';
import { identityFromClaims, type Identity } from './identity';

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

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(JWT_SETTINGS) private readonly settings: JwtSettings) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ignoreExpiration: false,
      issuer: settings.issuer,
      audience: settings.audience,
      ...keyOptions(settings),
    } as StrategyOptionsWithoutRequest);
  }

  validate(claims: Record<string, unknown>): Identity {
    return identityFromClaims(claims, this.settings);
  }
}
