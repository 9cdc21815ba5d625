// The Fastify server both kinds start from: socket timeouts, request ids, strict body validation,
// one log line per request and an error handler that never shows a stack. Each kind's app.ts
// registers its routes on it; tests call app.inject() on it without a port.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { handleError } from './errors.ts';

// Headers must arrive well within the whole request's time; Node requires headers <= request.
const HEADERS_TIMEOUT_MS = 10_000;

// An incoming X-Request-Id (from a gateway or the caller) is kept when it is a plain token.
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createHttpServer(config: Config, logger: Logger, options: FastifyServerOptions = {}): FastifyInstance {
  const requestTimeout = config.REQUEST_TIMEOUT_MS;
  const app = Fastify({
    loggerInstance: logger,
    logController: new OneLinePerRequest({ requestIdLogLabel: 'requestId' }),
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout,
    http: { requestTimeout, headersTimeout: requestTimeout === 0 ? HEADERS_TIMEOUT_MS : Math.min(HEADERS_TIMEOUT_MS, requestTimeout) },
    // JSON bodies are validated as sent: {"data": 123} is not a string. Fastify's default would
    // coerce it; query strings and params then need string schemas (or a conversion of your own).
    ajv: { customOptions: { coerceTypes: false } },
    ...options,
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.setErrorHandler(handleError);
  return app;
}

/**
 * Stops accepting connections, lets in-flight requests finish, then runs the onClose hooks.
 * Fastify closes the connections that are idle when it starts closing; a keep-alive connection
 * whose request was in flight would stay open after its response (a load balancer's for up to
 * the keep-alive timeout), so idle connections are closed again until the server has closed.
 */
export async function closeHttpServer(app: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}

// Fastify logs "incoming request" and "request completed" for every request; one line with the
// request, the status and the time carries the same facts at half the cost.
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
