import type { FastifyRequest, HTTPMethods } from 'fastify';

/** The methods the API's routes use; HEAD comes with GET. */
const ROUTED_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The methods some route answers on the request's path, other than the request's own: a request the
 * router found no route for is a 405 naming them when there are some, a 404 when there are none.
 */
export function otherMethodsOn(request: FastifyRequest): HTTPMethods[] {
  const url = request.url.split('?')[0]!;
  return ROUTED_METHODS.filter((method) => method !== request.method && request.server.findRoute({ method, url }) !== null);
}
