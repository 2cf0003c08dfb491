import { Agent, request as httpRequest } from 'node:http';
import { percentile } from './stats';

export interface PacedLoadRequest {
  url: string;
  headers: Record<string, string>;
  /** A body template; `__N__` is replaced by the request's number, prefixed per run, so every request is distinct. */
  body: string;
  /** Requests per second, sent one every 1/rate s whatever the answers. */
  rate: number;
  /** Sent at the rate first and reported apart: the generator's start and its new connections. */
  warmUpSeconds?: number;
  durationSeconds: number;
}

export interface PacedFigures {
  /** Requests answered 2xx: the latencies below are theirs. */
  answered: number;
  non2xx: number;
  /** Connections that failed, and requests still unanswered when the run gave up waiting. */
  failed: number;
  /** Latency from the moment each request was due, in ms (NaN when none was answered). */
  p50: number;
  p99: number;
  max: number;
  /** How late the generator itself sent, in ms: part of the latency above that is not the service's. */
  sentLate: { p99: number; max: number };
}

export interface PacedLoadResult extends PacedFigures {
  warmUp: PacedFigures;
}

/** Answers in flight when the last request has gone out get this long before the run gives up on them. */
const DRAIN_MS = 60_000;

/** What one part of a run (warm-up or measured) saw. Only 2xx answers give a latency, as with autocannon. */
class Tally {
  private readonly fromDue: number[] = [];
  private readonly lateness: number[] = [];
  private non2xx = 0;
  private failures = 0;

  sent(lateMs: number): void {
    this.lateness.push(lateMs);
  }

  answered(status: number, fromDueMs: number): void {
    if (status >= 200 && status < 300) this.fromDue.push(fromDueMs);
    else this.non2xx += 1;
  }

  failed(count = 1): void {
    this.failures += count;
  }

  figures(): PacedFigures {
    const { fromDue, lateness } = this;
    return {
      answered: fromDue.length,
      non2xx: this.non2xx,
      failed: this.failures,
      p50: percentile(fromDue, 50),
      p99: percentile(fromDue, 99),
      max: percentile(fromDue, 100),
      sentLate: { p99: percentile(lateness, 99), max: percentile(lateness, 100) },
    };
  }
}

/**
 * An open-loop load: request i goes out at start + i/rate, whether or not earlier ones were answered,
 * on as many kept-alive connections as that needs. Latency counts from when a request was due, so a
 * stall is charged for every request that arrived during it (no coordinated omission).
 */
export function pacedLoad({ url, headers, body, rate, warmUpSeconds = 0, durationSeconds }: PacedLoadRequest): Promise<PacedLoadResult> {
  if (!(rate > 0) || !(durationSeconds > 0) || !(warmUpSeconds >= 0)) throw new RangeError('rate and durationSeconds must be positive, warmUpSeconds not negative');
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const warmUpCount = Math.round(rate * warmUpSeconds);
  const total = warmUpCount + Math.max(1, Math.round(rate * durationSeconds));
  const intervalMs = 1000 / rate;
  // Unique per run, so runs against one service never repeat a file name (a repeat is answered 409).
  const prefix = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  const warmUp = new Tally();
  const measured = new Tally();
  const tallyOf = (index: number) => (index < warmUpCount ? warmUp : measured);
  const start = performance.now();
  const dueAt = (index: number) => start + index * intervalMs;

  return new Promise((resolve) => {
    const unsettled = new Set<number>();
    let next = 0;
    let drainTimer: NodeJS.Timeout | undefined;
    let finished = false;

    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(drainTimer);
      // Given up on: the slowest of all, so they count as failures rather than vanish from the figures.
      for (const index of unsettled) tallyOf(index).failed();
      agent.destroy();
      resolve({ ...measured.figures(), warmUp: warmUp.figures() });
    };

    /** Runs `outcome` once per request, whichever of its events comes first, and none after the run ended. */
    const settle = (index: number, outcome: (tally: Tally) => void) => {
      if (finished || !unsettled.delete(index)) return;
      outcome(tallyOf(index));
      if (next === total && unsettled.size === 0) finish();
    };

    const send = (index: number) => {
      const due = dueAt(index);
      const payload = body.replace(/__N__/g, `${prefix}-${index}`);
      unsettled.add(index);
      tallyOf(index).sent(performance.now() - due);
      const request = httpRequest(target, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(payload) } }, (response) => {
        response.resume();
        response.on('end', () => settle(index, (tally) => tally.answered(response.statusCode ?? 0, performance.now() - due)));
        response.on('error', () => settle(index, (tally) => tally.failed()));
      });
      request.on('error', () => settle(index, (tally) => tally.failed()));
      request.end(payload);
    };

    const sendDue = () => {
      const now = performance.now();
      while (next < total && dueAt(next) <= now) send(next++);
      if (next < total) setTimeout(sendDue, Math.max(0, dueAt(next) - performance.now()));
      else if (unsettled.size === 0) finish();
      else drainTimer = setTimeout(finish, DRAIN_MS);
    };
    sendDue();
  });
}

/** A result read back from the worker's JSON, where a figure with no answers behind it (NaN) became null. */
export function revivePacedResult(parsed: unknown): PacedLoadResult {
  const revive = (value: unknown): unknown => {
    if (value === null) return Number.NaN;
    if (typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, revive(inner)]));
  };
  return revive(parsed) as PacedLoadResult;
}
