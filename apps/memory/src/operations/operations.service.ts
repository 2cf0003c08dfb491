import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type OperationView, type Tenant } from '@recollect/contracts';
import type { OperationEntity } from './operation.entity';
import { OperationsRepository } from './operations.repository';

const isErrorCode = (code: string | null): code is ErrorCode => code !== null && (Object.values(ErrorCode) as string[]).includes(code);

const toView = (operation: OperationEntity): OperationView => ({
  operationId: operation.id,
  kind: operation.kind,
  status: operation.status,
  sessionId: operation.sessionId,
  messageIds: operation.messageIds,
  updatedEntries: operation.updatedEntries,
  stored: operation.storedAt !== null,
  indexed: operation.status === 'completed',
  error:
    operation.status === 'failed'
      ? { code: isErrorCode(operation.errorCode) ? operation.errorCode : ErrorCode.Internal, message: operation.errorMessage ?? 'The operation failed' }
      : null,
  createdAt: operation.createdAt.toISOString(),
  updatedAt: operation.updatedAt.toISOString(),
});

const acceptedView = (operationId: string): OperationView => ({
  operationId,
  kind: null,
  status: 'accepted',
  sessionId: null,
  messageIds: [],
  updatedEntries: 0,
  stored: false,
  indexed: false,
  error: null,
  createdAt: null,
  updatedAt: null,
});

@Injectable()
export class OperationsService {
  constructor(private readonly operations: OperationsRepository) {}

  /** `issued`: the gateway verified the id's signature, so an operation not consumed yet is accepted, never unknown. */
  async status(tenant: Tenant, operationId: string, issued: boolean): Promise<OperationView> {
    const operation = await this.operations.findForTenant(operationId, tenant);
    if (operation) return toView(operation);
    if (issued) return acceptedView(operationId);
    throw new DomainError(ErrorCode.NotFound, `No operation ${operationId}`);
  }
}
