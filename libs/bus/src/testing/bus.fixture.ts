import { Controller, type DynamicModule, Inject, type INestMicroservice, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { createTestDatabase } from '@recollect/testing';
import { Pool } from 'pg';
import { BusContext } from '../bus.context';
import { BusExceptionFilter } from '../bus-exception.filter';
import { InProcessBroker, type InProcessBrokerOptions } from '../in-process/in-process.broker';
import { InProcessClient } from '../in-process/in-process.client';
import { InProcessServer } from '../in-process/in-process.server';

export const TOPIC = 'test.thing.happened.v1';
export const RPC = 'test.thing.rpc.v1';

export interface Delivery {
  value: unknown;
  topic: string;
  key: string | null;
  partition: number;
  offset: string;
  headers: Record<string, string>;
  attempt: number;
}

/** What the test controller records and how it behaves; each test sets the behaviour it needs. */
export class Probe {
  readonly deliveries: Delivery[] = [];
  readonly secondHandlerDeliveries: Delivery[] = [];
  onEvent: (value: unknown, ctx: BusContext) => unknown = () => undefined;
  onRequest: (value: unknown, ctx: BusContext) => unknown = (value) => ({ ok: true, data: value });

  values(): unknown[] {
    return this.deliveries.map((delivery) => delivery.value);
  }
}

const describeDelivery = (value: unknown, ctx: BusContext): Delivery => ({
  value,
  topic: ctx.getTopic(),
  key: ctx.getKey(),
  partition: ctx.getPartition(),
  offset: ctx.getOffset(),
  headers: ctx.getHeaders(),
  attempt: ctx.getAttempt(),
});

export interface ProbeTopics {
  topic: string;
  rpc: string;
}

/**
 * Ordinary Nest controllers: nothing here knows which transport delivers the messages. Built per
 * topic names, so a run against a shared Kafka cluster can use topics of its own.
 */
function probeControllers({ topic, rpc }: ProbeTopics): { events: Type; requests: Type } {
  @Controller()
  class ProbeController {
    constructor(@Inject(Probe) private readonly probe: Probe) {}

    @EventPattern(topic)
    async record(@Payload() value: unknown, @Ctx() ctx: BusContext): Promise<void> {
      this.probe.deliveries.push(describeDelivery(value, ctx));
      await this.probe.onEvent(value, ctx);
    }

    @EventPattern(topic)
    recordAgain(@Payload() value: unknown, @Ctx() ctx: BusContext): void {
      this.probe.secondHandlerDeliveries.push(describeDelivery(value, ctx));
    }
  }

  @Controller()
  class RequestProbeController {
    constructor(@Inject(Probe) private readonly probe: Probe) {}

    @MessagePattern(rpc)
    answer(@Payload() value: unknown, @Ctx() ctx: BusContext): unknown {
      return this.probe.onRequest(value, ctx);
    }
  }

  return { events: ProbeController, requests: RequestProbeController };
}

const controllersByTopics = new Map<string, { events: Type; requests: Type }>();

@Module({})
export class ProbeModule {
  static with(probe: Probe, answersRequests: boolean, topics: ProbeTopics = { topic: TOPIC, rpc: RPC }): DynamicModule {
    const key = `${topics.topic}|${topics.rpc}`;
    let built = controllersByTopics.get(key);
    if (!built) controllersByTopics.set(key, (built = probeControllers(topics)));
    const controllers = answersRequests ? [built.events, built.requests] : [built.events];
    return { module: ProbeModule, controllers, providers: [{ provide: Probe, useValue: probe }] };
  }
}

export const TEST_BROKER_OPTIONS = {
  partitions: 4,
  maxAttempts: 3,
  retryBackoffMs: 5,
  maxRetryBackoffMs: 20,
  pollIntervalMs: 50,
} satisfies Partial<InProcessBrokerOptions>;

/** A fresh database, pool and broker per test, plus helpers to start consumers and clients on it. */
export class BusTestKit {
  private readonly apps = new Set<INestMicroservice>();

  private constructor(
    readonly pool: Pool,
    readonly broker: InProcessBroker,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  static async create(options: Partial<InProcessBrokerOptions> = {}): Promise<BusTestKit> {
    const database = await createTestDatabase();
    const pool = new Pool({ connectionString: database.url, max: 20 });
    // Dropping the database (WITH FORCE) at dispose can reach a client the pool is still ending: not a test failure.
    pool.on('error', () => undefined);
    const broker = new InProcessBroker({ pool, ...TEST_BROKER_OPTIONS, ...options });
    await broker.start();
    return new BusTestKit(pool, broker, database.drop);
  }

  /** Only one group per process may answer a request pattern, so later groups can opt out. */
  async startConsumer(group: string, probe = new Probe(), answersRequests = true): Promise<{ app: INestMicroservice; probe: Probe }> {
    const app = await NestFactory.createMicroservice(ProbeModule.with(probe, answersRequests), {
      strategy: new InProcessServer({ broker: this.broker, group }),
      logger: process.env.DEBUG_BUS ? ['error', 'warn', 'log'] : false,
    });
    app.useGlobalFilters(new BusExceptionFilter());
    await app.listen();
    this.apps.add(app);
    return { app, probe };
  }

  async stopConsumer(app: INestMicroservice): Promise<void> {
    this.apps.delete(app);
    await app.close();
  }

  client(): InProcessClient {
    return new InProcessClient(this.broker);
  }

  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  async committedOffset(group: string, topic: string, partition: number): Promise<string | undefined> {
    const [row] = await this.rows<{ committed_offset: string }>(
      'SELECT committed_offset FROM bus.consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3',
      [group, topic, partition],
    );
    return row?.committed_offset;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.apps].map((app) => this.stopConsumer(app)));
    await this.broker.stop();
    await this.pool.end();
    await this.dropDatabase();
  }
}
