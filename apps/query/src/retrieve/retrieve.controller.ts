import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, parseMessageOrThrow, retrieveRpcSchema, toRpcReply } from '@recollect/contracts';
import { RetrieveService } from './retrieve.service';

@Controller()
export class RetrieveController {
  constructor(private readonly retrieveService: RetrieveService) {}

  @MessagePattern(Rpc.memoryRetrieve)
  retrieve(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant, payload } = parseMessageOrThrow(retrieveRpcSchema, value, 'request');
      return this.retrieveService.retrieve(tenant, payload);
    });
  }
}
