import { DomainError, ErrorCode, MAX_METADATA_BYTES } from '@recollect/contracts';
import { describe, expect, it } from 'vitest';
import { assertWithinMetadataLimit } from './request-limits';

const refusal = (body: unknown): unknown => {
  try {
    assertWithinMetadataLimit(body);
    return undefined;
  } catch (error) {
    return error;
  }
};

describe(assertWithinMetadataLimit.name, () => {
  it('takes metadata up to the limit, and long content beside small fields', () => {
    const padding = 'x'.repeat(MAX_METADATA_BYTES - JSON.stringify({ note: '' }).length);
    expect(refusal({ metadata: { note: padding }, documents: [{ content: 'y'.repeat(1_000_000), note: padding }] })).toBeUndefined();
    expect(refusal({ metadata: 'not an object', documents: 'not a list' })).toBeUndefined();
    expect(refusal(null)).toBeUndefined();
  });

  it('answers 413 naming the call metadata or the document whose fields are over the limit', () => {
    const over = 'x'.repeat(MAX_METADATA_BYTES);
    expect(refusal({ metadata: { blob: over } })).toMatchObject({ code: ErrorCode.PayloadTooLarge, message: expect.stringMatching(/^metadata: the metadata must take at most 16 KiB as JSON/) });
    const error = refusal({ metadata: {}, documents: [{ content: 'a' }, { content: 'b', blob: over }] });
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toMatch(/^documents\[1\]: a document's fields besides content must take at most 16 KiB/);
  });
});
