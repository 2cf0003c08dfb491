import { ErrorCode } from '@recollect/contracts';
import { describe, expect, it } from 'vitest';
import { optionalIsoUtc, toIsoUtc } from './iso-utc';

describe('toIsoUtc', () => {
  it('normalises offsets and precision to UTC milliseconds', () => {
    expect(toIsoUtc('2024-02-01T01:00:00+01:00', 'x')).toBe('2024-02-01T00:00:00.000Z');
    expect(toIsoUtc('2024-02-01', 'x')).toBe('2024-02-01T00:00:00.000Z');
  });

  it('rejects what is not a timestamp', () => {
    expect(() => toIsoUtc("2024' OR '1'='1", 'lastModifiedFrom')).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed }));
  });
});

describe('optionalIsoUtc', () => {
  it('keeps an absent timestamp absent', () => {
    expect(optionalIsoUtc(null, 'x')).toBeNull();
    expect(optionalIsoUtc('2024-02-01', 'x')).toBe('2024-02-01T00:00:00.000Z');
  });
});
