import { stringify } from 'yaml';
import { z } from 'zod';
import { type TopicEntry, topicCatalog } from '../topic-catalog';
import { deadLetterTopic } from '../topics';

/** Where the generated document is committed, relative to the repository root. */
export const ASYNCAPI_PATH = 'docs/asyncapi.yaml';

const KAFKA_BINDING_VERSION = '0.5.0';

/** `context.commands.v1` → `contextCommandsV1`: AsyncAPI ids are keys, not addresses. */
export function channelId(topic: string): string {
  const [first = '', ...rest] = topic.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return first + rest.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

type Json = Record<string, unknown>;

/**
 * JSON Schema (draft 7, which AsyncAPI schemas extend) of a payload. `additionalProperties: false`
 * is dropped: within a topic version fields are only ever added, and consumers must ignore the ones
 * they do not know.
 */
export function payloadSchema(schema: z.ZodType): Json {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any' }) as Json;
  return withoutClosedObjects(json) as Json;
}

function withoutClosedObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClosedObjects);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, inner]) => !(key === 'additionalProperties' && inner === false))
      .map(([key, inner]) => [key, withoutClosedObjects(inner)]),
  );
}

const CORRELATION_HEADERS = {
  type: 'object',
  properties: { 'x-correlation-id': { type: 'string', description: 'The request that caused this message; also in the envelope and in every log line.' } },
};

const DEAD_LETTER_HEADERS = {
  type: 'object',
  properties: {
    ...CORRELATION_HEADERS.properties,
    'x-error': { type: 'string', description: 'Why the last attempt failed.' },
    'x-original-topic': { type: 'string' },
    'x-original-partition': { type: 'string', description: 'A partition number, as text.' },
    'x-original-offset': { type: 'string', description: 'An offset, as text.' },
    'x-attempts': { type: 'string', description: 'Deliveries made before giving up, as text.' },
  },
  required: ['x-error', 'x-original-topic', 'x-original-partition', 'x-original-offset', 'x-attempts'],
};

function describeTopic(entry: TopicEntry, channels: Json, operations: Json, messages: Json): void {
  const id = channelId(entry.topic);
  const dlqId = channelId(deadLetterTopic(entry.topic));
  const keyBinding = { kafka: { key: { type: 'string', description: entry.key }, bindingVersion: KAFKA_BINDING_VERSION } };
  messages[id] = {
    name: id,
    title: entry.topic,
    summary: entry.description,
    contentType: 'application/json',
    headers: CORRELATION_HEADERS,
    payload: payloadSchema(entry.schema),
    bindings: keyBinding,
  };
  messages[dlqId] = {
    name: dlqId,
    title: deadLetterTopic(entry.topic),
    summary: `A message of ${entry.topic} that failed every delivery attempt: the original key, value and headers, plus why.`,
    contentType: 'application/json',
    headers: DEAD_LETTER_HEADERS,
    payload: { $ref: `#/components/messages/${id}/payload` },
    bindings: keyBinding,
  };
  channels[id] = {
    address: entry.topic,
    title: entry.topic,
    description: `${entry.description}\n\nKey: ${entry.key}.`,
    messages: { [id]: { $ref: `#/components/messages/${id}` } },
    bindings: { kafka: { topic: entry.topic, bindingVersion: KAFKA_BINDING_VERSION } },
  };
  channels[dlqId] = {
    address: deadLetterTopic(entry.topic),
    title: deadLetterTopic(entry.topic),
    description: `Dead letters of ${entry.topic}: moved here after the bounded retries, so they never block their partition.`,
    messages: { [dlqId]: { $ref: `#/components/messages/${dlqId}` } },
    bindings: { kafka: { topic: deadLetterTopic(entry.topic), bindingVersion: KAFKA_BINDING_VERSION } },
  };
  operations[`send${id[0]!.toUpperCase()}${id.slice(1)}`] = {
    action: 'send',
    title: `Recollect writes ${entry.topic}`,
    channel: { $ref: `#/channels/${id}` },
    messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
  };
  operations[`send${dlqId[0]!.toUpperCase()}${dlqId.slice(1)}`] = {
    action: 'send',
    title: `Recollect dead-letters ${entry.topic}`,
    channel: { $ref: `#/channels/${dlqId}` },
    messages: [{ $ref: `#/channels/${dlqId}/messages/${dlqId}` }],
  };
}

/** The AsyncAPI 3 document of every topic in the catalog, its `.dlq` twin, keys and payloads. */
export function buildAsyncApiDocument(catalog: readonly TopicEntry[] = topicCatalog): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const entry of catalog) describeTopic(entry, channels, operations, messages);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Recollect events',
      version: '1.0.0',
      description: [
        'The Kafka topics of Recollect, a public contract for other teams. Generated from',
        '`libs/contracts/src/topic-catalog.ts` by `npm run asyncapi`; CI fails when the two disagree.',
        '',
        'Every value is one JSON envelope `{id, type, version, occurredAt, tenant, correlationId, payload}`.',
        'Topic names carry their version (`.v1`): a breaking change means a new topic, while fields',
        'may be added within a version, so consumers must ignore fields they do not know.',
        'Messages with the same key keep their order; delivery is at least once, so consumers',
        'must be idempotent (the envelope `id` identifies a message; an event announced again, after a',
        'redelivery, keeps its `id`, while its `occurredAt` may differ).',
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: { host: 'kafka:9092', protocol: 'kafka', description: 'The cluster named by KAFKA_BROKERS (Kafka 2.1 or newer).' },
    },
    channels,
    operations,
    components: { messages },
  };
}

export function renderAsyncApiYaml(catalog: readonly TopicEntry[] = topicCatalog): string {
  return `# Generated by \`npm run asyncapi\` from libs/contracts/src/topic-catalog.ts. Do not edit by hand.\n${stringify(buildAsyncApiDocument(catalog), { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
