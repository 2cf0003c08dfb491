import { DomainError, ErrorCode, UnreadableMessageError } from '@recollect/contracts';
import { busDeliveries, busHandleDuration } from '@recollect/metrics';
import { describe, expect, it } from 'vitest';
import type { BusRecord } from '../bus.context';
import { backoffFor, deliverWithRetries, type DeliverySteps, type RetryPolicy } from './event-delivery';

const RECORD: BusRecord = { topic: 't.v1', partition: 2, offset: '7', key: 'k', headers: { h: 'v' }, value: { n: 1 }, timestamp: new Date(0) };
const POLICY: RetryPolicy = { maxAttempts: 4, retryBackoffMs: 100, maxRetryBackoffMs: 250 };
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

function steps(failures: number, overrides: Partial<DeliverySteps> = {}, failure = (attempt: number): Error => new Error(`failure ${attempt}`)) {
  const calls = { attempts: [] as number[], sleeps: [] as number[], deadLetters: [] as Array<Record<string, string>> };
  const sut: DeliverySteps = {
    handle: async (_record, attempt) => {
      calls.attempts.push(attempt);
      if (attempt <= failures) throw failure(attempt);
    },
    deadLetter: async (_record, headers) => void calls.deadLetters.push(headers),
    sleep: async (ms) => void calls.sleeps.push(ms),
    isStopping: () => false,
    logger: quiet,
    ...overrides,
  };
  return { sut, calls };
}

describe(deliverWithRetries.name, () => {
  it('handles a message on its first attempt without waiting', async () => {
    const { sut, calls } = steps(0);
    expect(await deliverWithRetries(RECORD, POLICY, sut)).toBe('handled');
    expect(calls).toEqual({ attempts: [1], sleeps: [], deadLetters: [] });
  });

  it('retries with exponential backoff capped at maxRetryBackoffMs', async () => {
    const { sut, calls } = steps(3);
    expect(await deliverWithRetries(RECORD, POLICY, sut)).toBe('handled');
    expect(calls.attempts).toEqual([1, 2, 3, 4]);
    expect(calls.sleeps).toEqual([100, 200, 250]);
  });

  it('dead-letters after maxAttempts with the last error and where the message came from', async () => {
    const { sut, calls } = steps(99);
    expect(await deliverWithRetries(RECORD, POLICY, sut)).toBe('dead-lettered');
    expect(calls.attempts).toEqual([1, 2, 3, 4]);
    expect(calls.deadLetters).toEqual([
      { h: 'v', 'x-error': 'failure 4', 'x-original-topic': 't.v1', 'x-original-partition': '2', 'x-original-offset': '7', 'x-attempts': '4' },
    ]);
  });

  it('retries a domain error of the handler itself: only a refusal of the schema is final', async () => {
    const { sut, calls } = steps(2, {}, () => new DomainError(ErrorCode.ValidationFailed, 'vector of dimension 3, the index expects 4'));
    expect(await deliverWithRetries(RECORD, POLICY, sut)).toBe('handled');
    expect(calls.attempts).toEqual([1, 2, 3]);
  });

  it('dead-letters a message that fails its schema at its first failure, without waiting', async () => {
    const invalid = new UnreadableMessageError(new DomainError(ErrorCode.ValidationFailed, 'Invalid command: payload.when: Invalid ISO datetime'));
    const { sut, calls } = steps(99, {}, () => invalid);
    expect(await deliverWithRetries(RECORD, POLICY, sut)).toBe('dead-lettered');
    expect(calls.attempts).toEqual([1]);
    expect(calls.sleeps).toEqual([]);
    expect(calls.deadLetters).toEqual([expect.objectContaining({ 'x-error': invalid.message, 'x-attempts': '1' })]);
  });

  it('abandons the message when the consumer stops during a backoff', async () => {
    let stopping = false;
    const { sut, calls } = steps(99, { sleep: async () => void (stopping = true), isStopping: () => stopping });
    expect(await deliverWithRetries(RECORD, POLICY, sut)).toBe('abandoned');
    expect(calls.attempts).toEqual([1]);
    expect(calls.deadLetters).toEqual([]);
  });

  it('rejects when the dead letter cannot be written, so the offset stays unresolved', async () => {
    const { sut } = steps(99, { deadLetter: () => Promise.reject(new Error('broker down')) });
    await expect(deliverWithRetries(RECORD, POLICY, sut)).rejects.toThrow('broker down');
  });

  it('counts each attempt by outcome and each dead letter, per topic, and times every attempt', async () => {
    const topic = 'metrics.counted.v1';
    const count = async (outcome: string) => (await busDeliveries.get()).values.find((v) => v.labels.topic === topic && v.labels.outcome === outcome)?.value ?? 0;
    const timed = async () => (await busHandleDuration.get()).values.find((v) => v.labels.topic === topic && v.metricName === 'recollect_bus_handle_duration_seconds_count')?.value ?? 0;
    await deliverWithRetries({ ...RECORD, topic }, POLICY, steps(2).sut);
    await deliverWithRetries({ ...RECORD, topic }, POLICY, steps(99).sut);
    expect([await count('handled'), await count('failed'), await count('dead_lettered'), await timed()]).toEqual([1, 6, 1, 7]);
  });

  it('computes backoffs from the number of failed attempts', () => {
    expect([1, 2, 3, 4].map((n) => backoffFor(POLICY, n))).toEqual([100, 200, 250, 250]);
  });
});
