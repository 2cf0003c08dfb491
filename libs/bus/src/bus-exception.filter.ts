import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter replaces any non-RpcException with `{ status: 'error', message: 'Internal
 * server error' }`, so the bus would only ever see that text. Registering this filter on a bus
 * microservice (`app.useGlobalFilters(new BusExceptionFilter())`) passes the original error through, so
 * retries log it and the dead-letter `x-error` header names it.
 */
@Catch()
export class BusExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
