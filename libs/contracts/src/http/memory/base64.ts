const PLUS = 43;
const SLASH = 47;
const EQUALS = 61;

const isBase64Char = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === PLUS || c === SLASH;

/** The base64 text of a payload sent either bare or as an RFC 2397 `data:<type>;base64,<data>` URI. */
export function base64Body(data: string): string | null {
  if (!data.startsWith('data:')) return data;
  const marker = data.indexOf(';base64,');
  return marker < 0 ? null : data.slice(marker + ';base64,'.length);
}

/**
 * Decoded size in bytes of a base64 payload (RFC 4648 alphabet, padded), or null when it is not
 * valid base64. A plain loop, not a regular expression, so a 10 MB payload costs one linear pass.
 */
export function base64DecodedBytes(data: string): number | null {
  const body = base64Body(data);
  if (body === null || body.length === 0 || body.length % 4 !== 0) return null;
  let padding = 0;
  for (let i = 0; i < body.length; i += 1) {
    const c = body.charCodeAt(i);
    if (isBase64Char(c) && padding === 0) continue;
    if (c === EQUALS && i >= body.length - 2) {
      padding += 1;
      continue;
    }
    return null;
  }
  return (body.length / 4) * 3 - padding;
}
