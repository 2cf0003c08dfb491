import type { ClientProxy } from '@nestjs/microservices';
import { stillSending } from '@recollect/bus';
import type { MemoryChange } from '@recollect/contracts';
import { defer } from 'rxjs';

/** A publish that timed out and that the bus goes on sending, until the test lets it land or fail. */
export interface LateSend {
  key: string;
  land(): void;
  giveUp(): void;
}

/** The bus as the change outbox uses it: records what it publishes, and refuses the next `failing` publishes. */
export class RecordingBus {
  readonly published: Array<{ key: string; change: MemoryChange; headers?: Record<string, string> }> = [];
  failing = 0;
  /** Refuses every publish on these keys until they are removed. */
  readonly refusedKeys = new Set<string>();
  /** The next publishes fail as not acknowledged in time while still being sent; they wait in `lateSends`. */
  timingOut = 0;
  readonly lateSends: LateSend[] = [];

  emit(_topic: string, message: { key: string; value: MemoryChange; headers?: Record<string, string> }) {
    return defer(async () => {
      if (this.refusedKeys.has(message.key)) throw new Error(`bus refuses ${message.key}`);
      if (this.timingOut > 0) {
        this.timingOut -= 1;
        throw stillSending(new Error('not acknowledged in time'), this.lateSend(message));
      }
      if (this.failing > 0) {
        this.failing -= 1;
        throw new Error('bus down');
      }
      // Another publish may run meanwhile, as on a real bus.
      await new Promise((resolve) => setImmediate(resolve));
      this.published.push({ key: message.key, change: message.value, headers: message.headers });
    });
  }

  private lateSend(message: { key: string; value: MemoryChange }): Promise<void> {
    return new Promise((resolve, reject) =>
      this.lateSends.push({
        key: message.key,
        land: () => (this.published.push({ key: message.key, change: message.value }), resolve()),
        giveUp: () => reject(new Error('retries exhausted')),
      }),
    );
  }

  asClient(): ClientProxy {
    return this as unknown as ClientProxy;
  }

  /** The operation ids of what was published, in order. */
  operations(): string[] {
    return this.published.map(({ change }) => change.payload.operationId);
  }
}
