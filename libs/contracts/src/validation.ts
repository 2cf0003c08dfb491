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

/** Parses or throws a ValidationFailed error whose message names each bad field and its rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
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
