import type { z } from 'zod';
import { DomainError, ErrorCode } from './errors';

export interface FieldIssue {
  field: string;
  rule: string;
  message: string;
}

const fieldPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '') ||
  '(body)';

/** Where in a JSON value a string or key holds U+0000, which PostgreSQL text and jsonb cannot store. */
function nulCharacterAt(value: unknown, path: PropertyKey[] = []): PropertyKey[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulCharacterAt(item, [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key];
      const found = nulCharacterAt(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Parses or throws a ValidationFailed error whose message names each bad field and its rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  const nulAt = nulCharacterAt(input);
  if (nulAt) {
    const issue: FieldIssue = { field: fieldPath(nulAt), rule: 'no_nul_character', message: 'must not contain the NUL character (\\u0000)' };
    throw new DomainError(ErrorCode.ValidationFailed, `Invalid ${what}: ${issue.field}: ${issue.message}`, { issues: [issue] });
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    field: fieldPath(issue.path),
    rule: issue.code,
    message: issue.message,
  }));
  const message = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  throw new DomainError(ErrorCode.ValidationFailed, `Invalid ${what}: ${message}`, { issues });
}
