import type { INestMicroservice, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { BusExceptionFilter } from '@recollect/bus';
import type { Observable } from 'rxjs';

/** Starts one service's Nest microservice on its bus strategy; handler errors reach the bus unchanged. */
export async function startMicroservice(module: Parameters<typeof NestFactory.createMicroservice>[0], strategy: CustomTransportStrategy, logger: LoggerService): Promise<INestMicroservice> {
  const service = await NestFactory.createMicroservice(module, { strategy, logger, abortOnError: false });
  service.useGlobalFilters(new BusExceptionFilter());
  await service.listen();
  return service;
}

/** Follows a transport's status stream (ServerKafka's, ClientKafka's) so readiness can ask for the latest. */
export function trackStatus(status: Observable<string>): () => string | undefined {
  let last: string | undefined;
  status.subscribe((value) => (last = value));
  return () => last;
}

/** Readiness of a Kafka client or consumer: ready unless its status stream last said it crashed or disconnected. */
export function kafkaReadiness(status: Observable<string>): () => Promise<{ kafka: boolean }> {
  const latest = trackStatus(status);
  return async () => ({ kafka: latest() !== 'crashed' && latest() !== 'disconnected' });
}

/** What stopOnSignals needs of the process; tests pass their own. */
export interface SignalHost {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  exit(code: number): void;
  /** Ends the process by `signal`'s default action, as if it had no handler. */
  dieBy(signal: NodeJS.Signals): void;
}

/**
 * The process's own host. A forced stop dies by the signal (exit status 128 + its number) rather than
 * calling exit: exit runs the process's teardown while native work (ONNX Runtime, LanceDB) is still in
 * flight, and that aborted it (SIGABRT, "terminate called after throwing an instance of 'Napi::Error'").
 */
export const PROCESS_HOST: SignalHost = {
  on: (signal, listener) => process.on(signal, listener),
  exit: (code) => process.exit(code),
  dieBy: (signal) => {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  },
};

/** Termination by an orchestrator (SIGTERM), Ctrl-C (SIGINT), or the terminal closing (SIGHUP). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * A repeat within this long of the first signal is the same stop delivered twice: Ctrl-C reaches
 * the whole process group, and `npm start` forwards it to its child as well.
 */
export const REPEATED_SIGNAL_GRACE_MS = 2_000;

/**
 * A stop signal runs the steps in order (stop taking work, let in-flight work finish, close
 * clients), then exits 0. A later signal ends the process at once, by that signal. The only signal
 * handling in a process: nothing else (Nest's shutdown hooks included) may close parts of it on its own.
 */
export function stopOnSignals(logger: LoggerService, steps: Array<() => Promise<unknown>>, host: SignalHost = PROCESS_HOST, now: () => number = Date.now): void {
  let stoppingSince: number | undefined;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stoppingSince !== undefined) {
      if (now() - stoppingSince < REPEATED_SIGNAL_GRACE_MS) return;
      logger.warn(`${signal} again: exiting without waiting for in-flight work`, 'Lifecycle');
      return host.dieBy(signal);
    }
    stoppingSince = now();
    logger.log(`${signal}: finishing in-flight work and stopping`, 'Lifecycle');
    for (const step of steps) await step().catch((error: unknown) => logger.error(`shutdown step failed: ${String(error)}`, undefined, 'Lifecycle'));
    host.exit(0);
  };
  for (const signal of STOP_SIGNALS) host.on(signal, () => void stop(signal));
}

/** Logs why start-up failed and exits non-zero, so the orchestrator restarts the process. */
export function exitOnStartFailure(service: string): (error: unknown) => never {
  return (error: unknown) => {
    process.stderr.write(`Recollect ${service} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
}
