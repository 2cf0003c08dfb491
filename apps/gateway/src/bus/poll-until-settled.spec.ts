import { describe, expect, it } from 'vitest';
import { pauseAfter, pollUntilSettled } from './poll-until-settled';

describe(pauseAfter.name, () => {
  it('is a quarter of the time waited, never under 5 ms nor over 250 ms', () => {
    expect(pauseAfter(0)).toBe(5);
    expect(pauseAfter(12)).toBe(5);
    expect(pauseAfter(40)).toBe(10);
    expect(pauseAfter(600)).toBe(150);
    expect(pauseAfter(30_000)).toBe(250);
  });
});

describe(pollUntilSettled.name, () => {
  it('asks again until the answer is settled, and returns that answer', async () => {
    const answers = ['waiting', 'active', 'active', 'completed'];
    let asked = 0;
    const answer = await pollUntilSettled(
      async () => answers[asked++]!,
      (status) => status === 'completed',
      10_000,
      () => new Error('timed out'),
    );
    expect(answer).toBe('completed');
    expect(asked).toBe(4);
  });

  it('ends with the timeout error once it is told to stop, long before its deadline', async () => {
    const stopping = new AbortController();
    const waiting = pollUntilSettled(
      async () => 'waiting',
      () => false,
      60_000,
      () => new Error('stopped'),
      stopping.signal,
    );
    setTimeout(() => stopping.abort(), 20);
    const startedAt = Date.now();
    await expect(waiting).rejects.toThrow('stopped');
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('does not ask at all after being told to stop while an ask was out', async () => {
    const stopping = new AbortController();
    let asked = 0;
    const waiting = pollUntilSettled(
      async () => {
        asked += 1;
        stopping.abort();
        return 'waiting';
      },
      () => false,
      60_000,
      () => new Error('stopped'),
      stopping.signal,
    );
    await expect(waiting).rejects.toThrow('stopped');
    expect(asked).toBe(1);
  });

  it('throws the timeout error once the next ask would be past the deadline, without asking again', async () => {
    let asked = 0;
    const waiting = pollUntilSettled(
      async () => (asked += 1),
      () => false,
      30,
      () => new Error('did not finish within 30 ms'),
    );
    await expect(waiting).rejects.toThrow('did not finish within 30 ms');
    // At 5 ms pauses, at most 30 / 5 asks after the first fit before the deadline.
    expect(asked).toBeGreaterThan(1);
    expect(asked).toBeLessThanOrEqual(7);
  });

  it('lets an error of the ask end the wait as it is', async () => {
    const failure = new Error('bus unavailable');
    await expect(pollUntilSettled(() => Promise.reject(failure), () => true, 1_000, () => new Error('timed out'))).rejects.toBe(failure);
  });
});
