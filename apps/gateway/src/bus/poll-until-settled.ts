import { setTimeout as sleep } from 'node:timers/promises';

/** Never sooner, so a burst of sync calls cannot turn into a burst of status reads. */
const MIN_PAUSE_MS = 5;
/** Never later, so a long job is noticed within this of its end. */
const MAX_PAUSE_MS = 250;
/** Of the time waited so far: how late a finish may be noticed, relative to how long it took. */
const PAUSE_SHARE = 0.25;

/**
 * The pause before asking again, after `waitedMs` of waiting: a quarter of it, within 5 and 250 ms. A
 * job that takes 40 ms is noticed within 10 ms of its end, and one that takes 30 s costs about 150
 * asks rather than the 600 a fixed 50 ms pause would.
 */
export function pauseAfter(waitedMs: number): number {
  return Math.min(MAX_PAUSE_MS, Math.max(MIN_PAUSE_MS, waitedMs * PAUSE_SHARE));
}

/**
 * Asks until `settled` accepts the answer, or until `timeoutMs` would pass before the next ask, or
 * until `stopping` is aborted (at once, mid-pause included): then throws what `timedOut` makes.
 * Errors from `ask` and `settled` end the wait as they are.
 */
export async function pollUntilSettled<T>(
  ask: () => Promise<T>,
  settled: (answer: T) => boolean,
  timeoutMs: number,
  timedOut: () => Error,
  stopping?: AbortSignal,
): Promise<T> {
  const startedAt = Date.now();
  for (;;) {
    const answer = await ask();
    if (settled(answer)) return answer;
    const waited = Date.now() - startedAt;
    const pause = pauseAfter(waited);
    if (waited + pause > timeoutMs || stopping?.aborted) throw timedOut();
    try {
      await sleep(pause, undefined, { signal: stopping });
    } catch {
      throw timedOut();
    }
  }
}
