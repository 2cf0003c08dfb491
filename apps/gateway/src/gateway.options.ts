import type { ClientProxy } from '@nestjs/microservices';
import type { JwtSettings } from '@recollect/auth';

export interface GatewayOptions {
  jwt: JwtSettings;
  busClient: ClientProxy;
  jobIdSecret: string;
  rateLimitPerMinute: number;
  /** How long /add and /delete wait for their job before answering 504. */
  syncTimeoutMs: number;
  /** How long a read waits for its reply before answering 504. */
  rpcTimeoutMs: number;
  /** `bearer`: Memind routes take the token like every route; `none`: they trust `userId` in the body (trusted networks only). */
  memindAuth: 'bearer' | 'none';
  /** Readiness: every dependency this process relies on answers. */
  readiness: () => Promise<Record<string, boolean>>;
  /**
   * Serve `GET /metrics` on the API's port: the embedded mode's one port. The distributed gateway
   * serves it on HEALTH_PORT instead, away from the public ingress.
   */
  servesMetrics: boolean;
}

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
