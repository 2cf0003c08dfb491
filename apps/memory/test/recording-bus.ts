import type { ClientProxy } from '@nestjs/microservices';
import type { MemoryChange } from '@recollect/contracts';
import { defer } from 'rxjs';

/** The bus as the change outbox uses it: records what it publishes, and refuses the next `failing` publishes. */
export class RecordingBus {
  readonly published: Array<{ key: string; change: MemoryChange }> = [];
  failing = 0;
  /** Refuses every publish on these keys until they are removed. */
  readonly refusedKeys = new Set<string>();

  emit(_topic: string, message: { key: string; value: MemoryChange }) {
    return defer(async () => {
      if (this.refusedKeys.has(message.key)) throw new Error(`bus refuses ${message.key}`);
      if (this.failing > 0) {
        this.failing -= 1;
        throw new Error('bus down');
      }
      // Another publish may run meanwhile, as on a real bus.
      await new Promise((resolve) => setImmediate(resolve));
      this.published.push({ key: message.key, change: message.value });
    });
  }

  asClient(): ClientProxy {
    return this as unknown as ClientProxy;
  }

  /** The operation ids of what was published, in order. */
  operations(): string[] {
    return this.published.map(({ change }) => change.payload.operationId);
  }
}
