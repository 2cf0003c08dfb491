import { createHash } from 'node:crypto';

/**
 * Deterministic UUID-shaped id (RFC 9562 version 8, from SHA-256) for e.g. [tenant, documentId, chunkIndex],
 * so a redelivered command overwrites its chunks instead of duplicating them. Fits text and uuid columns alike.
 */
export function chunkId(parts: readonly string[]): string {
  const hash = createHash('sha256');
  // Length-prefixed so ["ab", "c"] and ["a", "bc"] differ.
  for (const part of parts) hash.update(`${part.length}:${part}`);
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
