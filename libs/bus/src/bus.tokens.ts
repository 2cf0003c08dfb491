/** DI token for the bus `ClientProxy` (the in-process client today, `ClientKafka` later). */
export const BUS_CLIENT = Symbol('BUS_CLIENT');

/** What producers hand to `client.emit`/`client.send`: the same shape ClientKafka accepts. */
export interface BusMessage<T = unknown> {
  key?: string;
  value: T;
  headers?: Record<string, string>;
}

/** Normalises what Nest hands a client, the way ClientKafka's serializer does: a bare value means no key. */
export function toBusMessage(data: unknown): BusMessage {
  const isKafkaShaped = typeof data === 'object' && data !== null && ('key' in data || 'value' in data);
  if (!isKafkaShaped) return { value: data ?? null, headers: {} };
  const { key, value, headers } = data as { key?: unknown; value?: unknown; headers?: Record<string, unknown> };
  const stringHeaders = Object.fromEntries(Object.entries(headers ?? {}).map(([name, v]) => [name, String(v)]));
  return { key: key === undefined || key === null ? undefined : String(key), value: value ?? null, headers: stringHeaders };
}
