import { STOP_SIGNALS } from '@recollect/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness';

// Signals Nest's enableShutdownHooks() would listen to as well as the stop signals.
const SIGNALS: NodeJS.Signals[] = [...STOP_SIGNALS, 'SIGUSR2', 'SIGQUIT'];

describe('signal handling', () => {
  let stack: TestStack;
  let before: Record<string, number>;

  beforeAll(async () => {
    before = Object.fromEntries(SIGNALS.map((signal) => [signal, process.listenerCount(signal)]));
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it('leaves signals to the process owner: starting the stack listens to none, so no part of it can stop on its own', async () => {
    expect((await stack.call(null, 'GET', '/health')).status).toBe(200);
    expect(Object.fromEntries(SIGNALS.map((signal) => [signal, process.listenerCount(signal)]))).toEqual(before);
  });
});
