import { UnreadableMessageError } from '@recollect/contracts';

/**
 * A message that failed its schema (parseMessageOrThrow's UnreadableMessageError) fails it at every
 * delivery. Retrying it would only hold its partition, and every message behind it, for the backoffs
 * (a second and a half by default, per message), so it goes to the dead-letter topic at once.
 */
export function failsEveryDelivery(error: unknown): boolean {
  return error instanceof UnreadableMessageError;
}
