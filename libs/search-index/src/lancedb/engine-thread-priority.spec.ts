import { describe, expect, it } from 'vitest';
import { EngineThreadPriority, type ProcessThreads } from './engine-thread-priority';

function fakeThreads(names: Record<number, string>, refuse: number[] = []) {
  const set: Array<[number, number]> = [];
  const threads: ProcessThreads = {
    ids: () => Object.keys(names).map(Number),
    nameOf: (id) => names[id],
    setNiceness: (id, niceness) => {
      if (refuse.includes(id)) throw new Error('EACCES');
      set.push([id, niceness]);
    },
  };
  return { threads, set, names };
}

describe('EngineThreadPriority', () => {
  it("lowers the engine's threads once each, and leaves the others alone", () => {
    const fake = fakeThreads({ 1: 'node', 2: 'tokio-rt-worker', 3: 'lance-cpu', 4: 'V8 DefaultWorke', 5: 'libuv-worker' });
    const priority = new EngineThreadPriority(10, fake.threads);
    expect(priority.lowerNewThreads()).toBe(2);
    expect(priority.lowerNewThreads()).toBe(0);
    expect(fake.set).toEqual([
      [2, 10],
      [3, 10],
    ]);
  });

  it('looks again at an id whose thread exited, since Linux hands ids out again', () => {
    const fake = fakeThreads({ 1: 'node', 2: 'tokio-rt-worker' });
    const priority = new EngineThreadPriority(10, fake.threads);
    priority.lowerNewThreads();
    delete fake.names[2];
    priority.lowerNewThreads();
    fake.names[2] = 'tokio-rt-worker';
    expect(priority.lowerNewThreads()).toBe(1);
  });

  it('carries on past a thread it may not lower, without trying it again', () => {
    const fake = fakeThreads({ 2: 'tokio-rt-worker', 3: 'tokio-rt-worker' }, [2]);
    const priority = new EngineThreadPriority(10, fake.threads);
    expect(priority.lowerNewThreads()).toBe(1);
    expect(priority.lowerNewThreads()).toBe(0);
    expect(fake.set).toEqual([[3, 10]]);
  });

  it('does nothing without /proc, or at niceness 0', () => {
    const none: ProcessThreads = { ids: () => undefined, nameOf: () => undefined, setNiceness: () => expect.fail('nothing to lower') };
    expect(new EngineThreadPriority(10, none).lowerNewThreads()).toBe(0);
    const fake = fakeThreads({ 2: 'tokio-rt-worker' });
    const off = new EngineThreadPriority(0, fake.threads);
    off.start();
    off.stop();
    expect(fake.set).toEqual([]);
  });
});
