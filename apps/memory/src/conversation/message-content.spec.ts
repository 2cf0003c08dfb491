import { describe, expect, it } from 'vitest';
import { describeContent } from './message-content';

describe(describeContent.name, () => {
  it('joins the text blocks and describes media by reference', () => {
    const sut = describeContent([
      { type: 'text', text: 'Look at this.' },
      { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: Buffer.from('12345').toString('base64') } },
      { type: 'text', text: 'Nice, right?' },
      { type: 'video', source: { type: 'url', url: 'https://example.com/v.mp4' } },
    ]);
    expect(sut.text).toBe('Look at this.\nNice, right?');
    expect(sut.media).toEqual([
      { type: 'image', mediaType: 'image/png', url: null, byteSize: 5 },
      { type: 'video', mediaType: null, url: 'https://example.com/v.mp4', byteSize: null },
    ]);
    expect(sut.mediaBytes).toBe(5);
  });

  it('names the media when a message has no text, so it is still indexed', () => {
    const sut = describeContent([
      { type: 'audio', source: { type: 'url', url: 'https://example.com/a.mp3' } },
      { type: 'image', source: { type: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } },
    ]);
    expect(sut.text).toBe('[audio: https://example.com/a.mp3] [image (image/jpeg)]');
  });
});
