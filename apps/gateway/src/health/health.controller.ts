import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';

@Controller()
export class HealthController {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  /** The process is up; restart it if this fails. */
  @Get(['health/live', 'open/v1/health/live'])
  live() {
    return { status: 'ok' };
  }

  /** Every dependency answers; send traffic elsewhere while this fails. */
  @Get(['health/ready', 'open/v1/health/ready', 'open/v1/health', 'health'])
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const checks = await this.options.readiness().catch(() => ({ readiness: false }));
    const ok = Object.values(checks).every(Boolean);
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
