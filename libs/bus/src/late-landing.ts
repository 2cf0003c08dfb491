import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';

/**
 * kafkajs goes on retrying a send after the deadline its caller was given, so a publish that failed
 * for want of an acknowledgement may still be stored later. Its error carries the send, for callers
 * whose order matters: one that published the same message again meanwhile could see that copy
 * overtaken by the late one, which then lands after messages published after it. Registered, so a
 * second copy of this module (a build beside the sources) still recognises the mark.
 */
const STILL_SENDING = Symbol.for('recollect.bus.stillSending');

interface StillSending {
  [STILL_SENDING]?: Promise<boolean>;
}

/** Marks `error` as the failure of a send that may still land; `send` settles when the bus gives up on it or stores it. */
export function stillSending<E extends Error>(error: E, send: Promise<unknown>): E {
  Object.defineProperty(error, STILL_SENDING, {
    value: send.then(
      () => true,
      () => false,
    ),
  });
  return error;
}

/**
 * Waits until the bus stops sending the failed publish that threw `error`: true if it landed after
 * all, false if the bus gave up on it (a request already on its way to a broker can, rarely, still be
 * stored after that). Errors of publishes that were refused outright answer false at once.
 */
export function landedLate(error: unknown): Promise<boolean> {
  return (error instanceof Error && (error as StillSending)[STILL_SENDING]) || Promise.resolve(false);
}

/**
 * Emits and waits for the bus to store the message. One whose publish timed out is waited for until
 * it lands (then it counts as published) or the bus gives up (then this throws): a caller that
 * publishes in order, and retries what failed, never has a late copy overtake what it sends next.
 */
export async function emitInOrder(bus: ClientProxy, topic: string, message: unknown): Promise<void> {
  try {
    await lastValueFrom(bus.emit(topic, message), { defaultValue: undefined });
  } catch (error) {
    if (!(await landedLate(error))) throw error;
  }
}
