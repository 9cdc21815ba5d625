// The worker's HTTP port, as a Fastify plugin: the probes and /metrics, for the orchestrator and
// Prometheus, and a JSON 404 for anything else. Tests build it with buildApp() and call inject().
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

export interface AppOptions {
  readiness: Readiness;
  registry: Registry;
}

export const app = fp(async function app(fastify: FastifyInstance, { readiness, registry }: AppOptions): Promise<void> {
  await fastify.register(metrics, { registry });
  await fastify.register(health, { readiness });
  fastify.setNotFoundHandler(handleNotFound);
});

/** The port's app on its own server, ready for listen() or inject(). */
export async function buildApp(options: AppOptions & { config: Config; logger: Logger }): Promise<FastifyInstance> {
  const fastify = createHttpServer(options.config, options.logger);
  await fastify.register(app, options);
  return fastify;
}
