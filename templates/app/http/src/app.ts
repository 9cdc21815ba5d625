// The service as a Fastify plugin: metrics, security headers, rate limit, probes, the API and a
// JSON 404. server.ts listens on it; tests build it with buildApp() and call app.inject().
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.ts';
import { handleNotFound } from './errors.ts';
import { createHttpServer } from './http-server.ts';
import health from './plugins/health.ts';
import type { Readiness } from './plugins/health.ts';
import metrics from './plugins/metrics.ts';
import { createRateLimit } from './plugins/rate-limit.ts';
import { registerSecurityHeaders } from './plugins/security-headers.ts';
import api from './routes/api.ts';

export interface AppOptions {
  config: Config;
  readiness: Readiness;
  registry: Registry;
}

export const app = fp(async function app(fastify: FastifyInstance, { config, readiness, registry }: AppOptions): Promise<void> {
  // First: its timing hook must be in place before the routes it times are registered.
  await fastify.register(metrics, { registry });
  registerSecurityHeaders(fastify, config.SECURITY_HEADERS);
  const rateLimit = await createRateLimit(fastify, config.RATE_LIMIT_MAX);
  await fastify.register(health, { readiness });
  await fastify.register(api, { prefix: '/api', config, rateLimit });
  // Rate-limited as well, so probing for URLs is slowed down like any other request.
  fastify.setNotFoundHandler(rateLimit ? { preHandler: rateLimit } : {}, handleNotFound);
});

/** The app on its own server, ready for listen() or inject(). */
export async function buildApp(options: AppOptions & { logger: Logger }): Promise<FastifyInstance> {
  const { config, logger } = options;
  const fastify = createHttpServer(config, logger, {
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Empty: X-Forwarded-For is ignored and the client is the peer address.
    trustProxy: config.TRUST_PROXY === '' ? false : config.TRUST_PROXY,
  });
  await fastify.register(app, options);
  return fastify;
}
