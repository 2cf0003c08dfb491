import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { DomainError, ErrorCode } from '@recollect/contracts';

@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<T>(error: unknown, identity: T | false, info: unknown, _context: ExecutionContext): T {
    if (error instanceof DomainError) throw error;
    if (error || !identity) {
      const reason = info instanceof Error ? info.message : 'missing bearer token';
      throw new DomainError(ErrorCode.Unauthenticated, `Missing or invalid bearer token: ${reason}`);
    }
    return identity;
  }
}
