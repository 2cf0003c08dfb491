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

/**
 * How deeply arrays and objects may nest in a body. Real payloads stay far below it; the bound keeps
 * every walk over client data (this one, JSON.stringify, jsonb) from running out of stack.
 */
export const MAX_JSON_DEPTH = 64;

interface Unstorable {
  issue: Omit<FieldIssue, 'field'>;
  /** Innermost key first: each level adds its own on the way out, so no level copies the path. */
  reversedPath: PropertyKey[];
}

const NUL_CHARACTER = { rule: 'no_nul_character', message: 'must not contain the NUL character (\\u0000)' };
const LONE_SURROGATE = { rule: 'well_formed_unicode', message: 'must be well-formed Unicode (a UTF-16 surrogate without its pair, as a string cut mid-character has)' };
const tooDeep = (maxDepth: number) => ({ rule: 'max_depth', message: `must not nest arrays and objects more than ${maxDepth} levels deep` });
// JSON.parse reads 1e309 as Infinity, which JSON cannot write back: it would be stored as null.
const NOT_FINITE = { rule: 'finite_number', message: 'must be a finite number (this one overflows to Infinity, which JSON cannot hold)' };

// ES2024, in Node since 20; several times faster than a /\p{Surrogate}/u scan of a long string.
type StringWithIsWellFormed = string & { isWellFormed(): boolean; toWellFormed(): string };

/** Why PostgreSQL text and jsonb could not store this string, if they could not. */
function textIssue(text: string): Unstorable['issue'] | undefined {
  if (text.includes('\u0000')) return NUL_CHARACTER;
  return (text as StringWithIsWellFormed).isWellFormed() ? undefined : LONE_SURROGATE;
}

/**
 * Text PostgreSQL can store, for a failure reason that quotes a message which failed validation (its
 * field names, for one): NUL characters dropped, lone surrogates replaced, `maxLength` characters kept.
 */
