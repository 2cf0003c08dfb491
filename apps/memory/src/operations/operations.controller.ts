import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, operationStatusRpcSchema, parseMessageOrThrow, toRpcReply } from '@recollect/contracts';
import { OperationsService } from './operations.service';

@Controller()
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @MessagePattern(Rpc.memoryOperationStatus)
  status(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant, payload } = parseMessageOrThrow(operationStatusRpcSchema, value, 'request');
      return this.operations.status(tenant, payload.operationId, payload.issued);
    });
  }
}
