import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { toBusMessage } from '../bus.tokens';
import type { InProcessBroker } from './in-process.broker';
import type { PublishedRecord } from './pg-log';

/**
 * The producer side, used exactly like ClientKafka: `emit(topic, { key, value, headers })` resolves once
 * the message is durable; `send(pattern, { key, value, headers })` resolves with the handler's reply.
 */
export class InProcessClient extends ClientProxy {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  /** Nest calls this before every emit/send; starting the broker is memoised. */
  async connect(): Promise<void> {
    await this.broker.start();
  }

  /** The broker is shared by the whole process, so its owner stops it, not each client. */
  async close(): Promise<void> {}

  unwrap<T>(): T {
    return this.broker as T;
  }

  protected dispatchEvent<T = PublishedRecord>(packet: ReadPacket): Promise<T> {
    return this.broker.publish(this.normalizePattern(packet.pattern), toBusMessage(packet.data)) as Promise<T>;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let unsubscribed = false;
    this.broker.request(this.normalizePattern(packet.pattern), toBusMessage(packet.data)).then(
      (response) => !unsubscribed && callback({ response, isDisposed: true }),
      (err: unknown) => !unsubscribed && callback({ err, isDisposed: true }),
    );
    // Called when the caller unsubscribes (e.g. rxjs `timeout`): drop the late reply.
    return () => {
      unsubscribed = true;
    };
  }
}
