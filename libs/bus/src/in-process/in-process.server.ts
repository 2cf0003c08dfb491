import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { busConsumerLag } from '@recollect/metrics';
import { lastValueFrom } from 'rxjs';
import { BusContext, type BusRecord, UNSTORED_OFFSET } from '../bus.context';
import type { BusMessage } from '../bus.tokens';
import type { InProcessBroker } from './in-process.broker';
import { PartitionConsumer } from './partition-consumer';

export const IN_PROCESS_TRANSPORT = Symbol('IN_PROCESS_TRANSPORT');

export type InProcessStatus = 'connected' | 'disconnected';

export interface InProcessServerOptions {
  broker: InProcessBroker;
  /** Consumer group, i.e. the service name: each group gets every message once. */
  group: string;
}

/**
 * Nest microservice strategy over the in-process broker, with ServerKafka's semantics: `@EventPattern`
 * handlers consume a topic per consumer group in per-partition order, at least once; `@MessagePattern`
 * handlers answer request/reply.
 */
export class InProcessServer extends Server<Record<string, (...args: never[]) => unknown>, InProcessStatus> implements CustomTransportStrategy {
  protected override readonly logger = new Logger(InProcessServer.name);
  private readonly broker: InProcessBroker;
  private readonly group: string;
  /** Event handlers per topic, detached from Nest's `next` chain (see chainOf). */
  private readonly eventHandlers = new Map<string, MessageHandler[]>();
  private readonly consumers: PartitionConsumer[] = [];
  private readonly unsubscribers: Array<() => void> = [];
  private readonly inFlightRequests = new Set<Promise<unknown>>();

  constructor(options: InProcessServerOptions) {
    super();
    this.broker = options.broker;
    this.group = options.group;
    this.transportId = IN_PROCESS_TRANSPORT;
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    try {
      await this.broker.start();
      for (const [pattern, handler] of this.messageHandlers) {
        if (handler.isEventHandler) this.consume(pattern, this.chainOf(pattern, handler));
        else this.unsubscribers.push(this.broker.registerRpcHandler(pattern, (message) => this.trackRequest(this.answer(pattern, handler, message))));
      }
    } catch (error) {
      await this.close();
      callback(error);
      return;
    }
    this._status$.next('connected');
    callback();
  }

  /** Stops taking messages, then waits for the handlers in flight; unfinished work is redelivered later. */
  async close(): Promise<void> {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    await Promise.all(this.consumers.splice(0).map((consumer) => consumer.stop()));
    await Promise.allSettled([...this.inFlightRequests]);
    this._status$.next('disconnected');
  }

  on(): never {
    throw new Error('InProcessServer has no transport events to listen to');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  /**
   * Nest links several handlers of one event pattern through `handler.next` and forkJoins them, which
   * errors as soon as one fails while the others keep running. Calling each ourselves lets a retry or a
   * shutdown wait for all of them.
   */
  private chainOf(pattern: string, head: MessageHandler): MessageHandler[] {
    const known = this.eventHandlers.get(pattern);
    if (known) return known;
    const chain: MessageHandler[] = [];
    for (let handler: MessageHandler | undefined = head; handler; ) {
      const next: MessageHandler | undefined = handler.next;
      handler.next = undefined;
      chain.push(handler);
      handler = next;
    }
    this.eventHandlers.set(pattern, chain);
    return chain;
  }

  private consume(topic: string, handlers: MessageHandler[]): void {
    const { partitions } = this.broker.settings;
    const consumers = Array.from(
      { length: partitions },
      (_, partition) =>
        new PartitionConsumer({
          broker: this.broker,
          group: this.group,
          topic,
          partition,
          handle: (record, attempt, upcoming) => this.handleRecord(handlers, record, attempt, upcoming),
          logger: this.logger,
        }),
    );
    this.unsubscribers.push(this.broker.onPublished(topic, (partition) => consumers[partition]?.wake()));
    this.unsubscribers.push(busConsumerLag.addReader(async (set) => set({ group: this.group, topic }, await this.broker.log.backlog(this.group, topic, partitions))));
    for (const consumer of consumers) consumer.start();
    this.consumers.push(...consumers);
  }

  /** Runs every handler of the topic; rejects if any failed, once all have settled. */
  private async handleRecord(handlers: MessageHandler[], record: BusRecord, attempt: number, upcoming: () => readonly BusRecord[]): Promise<void> {
    const context = new BusContext([record, attempt, upcoming]);
    await this.withProcessingHooks(context, async () => {
      const outcomes = await Promise.allSettled(handlers.map((handler) => this.run(handler, record.value, context)));
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure) throw failure.reason;
    });
  }

  private answer(pattern: string, handler: MessageHandler, message: BusMessage): Promise<unknown> {
    const record: BusRecord = {
      topic: pattern,
      partition: this.broker.partitionFor(message.key),
      offset: UNSTORED_OFFSET,
      key: message.key ?? null,
      headers: message.headers ?? {},
      value: message.value,
      timestamp: new Date(),
    };
    const context = new BusContext([record, 1]);
    return this.withProcessingHooks(context, () => this.run(handler, message.value, context));
  }

  /** A Nest handler answers a value, a Promise or an Observable; errors arrive as an erroring Observable. */
  private async run(handler: MessageHandler, value: unknown, context: BusContext): Promise<unknown> {
    return lastValueFrom(this.transformToObservable(await handler(value, context)), { defaultValue: undefined });
  }

  private trackRequest(request: Promise<unknown>): Promise<unknown> {
    this.inFlightRequests.add(request);
    const forget = (): void => void this.inFlightRequests.delete(request);
    request.then(forget, forget);
    return request;
  }

  // Honours Server's processing hooks (used by instrumentation) without trusting a hook to return `done()`.
  private withProcessingHooks<T>(context: BusContext, work: () => Promise<T>): Promise<T> {
    const transportId = this.transportId ?? IN_PROCESS_TRANSPORT;
    return new Promise<T>((resolve, reject) => {
      const done = (): Promise<T> => {
        const result = work();
        result.then(resolve, reject);
        return result;
      };
      try {
        this.onProcessingStartHook(transportId, context, done);
      } catch (error) {
        reject(error);
      }
    }).finally(() => this.onProcessingEndHook?.(transportId, context));
  }
}
