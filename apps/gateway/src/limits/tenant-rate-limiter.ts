import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Identity } from '@recollect/auth';
import { DomainError, ErrorCode, tenantIdentity } from '@recollect/contracts';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/** A token bucket per tenant (per gateway instance): bursts up to a minute's allowance, then the steady rate. */
@Injectable()
export class TenantRateLimitGuard implements CanActivate {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(@Inject(GATEWAY_OPTIONS) options: GatewayOptions) {
    this.capacity = options.rateLimitPerMinute;
    this.perMs = options.rateLimitPerMinute / 60_000;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ user?: Identity }>();
    if (!request.user) return true;
    const key = tenantIdentity(request.user.tenant);
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, refilledAt: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.refilledAt) * this.perMs);
    bucket.refilledAt = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / this.perMs / 1000);
      throw new DomainError(ErrorCode.RateLimited, `Rate limit of ${this.capacity} requests per minute exceeded; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.evictFull(now);
    return true;
  }

  /** Buckets that have refilled completely carry no state worth keeping. */
  private evictFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.refilledAt) * this.perMs >= this.capacity) this.buckets.delete(key);
    }
  }
}
