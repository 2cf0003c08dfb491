import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Long work on the event loop, cut into slices: `pauseIfDue()` answers a promise for a turn of the
 * event loop once the work has run for `sliceMs` since the last one, and nothing before, so a caller
 * can ask at every step at little cost (`await undefined` is a microtask).
 */
export class TimeSlices {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = 10) {}

  pauseIfDue(): Promise<void> | undefined {
    if (performance.now() - this.sliceStart < this.sliceMs) return undefined;
    return nextTurn().then(() => {
      this.sliceStart = performance.now();
    });
  }
}
