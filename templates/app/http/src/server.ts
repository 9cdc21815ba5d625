// Entry point: reads the configuration, builds the app, listens, and wires graceful shutdown.
// `npm start` runs it with the watchdog already loaded (--import ./vendor/watchdog/register.js).
import { buildApp } from './app.ts';
import { loadConfigOrExit } from './config.ts';
import { closeHttpServer } from './http-server.ts';
import { createLogger } from './logger.ts';
import { createMetricsRegistry } from './plugins/metrics.ts';
import { installShutdown } from './shutdown.ts';

const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);
const readiness = { draining: false };
const app = await buildApp({ config, logger, readiness, registry: createMetricsRegistry() });

installShutdown({
  logger,
  readiness,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  drainDelayMs: config.SHUTDOWN_DELAY_MS,
  // In-flight requests finish first; the worker pool closes with the server (an onClose hook).
  steps: [{ name: 'http server', close: () => closeHttpServer(app) }],
});

await app.listen({ port: config.PORT, host: config.HOST });

