import { Injectable } from '@nestjs/common';

/**
 * Set once the gateway begins to close. A sync route's wait for its job ends then, with the answer a
 * wait past its deadline gives (504: the job goes on, poll it): the close would otherwise hold until
 * ingestion had worked through every command queued ahead of that job, far past an orchestrator's
 * grace period, while the job itself is durable and finishes after the restart anyway.
 */
@Injectable()
export class GatewayStopping {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;

  begin(): void {
    this.controller.abort();
  }

  /** How a sync wait that ended unfinished ended, for its 504: at its deadline, or at the stop. */
  endOfWait(timeoutMs: number): string {
    return this.signal.aborted ? 'before the service began stopping' : `within ${timeoutMs} ms`;
  }
}
