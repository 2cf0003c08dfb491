import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, Rpc, type OperationView, type Tenant } from '@recollect/contracts';
import { BusGateway } from '../bus/bus-gateway.service';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';

/** Synchronous memory routes are async commands plus a wait until the operation is indexed, failed, or past the deadline (504). */
@Injectable()
export class OperationWaiter {
  constructor(
    private readonly bus: BusGateway,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  async untilCompleted(tenant: Tenant, operationId: string, correlationId: string): Promise<OperationView> {
    const deadline = Date.now() + this.options.syncTimeoutMs;
    let pause = 5;
    for (;;) {
      const operation = await this.bus.request<OperationView>(Rpc.memoryOperationStatus, tenant, correlationId, { operationId, issued: true });
      if (operation.status === 'completed') return operation;
      if (operation.status === 'failed') {
        const error = operation.error ?? { code: ErrorCode.Internal, message: 'The operation failed' };
        throw new DomainError(error.code, error.message, { operationId });
      }
      if (Date.now() + pause > deadline) {
        throw new DomainError(
          ErrorCode.Timeout,
          `Operation ${operationId} did not finish within ${this.options.syncTimeoutMs} ms; it goes on, poll /open/v1/operations/${operationId}`,
          {
            operationId,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 50);
    }
  }
}
