import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, fileExistsRpcSchema, parseOrThrow, toRpcReply } from '@recollect/contracts';
import { DocumentsRepository } from './documents.repository';

@Controller()
export class FilesController {
  constructor(private readonly documents: DocumentsRepository) {}

  /** Lets the gateway answer 409 before queueing an add whose file name is taken. */
  @MessagePattern(Rpc.contextFileExists)
  takenFileNames(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant, payload } = parseOrThrow(fileExistsRpcSchema, value, 'request');
      return { taken: await this.documents.takenFileNames(tenant, payload.fileNames) };
    });
  }
}
