// Graceful shutdown on SIGTERM and SIGINT (and on an uncaught error): readiness turns 503, then the
// steps close in order (stop taking work, finish what is in flight, release resources) and the
// process exits 0. Past the deadline it exits 1, saying which steps were still open.
import { setTimeout as sleep } from 'node:timers/promises';
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import type { Readiness } from './plugins/health.ts';

export interface ShutdownStep {
  /** What the step closes, as the deadline message names it: "http server", "job runner". */
  name: string;
  close(): Promise<void>;
}

export interface ShutdownOptions {
  logger: Logger;
  readiness: Readiness;
  /** Hard deadline from the signal to the exit. */
  timeoutMs: number;
  /** After SIGTERM only: time to keep working while ready answers 503, so load balancers stop
   * sending traffic before the server stops accepting it. SIGINT (a terminal) skips it. */
  drainDelayMs?: number;
  steps: ShutdownStep[];
}

// close-with-grace handles many signals by default. SIGABRT must keep its default action (the
// watchdog's `abort` sends it to the process), as must the fatal signals; the rest stay Node's.
const LEFT_ALONE = ['SIGHUP', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGUSR2', 'beforeExit'] as const;

/** Installs the signal and error handlers; returns their uninstall. */
export function installShutdown({ logger, readiness, timeoutMs, drainDelayMs = 0, steps }: ShutdownOptions): () => void {
  const open = new Set(steps.map((step) => step.name));
  const { uninstall } = closeWithGrace(
    {
      delay: timeoutMs,
      skip: [...LEFT_ALONE],
      logger: { error: (error: unknown) => logger.error({ err: error }, 'shutdown failed') },
      onTimeout: () => logger.fatal({ open: [...open], activeResources: countActiveResources() }, `shutdown deadline of ${timeoutMs} ms passed with ${[...open].join(', ')} still open`),
      onSecondSignal: (signal) => logger.fatal({ signal, open: [...open] }, `second ${signal} during shutdown: exiting now with ${[...open].join(', ')} still open`),
      onSecondError: (error) => logger.fatal({ err: error, open: [...open] }, 'error during shutdown: exiting now'),
    },
    async ({ signal, err }) => {
      readiness.draining = true;
      if (err) logger.fatal({ err }, 'uncaught error: shutting down');
      else logger.info({ signal }, 'shutting down');
      if (signal === 'SIGTERM' && drainDelayMs > 0) await sleep(drainDelayMs);
      for (const step of steps) {
        await step.close();
        open.delete(step.name);
      }
      logger.info('shutdown complete');
    },
  );
  return uninstall;
}

// "TCPSocketWrap: 3, Timeout: 1": what still holds the event loop open.
function countActiveResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of process.getActiveResourcesInfo()) counts[resource] = (counts[resource] ?? 0) + 1;
  return counts;
}
