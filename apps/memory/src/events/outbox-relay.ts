import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ChangeOutbox } from './change-outbox';

export interface OutboxRelayOptions {
  /** Between passes. */
  intervalMs: number;
  /**
   * A change waiting this long was most likely given up on by its command, whose deliveries publish
   * it otherwise. Should they still be retrying, the two take turns on the session's lock.
   */
  staleAfterMs: number;
}

export const OUTBOX_RELAY_OPTIONS = Symbol('OUTBOX_RELAY_OPTIONS');
const DEFAULTS: OutboxRelayOptions = { intervalMs: 10_000, staleAfterMs: 30_000 };

/**
 * Publishes the changes a command stored but could not publish, for instance while the bus was down
 * past its last delivery: the operation then completes once the bus is back, instead of staying
 * `stored` for good. Every replica runs one; a session's changes are locked while being published.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly options: OutboxRelayOptions;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  /** Aborted at shutdown: a pass stops between sessions instead of finishing a long list first. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly outbox: ChangeOutbox,
    @Optional() @Inject(OUTBOX_RELAY_OPTIONS) options?: Partial<OutboxRelayOptions>,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Waits for a pass under way, so the database is not closed beneath it. */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.pass;
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.pass = this.relay().finally(() => {
        this.pass = undefined;
        this.schedule();
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async relay(): Promise<void> {
    try {
      const { published, failedSessions } = await this.outbox.publishStale(this.options.staleAfterMs, { signal: this.stopping.signal });
      if (published > 0) this.logger.log(`published ${published} memory changes their commands left waiting`);
      if (failedSessions > 0) this.logger.warn(`could not publish the waiting changes of ${failedSessions} sessions; next try in ${this.options.intervalMs} ms`);
    } catch (error) {
      this.logger.warn(`could not read the memory changes waiting to be published: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
