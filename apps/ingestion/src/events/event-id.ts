import { createHash } from 'node:crypto';

/**
 * An event id that is the same every time the same fact is announced (a job's update, its outcome),
 * so a subscriber that deduplicates on `id`, as the contract asks, drops an announcement made again
 * after a redelivery. UUID-shaped (version 8, for ids of one's own making) like the random ones.
 */
export function derivedEventId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
