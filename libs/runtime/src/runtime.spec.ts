import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadEnv } from '@recollect/config';
import { Rpc, topicCatalog } from '@recollect/contracts';
import { freePort } from '@recollect/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogTopics, kafkaConnection, requestPatterns, requireDistributed, topicSettings } from './adapters';
import { startHealthServer } from './health-server';
import { REPEATED_SIGNAL_GRACE_MS, STOP_SIGNALS, kafkaReadiness, stopOnSignals, type SignalHost } from './service-lifecycle';
import { Subject } from 'rxjs';

describe('distributed wiring', () => {
  it('refuses to run a service on the in-process bus or without a shared index, naming what is missing', () => {
    expect(() => requireDistributed(loadEnv({}), { database: true, sharedIndex: true })).toThrow(
      /needs BUS=kafka[\s\S]*needs DATABASE_URL[\s\S]*needs SEARCH_INDEX=opensearch/,
    );
    const env = loadEnv({ BUS: 'kafka', KAFKA_BROKERS: 'k:9092', SEARCH_INDEX: 'opensearch', OPENSEARCH_URL: 'http://os:9200', DATABASE_URL: 'postgres://db/x' });
    expect(() => requireDistributed(env, { database: true, sharedIndex: true })).not.toThrow();
  });

  it('takes Kafka settings from the environment, SASL included', () => {
    const env = loadEnv({ KAFKA_BROKERS: 'a:9092,b:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_REPLICATION_FACTOR: '3' });
    expect(kafkaConnection(env)).toEqual({ brokers: ['a:9092', 'b:9092'], clientId: 'recollect', ssl: false, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } });
    expect(topicSettings(env)).toEqual({ partitions: 12, replicationFactor: 3, maxMessageBytes: 64 * 1024 * 1024 });
  });

  it('sends requests to every RPC pattern and creates every catalogued topic, so new ones need no change here', () => {
    expect(requestPatterns()).toEqual(Object.values(Rpc));
    expect(catalogTopics()).toEqual(topicCatalog.map((entry) => entry.topic));
  });
});

describe(startHealthServer.name, () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('answers live always and ready only while every check passes', async () => {
    let kafka = true;
    const port = await freePort();
    const server = await startHealthServer(port, '127.0.0.1', async () => ({ kafka }));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return [response.status, await response.json()];
    };
    expect(await get('/health/live')).toEqual([200, { status: 'ok' }]);
    expect(await get('/health/ready')).toEqual([200, { status: 'ok', checks: { kafka: true } }]);
    kafka = false;
    expect(await get('/health/ready')).toEqual([503, { status: 'unavailable', checks: { kafka: false } }]);
  });

  it("serves the process's Prometheus metrics", async () => {
    const port = await freePort();
    const server = await startHealthServer(port, '127.0.0.1', async () => ({}));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toContain('# TYPE recollect_bus_deliveries_total counter');
  });
});

describe(kafkaReadiness.name, () => {
  it('is ready until the status stream says crashed or disconnected, and again once it recovers', async () => {
    const status = new Subject<string>();
    const ready = kafkaReadiness(status);
    expect(await ready()).toEqual({ kafka: true });
    status.next('crashed');
    expect(await ready()).toEqual({ kafka: false });
    status.next('connected');
    expect(await ready()).toEqual({ kafka: true });
    status.next('disconnected');
    expect(await ready()).toEqual({ kafka: false });
  });
});

describe(stopOnSignals.name, () => {
  const quietLogger = { log: () => undefined, error: () => undefined, warn: () => undefined };

  function fakeProcess(): SignalHost & { send(signal: NodeJS.Signals): void; exits: Array<number | NodeJS.Signals> } {
    const listeners = new Map<string, () => void>();
    const exits: Array<number | NodeJS.Signals> = [];
    return {
      exits,
      on: (signal, listener) => listeners.set(signal, listener),
      exit: (code) => void exits.push(code),
      dieBy: (signal) => void exits.push(signal),
      send: (signal) => listeners.get(signal)?.(),
    };
  }

  it.each(STOP_SIGNALS)('on %s runs every step in order, a failing one included, then exits 0', async (signal) => {
    const host = fakeProcess();
    const ran: string[] = [];
    stopOnSignals(quietLogger, [async () => ran.push('close http'), async () => Promise.reject(new Error('broker gone')), async () => ran.push('close bus')], host);
    host.send(signal);
    await expect.poll(() => host.exits).toEqual([0]);
    expect(ran).toEqual(['close http', 'close bus']);
  });

  it("dies by the signal through the process's own host, with no handler and no teardown run", async () => {
    const lifecycle = join(__dirname, '../dist/service-lifecycle.js');
    const script = `process.on('SIGTERM', () => {}); process.on('exit', () => console.log('teardown ran')); require(${JSON.stringify(lifecycle)}).PROCESS_HOST.dieBy('SIGTERM'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
    expect(ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(printed).toBe('');
  });

  it('takes a repeat within the grace period for the same stop, and dies by a later signal at once', async () => {
    const host = fakeProcess();
    let clock = 1_000;
    let finish!: () => void;
    stopOnSignals(quietLogger, [() => new Promise<void>((resolve) => (finish = resolve))], host, () => clock);
    host.send('SIGINT');
    clock += REPEATED_SIGNAL_GRACE_MS - 1; // Ctrl-C through npm: the terminal's and npm's copy
    host.send('SIGINT');
    expect(host.exits).toEqual([]);
    clock += 1;
    host.send('SIGTERM');
    expect(host.exits).toEqual(['SIGTERM']);
    finish();
    await expect.poll(() => host.exits).toEqual(['SIGTERM', 0]);
  });
});
