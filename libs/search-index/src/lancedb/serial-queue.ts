/**
 * Runs async tasks one at a time, in call order. LanceDB commits are optimistic, so concurrent
 * writers on one table would retry against each other; queueing them in-process avoids that.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // A failed task must not poison the tasks queued after it.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once the queue is empty, including tasks queued by tasks that were running. */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }
}
