// Entry point: reads the configuration, starts the HTTP port and the job runner, and wires
// graceful shutdown. `npm start` runs it with the watchdog already loaded
// (--import ./vendor/watchdog/register.js).
import { buildApp } from './app.ts';
import { loadConfigOrExit } from './config.ts';
import { closeHttpServer } from './http-server.ts';
import { checksumJob } from './jobs/checksum-job.ts';
import type { ChecksumPayload } from './jobs/checksum-job.ts';
import { MemoryJobSource } from './jobs/memory-source.ts';
import { JobRunner } from './jobs/runner.ts';
import { createLogger } from './logger.ts';
import { createMetricsRegistry } from './plugins/metrics.ts';
import { installShutdown } from './shutdown.ts';

const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);
const readiness = { draining: false };
const registry = createMetricsRegistry();
const app = await buildApp({ config, logger, readiness, registry });
// The example source; put your queue's consumer here, behind the JobSource interface.
const source = new MemoryJobSource<ChecksumPayload>();
const runner = new JobRunner({ source, handle: checksumJob, logger, registry, timeoutMs: config.JOB_TIMEOUT_MS });

installShutdown({
  logger,
  readiness,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [
    // First: no new job, and the current one finishes. The port stays up meanwhile for the probes.
    { name: 'job runner', close: () => runner.stop() },
    { name: 'http server', close: () => closeHttpServer(app) },
  ],
});

await app.listen({ port: config.PORT, host: config.HOST });
runner.start();
logger.info('waiting for jobs');
