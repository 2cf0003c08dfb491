/** Messages per memory call; more is a 413, like documents per add. */
export const MAX_MESSAGES_PER_CALL = 1000;
/** Characters of one message's text. */
export const MAX_MESSAGE_CHARS = 1_000_000;
/** Decoded bytes of inline (base64) media per call; media are kept, so past this the call is a 413, never a silent drop. */
export const MAX_MEDIA_BYTES_PER_CALL = 10 * 1024 * 1024;
