import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { topicCatalog } from '../topic-catalog';
import { deadLetterTopic } from '../topics';
import { ASYNCAPI_PATH, buildAsyncApiDocument, channelId, payloadSchema, renderAsyncApiYaml } from './asyncapi.document';

const committedPath = resolve(__dirname, '../../../..', ASYNCAPI_PATH);

describe('AsyncAPI document', () => {
  it(`is committed at ${ASYNCAPI_PATH} exactly as the topic catalog generates it (run \`npm run asyncapi\` after changing contracts)`, () => {
    const committed = readFileSync(committedPath, 'utf8');
    expect(committed, `${ASYNCAPI_PATH} is stale: run \`npm run asyncapi\` and commit the result`).toBe(renderAsyncApiYaml());
  });

  it('describes every catalogued topic and its .dlq twin, with the key and the payload schema', () => {
    const document = parse(readFileSync(committedPath, 'utf8')) as any;
    expect(document.asyncapi).toBe('3.0.0');
    for (const entry of topicCatalog) {
      const channel = document.channels[channelId(entry.topic)];
      expect(channel?.address, entry.topic).toBe(entry.topic);
      const message = document.components.messages[channelId(entry.topic)];
      expect(message.bindings.kafka.key.description).toBe(entry.key);
      expect(message.payload).toEqual(payloadSchema(entry.schema));
      expect(document.channels[channelId(deadLetterTopic(entry.topic))].address).toBe(deadLetterTopic(entry.topic));
    }
    expect(Object.keys(document.channels)).toHaveLength(topicCatalog.length * 2);
  });

  it('picks up a topic added to the catalog without any other change', () => {
    const extra = { topic: 'team.thing.happened.v1', key: 'thing id', description: 'A thing happened.', schema: z.object({ thing: z.string() }) };
    const document = buildAsyncApiDocument([...topicCatalog, extra]) as any;
    expect(document.channels.teamThingHappenedV1.address).toBe('team.thing.happened.v1');
    expect(document.channels.teamThingHappenedV1Dlq.address).toBe('team.thing.happened.v1.dlq');
    expect(document.components.messages.teamThingHappenedV1.payload).toEqual({ type: 'object', properties: { thing: { type: 'string' } }, required: ['thing'] });
    expect(document.operations.sendTeamThingHappenedV1).toMatchObject({ action: 'send', channel: { $ref: '#/channels/teamThingHappenedV1' } });
  });

  it('resolves every $ref it contains', () => {
    const document = buildAsyncApiDocument() as any;
    const refs: string[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, inner] of Object.entries(value)) {
          if (key === '$ref') refs.push(inner as string);
          else collect(inner);
        }
      }
    };
    collect(document);
    for (const ref of refs) {
      const target = ref.slice(2).split('/').reduce<any>((node, part) => node?.[part], document);
      expect(target, ref).toBeDefined();
    }
    expect(refs.length).toBeGreaterThan(0);
  });
});
