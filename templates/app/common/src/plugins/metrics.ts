// Prometheus metrics: Node's default process metrics, the watchdog's stall figures and a histogram
// of HTTP request durations, served as text on GET /metrics.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { getWatchdog } from '../../vendor/watchdog/index.js';

/** The process's registry. Collectors that read process-wide state register here, once. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerWatchdogMetrics(registry);
  return registry;
}

/**
 * The watchdog's figures, read when Prometheus scrapes (a read of shared memory, no work in
 * between). Only when it runs: `npm start` preloads it, tests and BASTION_WATCHDOG=0 do not.
 * Event-loop delay percentiles are among the default metrics (`nodejs_eventloop_lag_*`).
 */
function registerWatchdogMetrics(registry: Registry): void {
  const watchdog = getWatchdog();
  if (watchdog === undefined) return;
  // One stats() per scrape, taken by the first collector (prom-client collects in the order the
  // metrics were registered): its utilisation covers the time since the previous call.
  let latest = watchdog.stats();
  let counted = 0;
  new Counter({
    name: 'bastion_watchdog_stalls_total',
    help: 'Event-loop stalls longer than the watchdog threshold since start',
    registers: [registry],
    collect() {
      latest = watchdog.stats();
      this.inc(latest.stalls - counted);
      counted = latest.stalls;
    },
  });
  new Gauge({
    name: 'bastion_watchdog_longest_stall_seconds',
    help: 'Longest event-loop stall the watchdog has seen since start',
    registers: [registry],
    collect() {
      this.set(latest.longestStallMs / 1_000);
    },
  });
  new Gauge({
    name: 'bastion_watchdog_event_loop_utilization',
    help: 'Share of the time since the previous scrape that the main event loop was busy (0 to 1)',
    registers: [registry],
    collect() {
      this.set(latest.eventLoopUtilization);
    },
  });
  new Gauge({
    name: 'bastion_watchdog_threshold_seconds',
    help: 'How long the event loop may go without turning before the watchdog reports a stall',
    registers: [registry],
    collect() {
      this.set(watchdog.timeoutMs / 1_000);
    },
  });
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
