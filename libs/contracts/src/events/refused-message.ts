import { z } from 'zod';
import { envelopeSchema, type Envelope } from '../envelope';

/** The ids a command's or event's payload may name: the job or memory operation its sender polls, and a memory session. */
const namedIds = z.object({ jobId: z.string().min(1), operationId: z.string().min(1), sessionId: z.string().min(1) }).partial();

export type RefusedMessage = Envelope<z.infer<typeof namedIds>>;

const readableEnvelope = envelopeSchema(namedIds);

/**
 * What a message that failed its schema still tells, if its envelope can be read: whose it is, its
 * type, and the ids its payload names. Enough for the service to fail the job or operation its sender
 * is waiting on, which would otherwise wait for good while the message sits on the dead-letter topic.
 */
export function readRefusedMessage(value: unknown): RefusedMessage | undefined {
  const read = readableEnvelope.safeParse(value);
  return read.success ? read.data : undefined;
}