export function storableText(text: string, maxLength = 2_000): string {
  const cleaned = (text.replaceAll('\u0000', '') as StringWithIsWellFormed).toWellFormed();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength)}…` : cleaned;
}

/** Why PostgreSQL could not store this text (it holds NUL or a lone surrogate), as a rule's message; undefined if it could. */
export function unstorableTextReason(text: string): string | undefined {
  return textIssue(text)?.message;
}

/** The first string or key PostgreSQL could not store (see textIssue), number JSON could not, or value nested too deep. */
function unstorableAt(value: unknown, maxDepth: number, depth = 0): Unstorable | undefined {
  if (typeof value === 'string') {
    const issue = textIssue(value);
    return issue ? { issue, reversedPath: [] } : undefined;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { issue: NOT_FINITE, reversedPath: [] };
  if (value === null || typeof value !== 'object') return undefined;
  if (depth === maxDepth) return { issue: tooDeep(maxDepth), reversedPath: [] };
  const entries: Iterable<[PropertyKey, unknown]> = Array.isArray(value) ? value.entries() : Object.entries(value);
  for (const [key, item] of entries) {
    const keyIssue = typeof key === 'string' ? textIssue(key) : undefined;
    if (keyIssue) return { issue: keyIssue, reversedPath: [key] };
    const found = unstorableAt(item, maxDepth, depth + 1);
    if (found) {
      found.reversedPath.push(key);
      return found;
    }
  }
  return undefined;
}

/** Parses a request from a client, or throws a ValidationFailed error whose message names each bad field and its rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  return parseWithin(schema, input, what, MAX_JSON_DEPTH);
}

/**
 * Parses a query string's parameters. Each the schema knows must come once, by its plain name: a
 * repeated one (`?limit=10&limit=20`) or one in a bracket form (`?file_name[]=a`) is refused naming
 * it, where it would otherwise fail as a wrong type, or be skipped as unknown and filter nothing.
 * Parameters the schema does not know are ignored, as a cache-busting one must be.
 */
export function parseQueryOrThrow<S extends z.ZodObject>(schema: S, input: unknown): z.output<S> {
  const known = new Set(Object.keys(schema.shape));
  const issues: FieldIssue[] = [];
  for (const [key, value] of Object.entries((input ?? {}) as Record<string, unknown>)) {
    const name = /^([^[]+)\[/.exec(key)?.[1];
    if (name !== undefined && known.has(name)) issues.push({ field: name, ...singleValue(`once, as ${name}=value (${key} was given)`) });
    else if (known.has(key) && Array.isArray(value)) issues.push({ field: key, ...singleValue(`once (it was given ${value.length} times)`) });
  }
  if (issues.length > 0) {
    throw invalid('query string', issues);
  }
  return parseOrThrow(schema, input ?? {}, 'query string');
}

const singleValue = (how: string) => ({ rule: 'single_value', message: `must be given ${how}` });

/**
 * The levels a bus message's envelope and payload may add around what a client sent; the gateway
 * applied the client's bound already, and a message it accepted must not fail here for its envelope.
 */
const ENVELOPE_DEPTH = 16;

/**
 * A bus message that failed its schema. Final: the same code reads the same bytes the same way at
 * every delivery, so the bus dead-letters it at once instead of retrying.
 */
export class UnreadableMessageError extends DomainError {
  constructor(refusal: DomainError) {
    super(refusal.code, refusal.message, refusal.details);
    this.name = 'UnreadableMessageError';
  }
}

/** Parses a bus message (command, event, request) the same way, allowing for its envelope; throws UnreadableMessageError. */
export function parseMessageOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  try {
    return parseWithin(schema, input, what, MAX_JSON_DEPTH + ENVELOPE_DEPTH);
  } catch (error) {
    throw error instanceof DomainError ? new UnreadableMessageError(error) : error;
  }
}

/**
 * parseMessageOrThrow for a consumer whose senders wait on the message's outcome: `onRefused` hears of
 * a refusal first, to tell them, then it throws. If telling them fails, that error is thrown instead,
 * which the bus retries like any other.
 */
export async function parseMessageOrRefuse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  onRefused: (error: UnreadableMessageError) => Promise<void>,
): Promise<z.output<S>> {
  try {
    return parseMessageOrThrow(schema, input, what);
  } catch (error) {
    if (error instanceof UnreadableMessageError) await onRefused(error);
    throw error;
  }
}

const MISSING = { rule: 'required', message: 'is required' };
const NOT_A_NUMBER = { rule: 'invalid_type', message: 'must be a number' };

/** An issue as the client reads it: zod's own words, except where they describe zod rather than the field. */
function fieldIssue(issue: z.core.$ZodIssue): FieldIssue {
  const field = fieldPath(issue.path);
  if (issue.code !== 'invalid_type') return { field, rule: issue.code, message: issue.message };
  // JSON has no undefined, so only a field left out reads as it.
  if (issue.input === undefined) return { field, ...MISSING };
  // A query parameter coerced to a number: "received NaN" names no input the client sent.
  if (typeof issue.input === 'number' && Number.isNaN(issue.input)) return { field, ...NOT_A_NUMBER };
  return { field, rule: issue.code, message: issue.message };
}

/**
 * Once a value has the wrong type, the other rules on it say nothing useful (an array's item limit
 * read off a string's length, say): only the type issue is kept for that field.
 */
function withoutIssuesOfMistypedValues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const mistyped = new Set(issues.filter((issue) => issue.code === 'invalid_type').map((issue) => fieldPath(issue.path)));
  return issues.filter((issue) => issue.code === 'invalid_type' || !mistyped.has(fieldPath(issue.path)));
}

function parseWithin<S extends z.ZodType>(schema: S, input: unknown, what: string, maxDepth: number): z.output<S> {
  const unstorable = unstorableAt(input, maxDepth);
  if (unstorable) {
    const issue: FieldIssue = { field: fieldPath(unstorable.reversedPath.reverse()), ...unstorable.issue };
    throw invalid(what, [issue]);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // Again with each issue's input, which fieldIssue reads: asked for on every parse, it made zod's
  // parse of a valid add body more than twice as slow.
  const refused = schema.safeParse(input, { reportInput: true });
  const issues = withoutIssuesOfMistypedValues(refused.error?.issues ?? result.error.issues).map(fieldIssue);
  throw invalid(what, issues);
}

/** The refusal of an input, its message naming each bad field and its rule's words. */
const invalid = (what: string, issues: FieldIssue[]): DomainError =>
  new DomainError(ErrorCode.ValidationFailed, `Invalid ${what}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues });
