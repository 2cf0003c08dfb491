import type { Identity } from './identity';

export interface VerifiedTokensOptions {
  /** Tokens kept at once; past it, the one remembered first is forgotten. */
  maxEntries: number;
  /** Longest a token goes without its signature being checked again, however far off its expiry. */
  maxAgeMs: number;
  now?: () => number;
}

interface Entry {
  identity: Identity;
  validUntil: number;
}

/**
 * Tokens that passed verification, so a client sending the same token again is not verified again
 * (the signature check and claim parsing were a tenth of a request's CPU). The key is the whole
 * token, so only the exact bytes once verified are found. An entry ends at the token's `exp`, as
 * verification itself would refuse it from then on, and after `maxAgeMs` at the latest: a token
 * signed with a key taken out of a JWKS is refused at most that long after the JWKS cache lets go of it.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: VerifiedTokensOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The identity of a token verified earlier and still valid; undefined otherwise. */
  identityOf(token: string): Identity | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.now() >= entry.validUntil) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.identity;
  }

  /** Call only with a token that has just passed verification, and the claims it carried. */
  remember(token: string, identity: Identity, claims: Record<string, unknown>): void {
    const now = this.now();
    // jsonwebtoken refuses a token from the second its `exp` names.
    const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY;
    const validUntil = Math.min(expiresAt, now + this.options.maxAgeMs);
    if (validUntil <= now) return;
    this.entries.delete(token);
    if (this.entries.size >= this.options.maxEntries) this.forgetOldest();
    // Every later request with this token gets this very object: frozen, so none can change it for the rest.
    this.entries.set(token, { identity: deepFreeze(identity), validUntil });
  }

  private forgetOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
