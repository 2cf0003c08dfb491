import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, FINISHED_OPERATION_STATUSES, Rpc, type OperationView, type Tenant } from '@recollect/contracts';
import { BusGateway } from '../bus/bus-gateway.service';
import { GatewayStopping } from '../bus/gateway-stopping';
import { pollUntilSettled } from '../bus/poll-until-settled';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';

/** Synchronous memory routes are async commands plus a wait until the operation is indexed, failed, past the deadline, or the gateway begins to stop (504). */
@Injectable()
export class OperationWaiter {
  constructor(
    private readonly bus: BusGateway,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly stopping: GatewayStopping,
  ) {}

  async untilCompleted(tenant: Tenant, operationId: string, correlationId: string): Promise<OperationView> {
    const operation = await pollUntilSettled(
      () => this.bus.request<OperationView>(Rpc.memoryOperationStatus, tenant, correlationId, { operationId, issued: true }),
      ({ status }) => FINISHED_OPERATION_STATUSES.includes(status),
      this.options.syncTimeoutMs,
      () =>
        new DomainError(
          ErrorCode.Timeout,
          `Operation ${operationId} did not finish ${this.stopping.endOfWait(this.options.syncTimeoutMs)}; it goes on, poll /open/v1/operations/${operationId}`,
          { operationId },
        ),
      this.stopping.signal,
    );
    if (operation.status === 'failed') {
      const error = operation.error ?? { code: ErrorCode.Internal, message: 'The operation failed' };
      throw new DomainError(error.code, error.message, { operationId });
    }
    return operation;
  }
}
