import { Agent, request as httpRequest } from 'node:http';
import { percentile } from './stats';

export interface PacedLoadRequest {
  url: string;
  headers: Record<string, string>;
  /** A body template; `__N__` is replaced by a counter, prefixed per process, so every request is distinct. */
  body: string;
  /** Requests per second, sent one every 1/rate s whatever the answers. */
  rate: number;
  /** Sent at the rate first and reported apart: new connections and the service's start on the load. */
  warmUpSeconds?: number;
  durationSeconds: number;
}

export interface PacedFigures {
  total: number;
  non2xx: number;
  errors: number;
  /** Latency from the moment each request was due, in ms: what a client sending at this rate waits. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** How late the generator itself sent, in ms: part of the latency above that is not the service's. */
  sentLate: { p50: number; p99: number; max: number };
}

export interface PacedLoadResult extends PacedFigures {
  /** Answered requests of the measured part per second of it. */
  requestsPerSecond: number;
  warmUp: PacedFigures;
}

/** Answers in flight when the last request has gone out get this long before the run gives up on them. */
const DRAIN_MS = 60_000;

const largest = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.max(a, b)));

class Tally {
  readonly fromDue: number[] = [];
  readonly sentLate: number[] = [];
  non2xx = 0;
  errors = 0;

  figures(): PacedFigures {
    const { fromDue, sentLate } = this;
    return {
      total: fromDue.length,
      non2xx: this.non2xx,
      errors: this.errors,
      p50: percentile(fromDue, 50),
      p90: percentile(fromDue, 90),
      p99: percentile(fromDue, 99),
      max: largest(fromDue),
      sentLate: { p50: percentile(sentLate, 50), p99: percentile(sentLate, 99), max: largest(sentLate) },
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
  let settled = 0;
  let next = 0;
  const start = performance.now();
  const dueAt = (index: number) => start + index * intervalMs;

  return new Promise((resolve) => {
    let drainTimer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(drainTimer);
      agent.destroy();
      const measuredSeconds = (performance.now() - dueAt(warmUpCount)) / 1000;
      resolve({ ...measured.figures(), requestsPerSecond: measured.fromDue.length / Math.max(measuredSeconds, durationSeconds), warmUp: warmUp.figures() });
    };
    const send = (index: number) => {
      const due = dueAt(index);
      const tally = index < warmUpCount ? warmUp : measured;
      const settle = (outcome: (tally: Tally) => void) => {
        outcome(tally);
        settled += 1;
        if (settled === total) finish();
      };
      const payload = body.replace(/__N__/g, `${prefix}-${index}`);
      tally.sentLate.push(performance.now() - due);
      const sent = httpRequest(target, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(payload) } }, (response) => {
        response.resume();
        response.on('end', () =>
          settle((answered) => {
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300) answered.non2xx += 1;
            answered.fromDue.push(performance.now() - due);
          }),
        );
        response.on('error', () => settle((failed) => (failed.errors += 1)));
      });
      sent.on('error', () => settle((failed) => (failed.errors += 1)));
      sent.end(payload);
    };
    const sendDue = () => {
      const now = performance.now();
      while (next < total && dueAt(next) <= now) send(next++);
      if (next < total) setTimeout(sendDue, Math.max(0, dueAt(next) - performance.now()));
      else drainTimer = setTimeout(finish, DRAIN_MS);
    };
    sendDue();
  });
}
