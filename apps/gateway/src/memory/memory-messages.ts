import {
  DomainError,
  ErrorCode,
  MAX_MEDIA_BYTES_PER_CALL,
  MAX_MESSAGES_PER_CALL,
  base64Body,
  base64DecodedBytes,
  type AddMessageBody,
  type MemindContentBlock,
  type MemoryContent,
  type MemoryMessageInput,
  type MessageBlock,
} from '@recollect/contracts';
import { assertMetadataWithinLimit } from '../limits/metadata-limit';

/** Checked before validation so an oversized call gets 413, not a list of 400 complaints. */
export function assertWithinMessageLimit(body: unknown): void {
  const contents = (body as { contents?: unknown } | null)?.contents;
  if (Array.isArray(contents) && contents.length > MAX_MESSAGES_PER_CALL) {
    throw new DomainError(ErrorCode.PayloadTooLarge, `contents: at most ${MAX_MESSAGES_PER_CALL} entries per call (got ${contents.length})`, {
      field: 'contents',
      limit: MAX_MESSAGES_PER_CALL,
    });
  }
}

/** Media are kept, so a message carrying more inline media than the limit is refused whole (413), never stored without them. */
export function assertMediaWithinLimit(body: AddMessageBody): void {
  let bytes = 0;
  for (const block of body.message.content) if (block.type !== 'text' && block.source.type === 'base64') bytes += base64DecodedBytes(block.source.data) ?? 0;
  if (bytes > MAX_MEDIA_BYTES_PER_CALL) {
    throw new DomainError(
      ErrorCode.PayloadTooLarge,
      `message.content: inline media total ${bytes} bytes, above the limit of ${MAX_MEDIA_BYTES_PER_CALL}; send large media by URL`,
      {
        field: 'message.content',
        limit: MAX_MEDIA_BYTES_PER_CALL,
        bytes,
      },
    );
  }
}

/**
 * Seed 002 entries as messages, each within the metadata limit: its metadata and fields besides the
 * known ones, which every chunk of the message keeps (413 naming the entry otherwise).
 */
export function messagesOfEntries(contents: readonly MemoryContent[]): MemoryMessageInput[] {
  const messages = contents.map(fromMemoryContent);
  messages.forEach((message, i) => assertMetadataWithinLimit(`contents[${i}]`, message.metadata, "an entry's metadata and fields besides content, id, role, name and createdAt"));
  return messages;
}

/** A Memind message, within the inline media limit and the metadata limit (the body's and the message's together). */
export function messageOfMemind(body: AddMessageBody): MemoryMessageInput {
  assertMediaWithinLimit(body);
  const message = fromMemindMessage(body);
  assertMetadataWithinLimit('metadata', message.metadata, "the message's metadata (the body's metadata and message.metadata together)");
  return message;
}

/** Seed 002 entry → message: fields other than the known ones travel in its metadata (the explicit `metadata` wins). */
export function fromMemoryContent({ content, id, role, name, createdAt, metadata, ...extra }: MemoryContent): MemoryMessageInput {
  return {
    id: id ?? null,
    role: role ?? null,
    authorName: name ?? null,
    occurredAt: createdAt ?? null,
    metadata: { ...extra, ...metadata },
    blocks: [{ type: 'text', text: content }],
  };
}

function toBlock(block: MemindContentBlock): MessageBlock {
  if (block.type === 'text') return { type: 'text', text: block.text };
  const { source } = block;
  return source.type === 'url'
    ? { type: block.type, source: { type: 'url', url: source.url } }
    : { type: block.type, source: { type: 'base64', mediaType: source.media_type, data: base64Body(source.data) ?? source.data } };
}

/** Memind message → message: USER/ASSISTANT become `user`/`assistant`, `userName` the speaker. */
export function fromMemindMessage(body: AddMessageBody): MemoryMessageInput {
  const { message } = body;
  const sourceClient = message.sourceClient ?? body.sourceClient;
  return {
    id: message.id ?? null,
    role: message.role.toLowerCase(),
    authorName: message.userName ?? null,
    occurredAt: message.timestamp ?? null,
    metadata: { ...body.metadata, ...message.metadata, ...(sourceClient ? { sourceClient } : {}) },
    blocks: message.content.map(toBlock),
  };
}
