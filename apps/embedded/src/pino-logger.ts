import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** Nest's logger interface over pino: one JSON line per event, with the Nest context as a field. */
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Logger) {}

  static create(level: string): PinoLoggerService {
    return new PinoLoggerService(pino({ level, base: { service: 'recollect' } }));
  }

  /** Objects are logged as fields (for example a request line with its correlation id), anything else as the message. */
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
