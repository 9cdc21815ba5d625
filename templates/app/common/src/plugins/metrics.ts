// Prometheus metrics: Node's default process metrics and a histogram of HTTP request durations,
// served as text on GET /metrics.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The process's registry. Collectors that read process-wide state register here, once. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

// fastify-plugin: the timing hook must see the routes of the whole app, not only this plugin's.
export default fp(async function metrics(app: FastifyInstance, { registry }: { registry: Registry }): Promise<void> {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request to the end of the response, by route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    // The route template (/users/:id), never the raw URL, so the number of series stays bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status_code: reply.statusCode }, reply.elapsedTime / 1_000);
    done();
  });
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
});
