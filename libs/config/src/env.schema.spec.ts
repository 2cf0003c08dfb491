import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.schema';

describe(loadEnv.name, () => {
  it('applies defaults for an empty environment', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(8080);
    expect(env.EMBEDDER).toBe('use-lite');
  });

  it('builds the embedded ANN index from 20k chunks unless told otherwise', () => {
    expect(loadEnv({}).VECTOR_INDEX_MIN_ROWS).toBe(20_000);
    expect(loadEnv({ VECTOR_INDEX_MIN_ROWS: '5000' }).VECTOR_INDEX_MIN_ROWS).toBe(5_000);
    expect(() => loadEnv({ VECTOR_INDEX_MIN_ROWS: '0' })).toThrow(/VECTOR_INDEX_MIN_ROWS/);
  });

  it('runs encoder threads at nice 10 unless told otherwise, within the nice range', () => {
    expect(loadEnv({}).EMBEDDER_NICENESS).toBe(10);
    expect(loadEnv({ EMBEDDER_NICENESS: '0' }).EMBEDDER_NICENESS).toBe(0);
    expect(() => loadEnv({ EMBEDDER_NICENESS: '20' })).toThrow(/EMBEDDER_NICENESS/);
    expect(loadEnv({}).INDEX_NICENESS).toBe(10);
    expect(() => loadEnv({ INDEX_NICENESS: '-1' })).toThrow(/INDEX_NICENESS/);
  });

  it('runs USE-lite on ONNX Runtime in int8 unless told to use float or TensorFlow.js', () => {
    expect(loadEnv({}).EMBEDDER_RUNTIME).toBe('onnx');
    expect(loadEnv({ EMBEDDER_RUNTIME: 'onnx-fp32' }).EMBEDDER_RUNTIME).toBe('onnx-fp32');
    expect(() => loadEnv({ EMBEDDER_RUNTIME: 'onnx-int4' })).toThrow(/EMBEDDER_RUNTIME/);
  });

  it('names every bad variable and its rule', () => {
    expect(() => loadEnv({ PORT: 'eighty', JWT_SECRET: 'short' })).toThrow(/PORT[\s\S]*JWT_SECRET: must be at least 16 characters/);
  });

  it('requires the HTTP embedder settings together', () => {
    expect(() => loadEnv({ EMBEDDER: 'openai', EMBEDDER_URL: 'http://127.0.0.1:1' })).toThrow(/EMBEDDER_MODEL/);
  });

  it('parses the Kafka brokers list and keeps the in-process bus by default', () => {
    expect(loadEnv({}).BUS).toBe('inprocess');
    const env = loadEnv({ BUS: 'kafka', KAFKA_BROKERS: 'kafka-0:9092, kafka-1:9092', KAFKA_SSL: 'true' });
    expect(env.KAFKA_BROKERS).toEqual(['kafka-0:9092', 'kafka-1:9092']);
    expect(env.KAFKA_SSL).toBe(true);
    expect(env.KAFKA_REPLICATION_FACTOR).toBe(1);
  });

  it('takes a bus message size of at least 1 MiB, 64 MiB unless told otherwise', () => {
    expect(loadEnv({}).KAFKA_MAX_MESSAGE_BYTES).toBe(64 * 1024 * 1024);
    expect(loadEnv({ KAFKA_MAX_MESSAGE_BYTES: '1048576' }).KAFKA_MAX_MESSAGE_BYTES).toBe(1024 * 1024);
    expect(() => loadEnv({ KAFKA_MAX_MESSAGE_BYTES: '65536' })).toThrow(/KAFKA_MAX_MESSAGE_BYTES: must be at least 1 MiB/);
  });

  it('refuses BUS=kafka without brokers and SEARCH_INDEX=opensearch without a URL', () => {
    expect(() => loadEnv({ BUS: 'kafka' })).toThrow(/KAFKA_BROKERS/);
    expect(() => loadEnv({ KAFKA_BROKERS: 'kafka' })).toThrow(/KAFKA_BROKERS.0: each broker must be host:port/);
    expect(() => loadEnv({ SEARCH_INDEX: 'opensearch' })).toThrow(/OPENSEARCH_URL/);
    expect(() => loadEnv({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toThrow(/KAFKA_SASL_PASSWORD/);
  });

  it('keeps Memind routes behind the token unless MEMIND_AUTH=none says otherwise', () => {
    expect(loadEnv({}).MEMIND_AUTH).toBe('bearer');
    expect(loadEnv({ MEMIND_AUTH: 'none' }).MEMIND_AUTH).toBe('none');
    expect(() => loadEnv({ MEMIND_AUTH: 'off' })).toThrow(/MEMIND_AUTH/);
  });
});
