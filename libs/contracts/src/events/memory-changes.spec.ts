import { describe, expect, it } from 'vitest';
import { CHANGE_SEQUENCE_HEADER, changeSequenceOf } from './memory-changes';

describe(changeSequenceOf.name, () => {
  it('reads the decimal sequence of a change, and nothing from a header that is missing or not one', () => {
    expect(changeSequenceOf({ [CHANGE_SEQUENCE_HEADER]: '42', 'x-correlation-id': 'c' })).toBe(42n);
    expect(changeSequenceOf({ [CHANGE_SEQUENCE_HEADER]: '900000000000000001' })).toBe(900000000000000001n);
    expect(changeSequenceOf({ [CHANGE_SEQUENCE_HEADER]: '9223372036854775807' })).toBe(9223372036854775807n);
    for (const value of ['', '-1', '1.5', '0x10', ' 7', '1e3', '9223372036854775808', '1'.repeat(20)]) expect(changeSequenceOf({ [CHANGE_SEQUENCE_HEADER]: value })).toBeUndefined();
    expect(changeSequenceOf({})).toBeUndefined();
    expect(changeSequenceOf(undefined)).toBeUndefined();
  });
});
