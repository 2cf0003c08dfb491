import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, parseMessageOrThrow, searchRpcSchema, toRpcReply, viewDocsRpcSchema, viewRpcSchema } from '@recollect/contracts';
import { SearchService } from './search/search.service';
import { ViewService } from './view/view.service';

@Controller()
export class QueryController {
  constructor(
    private readonly searchService: SearchService,
    private readonly viewService: ViewService,
  ) {}

  @MessagePattern(Rpc.contextSearch)
  search(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant, payload } = parseMessageOrThrow(searchRpcSchema, value, 'request');
      return this.searchService.search(tenant, payload);
    });
  }

  @MessagePattern(Rpc.contextView)
  view(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant, payload } = parseMessageOrThrow(viewRpcSchema, value, 'request');
      return this.viewService.view(tenant, payload);
    });
  }

  @MessagePattern(Rpc.contextViewDocs)
  viewDocs(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant } = parseMessageOrThrow(viewDocsRpcSchema, value, 'request');
      return this.viewService.documents(tenant);
    });
  }
}
