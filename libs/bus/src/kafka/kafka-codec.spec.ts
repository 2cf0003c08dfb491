import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { decodeHeaders, decodeValue, encodeValue, toBusRecord, toKafkaMessage } from './kafka-codec';

describe('kafka codec', () => {
  it.each([[{ n: 1, nested: ['a', null] }], [7], ['seven'], ['{"looks":"like json"}'], [null], [true]])('round-trips %j through JSON', (value) => {
    expect(decodeValue(Buffer.from(encodeValue(value)))).toEqual(value);
  });

  it('hands over a value that is not JSON as its text, and a missing value as null', () => {
    expect(decodeValue(Buffer.from('plain text'))).toBe('plain text');
    expect(decodeValue(null)).toBeNull();
    expect(encodeValue(undefined)).toBe('null');
  });

  it('decodes headers to strings, the last of repeated ones winning', () => {
    expect(decodeHeaders({ a: Buffer.from('1'), b: 'two', c: [Buffer.from('x'), Buffer.from('y')], d: undefined })).toEqual({ a: '1', b: 'two', c: 'y' });
  });

  it('turns a bus message into a kafkajs message and a kafkajs message into a bus record', () => {
    expect(toKafkaMessage({ key: 'k', value: { n: 1 }, headers: { h: 'v' } })).toEqual({ key: 'k', value: '{"n":1}', headers: { h: 'v' } });
    expect(toKafkaMessage({ value: 1 })).toEqual({ key: null, value: '1', headers: {} });
    const message = { key: Buffer.from('k'), value: Buffer.from('{"n":1}'), headers: { h: Buffer.from('v') }, offset: '12', timestamp: '1700000000000', attributes: 0, size: 0 } as unknown as KafkaMessage;
    expect(toBusRecord('t', 3, message)).toEqual({ topic: 't', partition: 3, offset: '12', key: 'k', headers: { h: 'v' }, value: { n: 1 }, timestamp: new Date(1_700_000_000_000) });
  });
});
