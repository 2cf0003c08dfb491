import { Logger, type LoggerService } from '@nestjs/common';
import pino, { type Logger as PinoLogger } from 'pino';

/** Nest's logger interface over pino: one JSON line per event, with the service and the Nest context as fields. */
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  static create(level: string, service: string): PinoLoggerService {
    return new PinoLoggerService(pino({ level, base: { service: `recollect-${service}` } }));
  }

  log(message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) this.pino.info({ context, ...message });
    else this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }
}

/** The service's JSON logger, also used by every `new Logger()` in Nest, kafkajs's included, from now on. */
export function createServiceLogger(level: string, service: string): PinoLoggerService {
  const logger = PinoLoggerService.create(level, service);
  Logger.overrideLogger(logger);
  return logger;
}
