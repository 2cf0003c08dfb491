import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Identity } from '@recollect/auth';

export const CurrentIdentity = createParamDecorator((_: unknown, context: ExecutionContext): Identity => {
  return context.switchToHttp().getRequest<{ user: Identity }>().user;
});
