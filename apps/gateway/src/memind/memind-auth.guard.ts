import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';

/**
 * Memind routes take the Bearer token like every other route, unless MEMIND_AUTH=none trusts the network instead.
 * (Not `options`: the passport guard keeps its own options under that name.)
 */
@Injectable()
export class MemindAuthGuard extends JwtAuthGuard {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly gateway: GatewayOptions) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    return this.gateway.memindAuth === 'none' ? true : super.canActivate(context);
  }
}
