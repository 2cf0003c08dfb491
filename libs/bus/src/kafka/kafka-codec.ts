import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { BusRecord } from '../bus.context';
import type { BusMessage } from '../bus.tokens';

/**
 * Values travel as UTF-8 JSON, so a number stays a number and a string stays a string (Nest's own
 * Kafka serializer sends strings raw and parses only `{`/`[`). A value that is not JSON (written by
 * some other producer) is handed over as its text.
 */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function decodeValue(raw: Buffer | string | null | undefined): unknown {
  if (raw === null || raw === undefined) return null;
  const text = raw.toString();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Kafka headers may repeat a name (kafkajs then gives an array); the last value wins, as in the Java client's `lastHeader`. */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) decoded[name] = value.toString();
  }
  return decoded;
}

export function toKafkaMessage(message: BusMessage): Message {
  return { key: message.key ?? null, value: encodeValue(message.value), headers: { ...(message.headers ?? {}) } };
}

export function toBusRecord(topic: string, partition: number, message: KafkaMessage): BusRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString(),
    headers: decodeHeaders(message.headers),
    value: decodeValue(message.value),
    timestamp: new Date(Number(message.timestamp)),
  };
}
