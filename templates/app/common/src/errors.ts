// One shape for every error answer, {statusCode, error, message}: 4xx say what was wrong with the
// request; a 5xx says only its status name (unless the app wrote the message itself, as an
// HttpError) and keeps the details, stack included, in the log.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** An error with the HTTP status to answer with; throw it from a handler. */
export class HttpError extends Error {
  readonly statusCode: number;

  constructor(statusCode: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HttpError';
    this.statusCode = statusCode;
  }
}

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  const name = STATUS_CODES[status] ?? 'Error';
  const message = status < 500 || error instanceof HttpError ? error.message : name;
  return reply.code(status).send({ statusCode: status, error: name, message });
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `Route ${request.method} ${request.url} not found` });
}
