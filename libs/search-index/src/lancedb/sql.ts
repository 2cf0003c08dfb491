import { DomainError, ErrorCode } from '@recollect/contracts';

/**
 * Quotes text as a SQL string literal for LanceDB filters (DataFusion dialect).
 * Doubling the quote is the dialect's only escape; backslashes are literal there, so they need nothing.
 */
export function sqlString(value: string): string {
  if (typeof value !== 'string') throw new TypeError(`Expected a string for a SQL literal, got ${typeof value}`);
  // A NUL can end the string early in native code; no legitimate filter value carries one.
  if (value.includes('\u0000')) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Filter values must not contain NUL characters');
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL list literal of strings, e.g. `['a', 'b']` (usable as an array argument). */
export function sqlStringArray(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}

/** A parenthesised list for `IN (...)`; callers must not pass an empty list (not valid SQL). */
export function sqlInList(values: readonly string[]): string {
  if (values.length === 0) throw new Error('sqlInList needs at least one value');
  return `(${values.map(sqlString).join(', ')})`;
}
