import type { MessageHandler } from '@nestjs/microservices';

/**
 * Nest links several handlers of one event pattern through `handler.next` and forkJoins them, which
 * errors as soon as one fails while the others keep running. Unlinking them lets a transport call
 * each itself, so a retry or a shutdown waits for all of them.
 */
export function detachHandlerChain(head: MessageHandler): MessageHandler[] {
  const chain: MessageHandler[] = [];
  for (let handler: MessageHandler | undefined = head; handler; ) {
    const next: MessageHandler | undefined = handler.next;
    handler.next = undefined;
    chain.push(handler);
    handler = next;
  }
  return chain;
}
