import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { TimeoutError, lastValueFrom, timeout } from 'rxjs';
import { BUS_CLIENT } from '@recollect/bus';
import { DomainError, ErrorCode, Topics, makeEnvelope, tenantKey, type RpcPattern, type RpcReply, type Tenant } from '@recollect/contracts';
import { gatewayCommandDuration, gatewayRequestDuration } from '@recollect/metrics';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';

/** The gateway's only way to the services: durable commands, and reads with a deadline. */
@Injectable()
export class BusGateway {
  private readonly logger = new Logger(BusGateway.name);

  constructor(
    @Inject(BUS_CLIENT) private readonly client: ClientProxy,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  /** Resolves once the command is durable on the bus; otherwise 503, so the client never gets a false acknowledgement. */
  sendCommand(type: string, tenant: Tenant, correlationId: string, payload: unknown): Promise<void> {
    return this.sendCommandTo(Topics.contextCommands, tenantKey(tenant), type, tenant, correlationId, payload);
  }

  /** The same, on another command topic and key (memory commands are keyed by session). */
  async sendCommandTo(topic: string, key: string, type: string, tenant: Tenant, correlationId: string, payload: unknown): Promise<void> {
    const value = makeEnvelope(type, tenant, correlationId, payload);
    const stored = gatewayCommandDuration.startTimer({ topic });
    try {
      await lastValueFrom(this.client.emit(topic, { key, value, headers: { 'x-correlation-id': correlationId } }), {
        defaultValue: undefined,
      });
      stored({ outcome: 'stored' });
    } catch (error) {
      stored({ outcome: 'refused' });
      this.logger.error(`command ${type} not accepted by the bus: ${String(error)}`);
      throw new DomainError(ErrorCode.BusUnavailable, 'The command could not be stored durably; nothing was accepted. Retry later.');
    }
  }

  async request<T>(pattern: RpcPattern, tenant: Tenant, correlationId: string, payload: unknown): Promise<T> {
    const value = makeEnvelope(pattern, tenant, correlationId, payload);
    let reply: RpcReply<T>;
    const answered = gatewayRequestDuration.startTimer({ pattern });
    try {
      reply = await lastValueFrom(
        this.client.send<RpcReply<T>>(pattern, { key: tenantKey(tenant), value, headers: { 'x-correlation-id': correlationId } }).pipe(timeout(this.options.rpcTimeoutMs)),
      );
      answered({ outcome: 'answered' });
    } catch (error) {
      answered({ outcome: error instanceof TimeoutError ? 'timeout' : 'failed' });
      if (error instanceof TimeoutError) throw new DomainError(ErrorCode.Timeout, `No reply to ${pattern} within ${this.options.rpcTimeoutMs} ms`);
      this.logger.error(`request ${pattern} failed: ${error instanceof Error ? error.stack : String(error)}`);
      throw new DomainError(ErrorCode.BusUnavailable, `The service behind ${pattern} is unavailable`);
    }
    if (!reply.ok) throw DomainError.fromBody(reply.error);
    return reply.data;
  }
}
