import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, fileExistsRpcSchema, parseMessageOrThrow, toRpcReply } from '@recollect/contracts';
import { FileNameChecks } from './file-name-checks.service';

@Controller()
export class FilesController {
  constructor(private readonly fileNames: FileNameChecks) {}

  /** Lets the gateway answer 409 before queueing an add whose file name is taken. */
  @MessagePattern(Rpc.contextFileExists)
  takenFileNames(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant, payload } = parseMessageOrThrow(fileExistsRpcSchema, value, 'request');
      return { taken: await this.fileNames.taken(tenant, payload.fileNames) };
    });
  }
}
