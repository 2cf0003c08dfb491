/** A one-line description of anything thrown, for logs, dead-letter headers and BusUnavailable messages. */
export function errorText(error: unknown): string {
  // pg reports a refused localhost connection as an AggregateError (IPv4 + IPv6) with an empty message.
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(errorText).join('; ');
  if (error instanceof Error) return error.message || error.name;
  // Nest's RPC exception filter turns errors into plain `{ status, message }` objects.
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return typeof error === 'string' ? error : String(JSON.stringify(error));
}
