import { base64DecodedBytes, type MediaDescriptor, type MessageBlock } from '@recollect/contracts';

export interface MessageContent {
  /** What gets embedded and returned as the message's text. */
  text: string;
  media: MediaDescriptor[];
  /** Decoded bytes of inline media, which the message row keeps. */
  mediaBytes: number;
}

const describeMedia = (block: Exclude<MessageBlock, { type: 'text' }>): MediaDescriptor =>
  block.source.type === 'url'
    ? { type: block.type, mediaType: null, url: block.source.url, byteSize: null }
    : { type: block.type, mediaType: block.source.mediaType, url: null, byteSize: base64DecodedBytes(block.source.data) };

const placeholder = (media: MediaDescriptor): string => `[${media.type}${media.url ? `: ${media.url}` : media.mediaType ? ` (${media.mediaType})` : ''}]`;

/**
 * Text blocks are what a message says; media are kept and described by reference. A message with
 * media only is indexed by a placeholder naming them, so it still shows up in its session's results.
 */
export function describeContent(blocks: readonly MessageBlock[]): MessageContent {
  const texts: string[] = [];
  const media: MediaDescriptor[] = [];
  for (const block of blocks) {
    if (block.type === 'text') texts.push(block.text);
    else media.push(describeMedia(block));
  }
  const text = texts.length > 0 ? texts.join('\n') : media.map(placeholder).join(' ');
  return { text, media, mediaBytes: media.reduce((sum, m) => sum + (m.byteSize ?? 0), 0) };
}
